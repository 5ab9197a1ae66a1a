"""Checking uploaded files before the portal keeps them, and naming them when it hands them out.

The type comes from the file's first bytes, never from its name or the browser's claim: PNG, JPEG
and PDF only. Images must open and decode in Pillow within a pixel limit; a PDF must parse with
pypdf, be unencrypted and have at most ``MAX_PDF_PAGES`` pages. The bytes are kept exactly as
received (they are evidence: the ledger chains their SHA-256), and they are only ever served as
attachments under their digest, so a file that is also valid HTML cannot run in the portal's origin.
Pure Python, no Flask.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

MAX_BYTES = 1_500_000
MAX_PDF_PAGES = 20
MAX_PIXELS = 20_000_000  # an A4 page scanned at 300 dpi is about 8.7 million pixels

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


class UploadRefused(ValueError):
    """``code``: empty, too_large, unknown_type, broken_image, too_many_pixels, broken_pdf, encrypted_pdf, too_many_pages."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    mimetype: str
    extension: str
    sha256: str


def sniff(data: bytes) -> tuple[str, str] | None:
    """(mimetype, extension) from the magic bytes, or ``None`` for anything else."""
    for magic, mimetype, extension in SIGNATURES:
        if data.startswith(magic):
            return mimetype, extension
    return None


def check_scan(data: bytes) -> CheckedFile:
    """A scan that is what its first bytes say, within the limits; raises ``UploadRefused``."""
    if not data:
        raise UploadRefused("empty")
    if len(data) > MAX_BYTES:
        raise UploadRefused("too_large")
    kind = sniff(data)
    if kind is None:
        raise UploadRefused("unknown_type")
    mimetype, extension = kind
    if mimetype == "application/pdf":
        _check_pdf(data)
    else:
        _check_image(data)
    return CheckedFile(data, mimetype, extension, hashlib.sha256(data).hexdigest())


def _check_image(data: bytes) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise UploadRefused("too_many_pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() does not decode JPEG data; load() does
    except UploadRefused:
        raise
    except Exception:  # Pillow raises many kinds for a damaged file; all mean the same to the user
        raise UploadRefused("broken_image") from None


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception:  # pypdf raises many kinds for a damaged file
        raise UploadRefused("broken_pdf") from None
    if encrypted:
        raise UploadRefused("encrypted_pdf")
    if pages > MAX_PDF_PAGES:
        raise UploadRefused("too_many_pages")
    if pages == 0:
        raise UploadRefused("broken_pdf")


def download_name(sha256: str, original_name: str, extension: str) -> str:
    """``<digest prefix>-<original stem><extension from the content>``: readable for HR, with the
    stem stripped of paths, quotes and control characters (Werkzeug writes the RFC 5987 header)."""
    stem = original_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = "".join(ch for ch in unicodedata.normalize("NFC", stem) if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    stem = re.sub(r"[\"';<>`]+", "", stem).strip(" .")[:60]
    return f"{sha256[:12]}-{stem}{extension}" if stem else f"{sha256[:12]}{extension}"
