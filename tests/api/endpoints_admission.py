"""Objects of community A for work admission (see endpoints.py).

``{entrustment}`` 甲社区委托事项 (filed by 甲部门 for 文化东路社区党委) and ``{task}`` 甲社区在办事项
without an entrustment. ``{ledger}`` is a demanded ledger of the county (not community data): its
remapping takes a changing grant on the county, so every community secretary is refused.
"""

from __future__ import annotations

import datetime as dt

from dangjian.admission.models import DemandedLedger, Department, Entrustment, Task

from .endpoints import Endpoint, Listing


def build(cast, ids):
    dep = Department.objects.create(county=cast.county, name="甲部门")
    e = Entrustment.objects.create(
        department=dep,
        community=cast.comm_a,
        task="甲社区委托事项",
        quality="q",
        standard="s",
        deadline=dt.date(2026, 12, 31),
        funding=0,
        filed_on=dt.date(2026, 6, 1),
    )
    t = Task.objects.create(
        community=cast.comm_a,
        department=dep,
        title="甲社区在办事项",
        received_on=dt.date(2026, 6, 1),
    )
    ledger = DemandedLedger.objects.create(department=dep, name="甲部门台帐", export="")
    hidden = ("甲社区委托事项", "甲社区在办事项")
    return {"entrustment": e.pk, "task": t.pk, "ledger": ledger.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("admission:detail", "/admission/{entrustment}/"),
    Endpoint(
        "admission:detail",
        "/admission/{entrustment}/",
        "POST",
        {"decision": "approve", "version": "1"},
        change=True,
        owner="street_sec",
    ),
    Endpoint("admission:tasks", "/admission/tasks/?org={community}"),
    Endpoint(
        "admission:tasks",
        "/admission/tasks/?org={community}",
        "POST",
        {"department": "1", "title": "渗透", "received_on": "2026-06-01"},
        change=True,
    ),
    Endpoint(
        "admission:task_decline",
        "/admission/tasks/{task}/decline/",
        "POST",
        {"version": "1"},
        change=True,
    ),
    Endpoint(
        "admission:ledger_map",
        "/admission/ledgers/{ledger}/",
        "POST",
        {"export": "members"},
        change=True,
        owner="admin",
    ),
]

LIST_PAGES = [
    Listing("admission:home", "/admission/", owner_sees="甲社区委托事项"),
    Listing("admission:export", "/admission/export/"),
    Listing("admission:create", "/admission/new/"),
    Listing("admission:ledgers", "/admission/ledgers/"),
]
