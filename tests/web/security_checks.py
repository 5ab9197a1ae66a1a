"""What every response must carry, asserted by the route × role matrix on every route."""

from __future__ import annotations

import re

from werkzeug.test import TestResponse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.IGNORECASE)


def assert_security_headers(response: TestResponse, endpoint: str) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert "script-src 'self'" in csp or csp.startswith("sandbox; default-src 'none'")  # stored files: nothing runs
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    if endpoint != "static":
        assert headers["Cache-Control"] == "no-store", endpoint
    if response.mimetype == "text/html":
        found = INLINE_SCRIPT.search(response.get_data(as_text=True))
        assert found is None, f"{endpoint} has inline script or style: {found.group(0) if found else ''}"
