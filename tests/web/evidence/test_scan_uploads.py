"""Paper-receipt scans: refused unless the bytes are a real PNG, JPEG or PDF; always served as a
download with the type from the bytes, nosniff, a sandbox policy and an RFC 5987 file name."""

from __future__ import annotations

import re

import pytest
from werkzeug.http import parse_options_header

from portal.courses.models import CourseVersion
from portal.evidence.models import PaperReceipt
from portal.extensions import db
from tests.conftest import csrf_token, login, multipart
from tests.web.evidence.test_pack import PNG, journey  # noqa: F401  (journey is a fixture)

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def post_scan(client, world, filename: str, data: bytes, content_type: str):
    version = db.session.query(CourseVersion).filter_by(locale="zh_CN").first()
    fields = {"csrf_token": csrf_token(client), "content": f"course:{version.id}", "signed_on": "2026-11-20"}
    body, body_type = multipart(fields, "scan", filename, data, content_type)
    return client.post(f"/evidence/employees/{world.worker.id}/paper-receipts/new", data=body, content_type=body_type)


@pytest.mark.parametrize("data,name", [(HTML, "scan.png"), (b"%PDF-1.7\n" + HTML, "scan.pdf")])
def test_html_dressed_as_a_scan_is_refused(client, world, journey, data, name):
    login(client, "hr")
    response = post_scan(client, world, name, data, "text/html")
    assert response.status_code == 422
    assert 'id="scan-error"' in response.get_data(as_text=True)
    assert db.session.query(PaperReceipt).count() == 0


@pytest.mark.parametrize("name", ["扫描件.png", "x\"; filename*=UTF-8''evil.html; y=\".png"])
def test_scans_download_as_attachments_whatever_their_name(client, world, journey, name):
    login(client, "hr")
    assert post_scan(client, world, name, PNG, "text/html").status_code == 303
    receipt = db.session.query(PaperReceipt).one()
    assert receipt.scan_mimetype == "image/png"
    response = client.get(f"/evidence/paper-receipts/{receipt.id}/scan")
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r"""attachment; filename=("[^"\\]*"|[^;"\s]+)(; filename\*=UTF-8''[^;"\s]+)?""", disposition), disposition
    kind, options = parse_options_header(disposition)
    assert options["filename"].startswith(f"{receipt.scan_sha256[:12]}-") and options["filename"].endswith(".png")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
