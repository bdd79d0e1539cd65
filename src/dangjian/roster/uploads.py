"""Where an uploaded roster waits between the upload and the import: parsed once, at upload,
and kept as JSON in ``DATA_DIR/imports`` — a folder only the server's user can enter (0700),
each file readable only by it (0600), since a real roster holds ID numbers in plain text.

The workbook itself is never written to disk. The parsed rows are deleted when the import
succeeds, when the user cancels, and by ``sweep`` (``dangjian sweep-uploads``, run daily and
when the demo server starts) once they are a day old — whatever was abandoned."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from .reader import Sheet

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != FOLDER_MODE:
        path.chmod(FOLDER_MODE)  # made by an older version, or under a loose umask
    return path


def path_for(token: str) -> Path | None:
    return folder() / f"{token}.json" if _TOKEN.match(token) else None


def _encode(value: Any) -> Any:
    # cells are str/int/float/bool or one of these; a dict never is, so it can tag them
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"td": value.total_seconds()}
    raise TypeError(type(value).__name__)


def _decode(obj: dict[str, Any]) -> Any:
    if "dt" in obj:
        return dt.datetime.fromisoformat(obj["dt"])
    if "d" in obj:
        return dt.date.fromisoformat(obj["d"])
    if "t" in obj:
        return dt.time.fromisoformat(obj["t"])
    if "td" in obj:
        return dt.timedelta(seconds=obj["td"])
    return obj


def save(sheet: Sheet) -> str:
    """Store the parsed sheet; its token."""
    token = secrets.token_hex(16)
    path = folder() / f"{token}.json"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(
                {"headers": sheet.headers, "header_row": sheet.header_row, "rows": sheet.rows},
                out,
                ensure_ascii=False,
                separators=(",", ":"),
                default=_encode,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return token


def load(token: str) -> Sheet | None:
    path = path_for(token)
    if path is None or not path.exists():
        return None
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh, object_hook=_decode)
    return Sheet(data["headers"], data["header_row"], data["rows"])


def delete(token: str) -> None:
    path = path_for(token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep(*, hours: float = 24, now: float | None = None) -> int:
    """Delete every file in the folder last written more than ``hours`` ago; how many. The rows
    of an import waiting for the worker or under way are kept, however old (the worker deletes
    them once the import is committed)."""
    from dangjian.background.services import held_upload_tokens

    cutoff = (now if now is not None else time.time()) - hours * 3600
    held = {f"{token}.json" for token in held_upload_tokens()}
    gone = 0
    for entry in folder().iterdir():
        try:
            if entry.name in held:
                continue
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
                gone += 1
        except FileNotFoundError:
            continue  # deleted by the request that finished with it
    return gone
