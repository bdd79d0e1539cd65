"""The capacity pages on a 390 px phone (issue 17; issue 20's rule for every list): the staff
roster and a street's staffing table, venues and the band table, work admission — no sideways
scroll, no column narrower than two characters, every button in reach. The street's staffing
table squeezed its columns to 25 px before its quota columns folded away on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.admission.models import Department, Task
from dangjian.staff.models import Staff
from dangjian.venues import services as venues

from ..conftest import login
from .phone import assert_fits

pytestmark = pytest.mark.browser


@pytest.fixture
def capacity_world(cast):
    today = timezone.localdate()
    for i, (kind, sub) in enumerate(
        [("admin", ""), ("institution", ""), ("public_welfare", "security_info"), ("hired", "")]
    ):
        Staff.objects.create(
            name=f"阿依古丽·沙吾提{i}",
            community=cast.comm_a,
            kind=kind,
            sub_post=sub,
            post="社会治安信息员",
            started_on=dt.date(2020, 1, 1),
        )
    Staff.objects.create(name="王社工", community=cast.comm_a2, kind="hired")
    venues.venue_save(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        kind="activity",
        area_m2=120,
        note="工作日 8:30–17:30 开放",
        bookable=True,
    )
    venues.office_save(
        acting_user=cast.comm_a_sec, community=cast.comm_a, floor_area_m2=260, in_transition=False
    )
    dep = Department.objects.create(county=cast.county, name="县人力资源和社会保障局")
    Task.objects.create(
        community=cast.comm_a,
        department=dep,
        title="城乡居民养老保险参保动员入户宣传",
        received_on=today,
    )


@pytest.mark.parametrize(
    ("user", "path", "row"),
    [
        ("comm_a_sec", "/staff/?org={a}", "阿依古丽·沙吾提0"),
        ("street_a_sec", "/staff/?org={s}", "文化东路社区党委"),
        ("comm_a_sec", "/venues/?org={a}", "活动室"),
        ("street_a_sec", "/venues/?org={s}", "150–300 平方米"),
        ("comm_a_sec", "/admission/tasks/?org={a}", "城乡居民养老保险参保动员入户宣传"),
    ],
)
def test_every_capacity_list_fits_a_phone(
    cast, live_server, phone, capacity_world, user, path, row
):
    phone.set_default_timeout(30_000)
    login(phone, live_server, user)
    assert_fits(phone, live_server.url + path.format(a=cast.comm_a.pk, s=cast.street_a.pk), row=row)
