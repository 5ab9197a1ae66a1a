"""Safe redirects after sign-in and language switches."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """Only same-site absolute paths: no scheme, no host, no protocol-relative ``//`` or ``/\\``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target and not any(c < " " for c in target)
