"""Serving an uploaded file after the caller's access check — never from a public media URL.

An uploaded file is someone's bytes, not the platform's page: it is shown in the browser only
when its first bytes say it is a photo (JPEG, PNG, GIF, WebP — never SVG, which can carry
script), with that type; anything else is a download. Every such response also carries a
sandboxing Content-Security-Policy of its own, so even a file a browser would render cannot run
script or reach the platform's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404

#: photo types shown in the browser, by their first bytes (magic numbers)
_IMAGES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def image_type(head: bytes) -> str | None:
    """The photo type that ``head`` (a file's first 16 bytes) begins with, else ``None``."""
    for magic, ctype in _IMAGES:
        if head.startswith(magic):
            return ctype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def uploaded_image_type(upload: Any) -> str | None:
    """The photo type of an uploaded file (read from its bytes, not its name), rewound."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return image_type(head)


def private_file(field_file: Any, *, filename: str | None = None) -> FileResponse:
    """The file as a download named ``filename``; without a name, shown inline only if it is a
    photo (otherwise still a download). Not cached by anything shared."""
    try:
        fh = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    head = fh.read(16)
    fh.seek(0)
    ctype = image_type(head)
    if filename is None and ctype is not None:
        response = FileResponse(fh, content_type=ctype)
    else:
        name = filename or Path(field_file.name).name
        response = FileResponse(
            fh, as_attachment=True, filename=name, content_type="application/octet-stream"
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response
