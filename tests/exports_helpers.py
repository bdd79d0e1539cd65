"""Reading an .xlsx download back in the export tests, and pinning its query count."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook


def sheets(response) -> dict[str, list[tuple]]:
    """Every sheet of the downloaded workbook: its title line, header row, then the rows."""
    assert response.status_code == 200, response.content[:300]
    assert "spreadsheetml" in response["Content-Type"]
    raw = getattr(response, "_raw_xlsx", None)
    if raw is None:  # a streamed body can be read once: keep it for the next look
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        response._raw_xlsx = raw
    wb = load_workbook(io.BytesIO(raw), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def rows(response) -> list[tuple]:
    """The first sheet's data rows (title line and header row left out)."""
    return next(iter(sheets(response).values()))[2:]


def column(response, i: int = 0, sheet: str | None = None) -> set:
    found = sheets(response)
    data = found[sheet] if sheet else next(iter(found.values()))
    return {r[i] for r in data[2:]}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
        assert r.status_code == 200, r.content[:300]
        if r.streaming:
            b"".join(r.streaming_content)
    return len(ctx.captured_queries)


def same_queries_at_5_and_50(client, url: str, grow) -> int:
    """``grow(n)`` adds rows until there are ``n``; the export must cost the same at 5 and
    50 (the second count under ``assert_num_queries``' message on failure)."""
    grow(5)
    queries(client, url)  # warm caches that are per process, not per row (content types)
    at_5 = queries(client, url)
    grow(50)
    at_50 = queries(client, url)
    assert at_5 == at_50, f"{url}: {at_5} queries with 5 rows, {at_50} with 50"
    return at_5
