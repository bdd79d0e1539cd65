"""Serving an uploaded file after the caller's access check — never from a public media URL."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404


def private_file(field_file: Any, *, filename: str | None = None) -> FileResponse:
    """The file (as a download when ``filename`` is given), not cached by anything shared."""
    try:
        fh = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if filename:
        response = FileResponse(fh, as_attachment=True, filename=filename)
    else:
        response = FileResponse(fh)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
