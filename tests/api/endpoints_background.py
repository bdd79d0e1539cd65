"""Background exports of community A (see endpoints.py): ``{bgexport}`` 甲社区后台导出, asked for
and finished for the secretary of 文化东路第一楼栋党支部 (``branch_sec``). Only its owner reaches it,
whatever anyone's scope: the community's own secretary and its inspector get 404 too
(tests/background/test_exports.py)."""

from __future__ import annotations

from dangjian.background import kinds, services

from .endpoints import Endpoint, Listing


def build(cast, ids):
    job = services.request_export(
        acting_user=cast.branch_sec,
        kind=kinds.MEMBERS,
        params={"filters": {}, "title": "甲社区后台导出"},
        title="甲社区后台导出",
        filename="甲社区后台导出.xlsx",
        scope_path=cast.branch_a.path,
    )
    services.run_export(job.pk, job.attempt)
    hidden = ("甲社区后台导出",)
    return {"bgexport": job.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("background:detail", "/exports/{bgexport}/", owner="branch_sec"),
    Endpoint("background:progress", "/exports/{bgexport}/progress/", owner="branch_sec"),
    Endpoint("background:download", "/exports/{bgexport}/download/", owner="branch_sec"),
    Endpoint(
        "background:rerun", "/exports/{bgexport}/rerun/", "POST", change=True, owner="branch_sec"
    ),
]

LIST_PAGES = [
    Listing("background:list", "/exports/"),  # comm_a_sec's own list: empty
]
