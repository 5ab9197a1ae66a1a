"""htmx is served from static/ at the pinned version; no page loads scripts from elsewhere."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_vendored_htmx_matches_the_recorded_checksum():
    readme = (ROOT / "static/vendor/README.md").read_text()
    recorded = re.search(r"`htmx-2\.0\.11\.min\.js` \|.*\| `([0-9a-f]{64})` \|", readme).group(1)
    actual = hashlib.sha256((ROOT / "static/vendor/htmx-2.0.11.min.js").read_bytes()).hexdigest()
    assert actual == recorded


def test_pages_load_htmx_from_static_only(client):
    body = client.get("/login").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', body)
    assert scripts == ["/static/vendor/htmx-2.0.11.min.js", "/static/js/portal.js"]
    response = client.get(scripts[0])
    response.close()
    assert response.status_code == 200


def test_vendored_axe_core_matches_the_recorded_checksum():
    readme = (ROOT / "tests/e2e/vendor/README.md").read_text()
    recorded = re.search(r"`axe-4\.14\.1\.min\.js` \|.*\| `([0-9a-f]{64})` \|", readme).group(1)
    actual = hashlib.sha256((ROOT / "tests/e2e/vendor/axe-4.14.1.min.js").read_bytes()).hexdigest()
    assert actual == recorded
