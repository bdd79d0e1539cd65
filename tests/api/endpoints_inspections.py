"""Objects of community A for 督查与整改 (see endpoints.py).

``{inspection}``: street A's 实地调研 of 文化东路社区党委 by 甲社区督查员, finding ``{finding}``
甲社区督查问题 with an open task ``{followup}`` (甲社区整改任务, owner comm_a_sec) and a closed one
``{closed_task}`` whose closure ``{evidence}`` carries 甲社区整改报告.pdf. Recording and editing
are the street's (owner ``street_sec``); closing is the community's.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.inspections import services

from .endpoints import Endpoint, Listing


def build(cast, ids):
    i = services.inspection_record(
        acting_user=cast.street_sec,
        inspecting=cast.street_a,
        inspected=cast.comm_a,
        kind="survey",
        date=dt.date(2026, 1, 5),
        inspectors="甲社区督查员",
        findings=["甲社区督查问题"],
    )
    f = i.findings.get()
    t = services.followup_add(
        acting_user=cast.street_sec, finding=f, task="甲社区整改任务", owner=cast.comm_a_sec
    )
    closed = services.followup_add(
        acting_user=cast.street_sec, finding=f, task="甲社区已整改任务", owner_name="甲社区责任人"
    )
    closed = services.followup_close(
        acting_user=cast.comm_a_sec,
        follow_up=closed,
        version=1,
        on=dt.date(2026, 1, 20),
        evidence="甲社区整改情况",
        upload=SimpleUploadedFile("甲社区整改报告.pdf", b"%PDF-1.4 a", "application/pdf"),
    )
    markers = ("甲社区督查员", "甲社区督查问题", "甲社区整改任务", "甲社区整改情况")
    return (
        {
            "inspection": i.pk,
            "finding": f.pk,
            "followup": t.pk,
            "closed_task": closed.pk,
            "evidence": closed.closure_id,
        },
        markers,
        markers,
    )


_CLOSE = {"on": "2026-06-01", "evidence": "渗透"}
_TASK = {"task": "渗透", "owner_name": "渗透"}
_EDIT = {"kind": "onsite", "date": "2026-01-05", "inspectors": "渗透"}

OBJECT_PAGES = [
    Endpoint("inspections:detail", "/inspections/{inspection}/"),
    Endpoint("inspections:file", "/inspections/files/{evidence}/"),
    Endpoint("inspections:task_close", "/inspections/tasks/{followup}/close/", change=True),
    Endpoint(
        "inspections:task_close",
        "/inspections/tasks/{followup}/close/",
        "POST",
        _CLOSE,
        change=True,
    ),
    Endpoint(
        "inspections:create",
        "/inspections/new/?org={community}",
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:create",
        "/inspections/new/",
        "POST",
        {
            "inspecting": "{community}",
            "inspected": "{community}",
            "kind": "survey",
            "date": "2026-01-05",
            "inspectors": "渗透",
        },
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:edit", "/inspections/{inspection}/edit/", change=True, owner="street_sec"
    ),
    Endpoint(
        "inspections:edit",
        "/inspections/{inspection}/edit/",
        "POST",
        _EDIT,
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:finding_add",
        "/inspections/{inspection}/findings/new/",
        "POST",
        {"text": "渗透"},
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:task_add",
        "/inspections/findings/{finding}/tasks/new/",
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:task_add",
        "/inspections/findings/{finding}/tasks/new/",
        "POST",
        _TASK,
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:task_edit",
        "/inspections/tasks/{followup}/edit/",
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:task_edit",
        "/inspections/tasks/{followup}/edit/",
        "POST",
        {**_TASK, "version": "1"},
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "inspections:task_reopen",
        "/inspections/tasks/{closed_task}/reopen/",
        "POST",
        {"reason": "渗透", "version": "2"},
        change=True,
        owner="street_sec",
    ),
]

LIST_PAGES = [
    Listing("inspections:home", "/inspections/", owner_sees="文化东路社区党委"),
    Listing("inspections:home", "/inspections/?state=open"),
    Listing("inspections:export", "/inspections/export/?year=2026", owner_sees="甲社区督查问题"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/inspections/{inspection_id}", "/api/v1/inspections/{inspection}"),
    Endpoint("GET /api/v1/inspections/", "/api/v1/inspections/?org={community}"),
    Endpoint(
        "POST /api/v1/inspections/tasks/{task_id}/close",
        "/api/v1/inspections/tasks/{followup}/close",
        "POST",
        _CLOSE,
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/inspections/", "/api/v1/inspections/", owner_sees="甲社区督查员"),
]
