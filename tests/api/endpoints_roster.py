"""Roster import pages (see endpoints.py): the upload page with the import history of community A
(a run ``甲社区名册.xlsx``); the preview of an upload is reachable only from the session that
uploaded it (tested in tests/roster/test_pages.py)."""

from __future__ import annotations

from dangjian.roster.models import ImportRun

from .endpoints import Endpoint, Listing


def build(cast, ids):
    ImportRun.objects.create(
        org=cast.comm_a, filename="甲社区名册.xlsx", rows=3, created=3, skipped=0
    )
    return {}, ("甲社区名册.xlsx",), ("甲社区名册.xlsx",)


OBJECT_PAGES = [
    Endpoint("roster:upload", "/roster/", "POST", {"org": "{community}"}, change=True),
]

# A preview exists only for the session that uploaded the file (its token is in that session):
# anyone else, the same user in another session included, gets a 404 — tests/roster/test_pages.py.
NO_DATA_PAGES = {"roster:preview"}

LIST_PAGES = [
    Listing("roster:upload", "/roster/", owner_sees="甲社区名册.xlsx"),
]
