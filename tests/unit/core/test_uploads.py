"""Upload checks: the type from the bytes, the limits, and the download name."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfWriter

from portal.core import uploads


def image_bytes(kind: str, size=(4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, kind)
    return out.getvalue()


def pdf_bytes(pages: int) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("data,mimetype", [
    (image_bytes("PNG"), "image/png"), (image_bytes("JPEG"), "image/jpeg"), (pdf_bytes(2), "application/pdf"),
])
def test_real_scans_pass_with_their_type_from_the_bytes(data, mimetype):
    checked = uploads.check_scan(data)
    assert checked.mimetype == mimetype and checked.data == data


@pytest.mark.parametrize("data,code", [
    (b"", "empty"),
    (b"<html><script>alert(1)</script></html>", "unknown_type"),
    (b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>", "broken_pdf"),
    (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "broken_image"),
    (image_bytes("JPEG")[:40], "broken_image"),
    (pdf_bytes(uploads.MAX_PDF_PAGES + 1), "too_many_pages"),
    (b"%PDF-" + b"0" * uploads.MAX_BYTES, "too_large"),
])
def test_anything_else_is_refused(data, code):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_scan(data)
    assert refused.value.code == code


def test_an_image_with_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_scan(image_bytes("PNG", (5000, 4001)))
    assert refused.value.code == "too_many_pixels"


@pytest.mark.parametrize("name,expected", [
    ("扫描件.png", "0123456789ab-扫描件.pdf"),
    ('a".png; filename*=UTF-8\'\'evil.html', "0123456789ab-a.png filename*=UTF-8evil.pdf"),
    ("../../etc/passwd", "0123456789ab-passwd.pdf"),
    ("\r\n.png", "0123456789ab.pdf"),
])
def test_download_names_carry_the_digest_and_the_real_extension(name, expected):
    assert uploads.download_name("0123456789abcdef", name, ".pdf") == expected
