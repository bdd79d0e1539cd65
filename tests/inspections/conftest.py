"""An inspection of community A (文化东路社区党委) by street A, recorded through the service, with
two findings; the first has an open task owned by comm_a_sec's account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from dangjian.inspections import services
from dangjian.inspections.models import FollowUp, Inspection

TODAY = timezone.localdate()


@dataclass
class Visit:
    inspection: Inspection
    task: FollowUp


def record(cast, *, inspected=None, day=None, by=None, inspecting=None, **kw):
    return services.inspection_record(
        acting_user=by or cast.street_sec,
        inspecting=inspecting or cast.street_a,
        inspected=inspected or cast.comm_a,
        kind=kw.pop("kind", "survey"),
        date=day or TODAY - dt.timedelta(days=40),
        inspectors=kw.pop("inspectors", "街道组织办 王测试"),
        summary=kw.pop("summary", "总体较好"),
        findings=kw.pop("findings", ["楼道党小组活动记录不全", "党员示范岗未挂牌"]),
        **kw,
    )


def task(
    cast, inspection, *, deadline=None, owner=None, owner_name="", text="补齐活动记录", by=None
):
    return services.followup_add(
        acting_user=by or cast.street_sec,
        finding=inspection.findings.order_by("order").first(),
        task=text,
        owner=owner,
        owner_name=owner_name,
        deadline=deadline,
    )


@pytest.fixture
def visit(cast) -> Visit:
    i = record(cast)
    return Visit(i, task(cast, i, owner=cast.comm_a_sec))
