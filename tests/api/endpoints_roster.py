"""Roster import pages (see endpoints.py): the upload page with the import history of community A
(a run ``甲社区名册.xlsx``) and its remembered organisation names (``{alias}``: 甲社区别名支部 →
文化东路第一楼栋党支部); the preview of an upload is reachable only from the session that
uploaded it (tested in tests/roster/test_pages.py)."""

from __future__ import annotations

from dangjian.roster.models import ImportRun, OrgAlias

from .endpoints import Endpoint, Listing


def build(cast, ids):
    ImportRun.objects.create(
        org=cast.comm_a, filename="甲社区名册.xlsx", rows=3, created=3, skipped=0
    )
    alias = OrgAlias.objects.create(scope=cast.comm_a, written="甲社区别名支部", org=cast.branch_a)
    return (
        {"alias": alias.pk},
        ("甲社区名册.xlsx", "甲社区别名支部"),
        ("甲社区名册.xlsx", "甲社区别名支部"),
    )


OBJECT_PAGES = [
    Endpoint("roster:upload", "/roster/", "POST", {"org": "{community}"}, change=True),
    Endpoint("roster:alias_delete", "/roster/aliases/{alias}/delete/", "POST", change=True),
]

# A preview exists only for the session that uploaded the file (its token is in that session):
# anyone else, the same user in another session included, gets a 404 — tests/roster/test_pages.py.
NO_DATA_PAGES = {"roster:preview"}

LIST_PAGES = [
    Listing("roster:upload", "/roster/", owner_sees="甲社区名册.xlsx"),
    Listing("roster:upload", "/roster/", owner_sees="甲社区别名支部"),
]
