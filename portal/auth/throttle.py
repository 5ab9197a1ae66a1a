"""Failed sign-in attempts, counted per account and per address in the configured storage.

Only failures count, so a factory behind one address signing in at shift change is never
refused for its successes. The storage is ``RATELIMIT_STORAGE_URI`` (``memory://`` counts per
process; Redis shares the counts across workers and servers).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "login_throttle"


@dataclass(frozen=True)
class LoginThrottle:
    limiter: FixedWindowRateLimiter
    per_account: tuple[RateLimitItem, ...]
    per_address: tuple[RateLimitItem, ...]

    def _keys(self, username: str, address: str) -> list[tuple[RateLimitItem, str]]:
        account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        return ([(item, f"login-failed:account:{account}") for item in self.per_account]
                + [(item, f"login-failed:address:{address}") for item in self.per_address])

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until a new attempt is accepted; 0 when one is accepted now."""
        waits = [self.limiter.get_window_stats(item, key).reset_time - time.time()
                 for item, key in self._keys(username, address) if not self.limiter.test(item, key)]
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, username: str, address: str) -> None:
        for item, key in self._keys(username, address):
            self.limiter.hit(item, key)


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[EXTENSION] = LoginThrottle(
        FixedWindowRateLimiter(storage),
        tuple(parse_many(app.config["LOGIN_FAILURES_PER_ACCOUNT"])),
        tuple(parse_many(app.config["LOGIN_FAILURES_PER_ADDRESS"])),
    )


def login_throttle() -> LoginThrottle:
    return current_app.extensions[EXTENSION]
