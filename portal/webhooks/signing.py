"""Signing webhook bodies (HMAC-SHA256 over the timestamp and the body) and the retry back-off.

Pure Python: no Flask, no database. A receiver checks a delivery with :func:`verify`.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Portal-Signature"
TOLERANCE_SECONDS = 300  # a receiver refuses signatures older than five minutes (replays)
RETRIES = 6
FIRST_RETRY_SECONDS = 30
BACKOFF = 4.0  # 30 s, 2 min, 8 min, 32 min, ~2 h, ~8.5 h: a day's outage is covered


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of ``now``."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


def retry_delays(retries: int = RETRIES, first: int = FIRST_RETRY_SECONDS, backoff: float = BACKOFF) -> list[int]:
    """The waits before each retry, in seconds (what the job queue's back-off produces)."""
    return [int(first * backoff ** n) for n in range(retries)]
