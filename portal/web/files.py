"""Uploaded files at the web edge: the user's words for a refused upload, and serving a stored file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from flask import Response, send_file
from flask_babel import lazy_gettext as _l

from portal.core import uploads

DOWNLOAD_CHUNK = 64 * 1024

UPLOAD_MESSAGES = {
    "empty": _l("The file is empty."),
    "too_large": _l("The scan may be at most 1.5 MB."),
    "unknown_type": _l("Use a PDF, PNG or JPEG file: this file is none of them, whatever its name says."),
    "broken_image": _l("The image cannot be read; scan or export it again."),
    "too_many_pixels": _l("The image is too large in pixels; scan at 300 dpi or less."),
    "broken_pdf": _l("The PDF cannot be read; scan or export it again."),
    "encrypted_pdf": _l("The PDF is password-protected; save it without a password."),
    "too_many_pages": _l("The PDF may have at most %(pages)d pages.", pages=uploads.MAX_PDF_PAGES),
}


def upload_message(refused: uploads.UploadRefused) -> str:
    return str(UPLOAD_MESSAGES[refused.code])


def send_stored_file(data: bytes, sha256: str, original_name: str) -> Response:
    """A stored upload as a download: its type from its bytes, never rendered by the browser."""
    mimetype, extension = uploads.sniff(data) or ("application/octet-stream", ".bin")
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=uploads.download_name(sha256, original_name, extension))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    return response


def send_download(body: bytes | IO[bytes], filename: str, mimetype: str) -> Response:
    """Bytes or a file the portal made (an export, a copy of personal data) as an attachment. A file
    is sent from its start in chunks and closed once sent, or when the client goes away."""
    if isinstance(body, bytes):
        return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=filename)
    size = body.seek(0, io.SEEK_END)
    body.seek(0)
    response = Response(_chunks_then_close(body), mimetype=mimetype, direct_passthrough=True)
    response.content_length = size
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def _chunks_then_close(file: IO[bytes]) -> Iterator[bytes]:
    with file:
        while chunk := file.read(DOWNLOAD_CHUNK):
            yield chunk
