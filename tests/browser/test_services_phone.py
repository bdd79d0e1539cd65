"""On a 390 × 844 phone, every list page of the services for residents (deeds, households in
difficulty, service requests, the charity shop, jobs and training) fits: nothing scrolls
sideways, no table column is squeezed below two characters, and every button can be reached.
The lists hold rows (long names included), built through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.charity import services as charity
from dangjian.checkin import services as checkin
from dangjian.deeds import services as deeds
from dangjian.households import services as households
from dangjian.jobs import services as jobs
from dangjian.orgs.models import PlaceKind
from dangjian.servicedesk import services as servicedesk
from dangjian.servicedesk.models import Channel
from dangjian.training import services as training
from tests.factories import make_member, make_place
from tests.meetings.factories import make_unit

from ..conftest import login
from .phone import assert_fits

pytestmark = pytest.mark.browser


@pytest.fixture
def services_world(cast):
    """A few rows of every list, with long names where real data has them."""
    today = timezone.localdate()
    sec = cast.comm_a_sec
    hh = make_place(
        parent=cast.corridor_a,
        community=cast.comm_a,
        kind=PlaceKind.HOUSEHOLD,
        name="文化东路12号院3号楼2单元501室",
    )
    unit = make_unit(community=cast.comm_a, name="文化东路街道社区卫生服务中心（第二门诊部）")
    worker = make_member(org=cast.branch_a, name="欧阳春晓")
    ci = checkin.check_in(acting_user=sec, member=worker, community=cast.comm_a, unit=unit)
    households.difficulty_record(
        acting_user=sec, household=hh, kind="alone", since=today - dt.timedelta(days=40)
    )
    households.household_pair(
        acting_user=sec, household=hh, checkin=ci, since=today - dt.timedelta(days=30)
    )
    deeds.deed_record(
        acting_user=sec,
        community=cast.comm_a,
        date=today - dt.timedelta(days=3),
        title="为独居老人清理楼道杂物、代买常用药品并陪同到社区卫生服务中心复诊",
        members={cast.member_a.pk: "2", worker.pk: "1.5"},
        household=hh,
        units=[unit],
    )
    for i, (channel, category) in enumerate(
        [(Channel.HALL, "repair"), (Channel.HOTLINE, "care"), (Channel.HALL, "dispute")]
    ):
        servicedesk.request_receive(
            acting_user=sec,
            community=cast.comm_a,
            channel=channel,
            category=category,
            resident_name=f"李秀兰{i}",
            phone="13812341234",
            content="厨房水管漏水，楼下住户天花板渗水，请尽快安排维修师傅上门查看",
            household=hh,
            received_on=today - dt.timedelta(days=i * 5),
        )
    item = charity.item_create(
        acting_user=sec, community=cast.comm_a, name="东北五常大米（十公斤装）", unit="袋"
    )
    charity.goods_in(
        acting_user=sec,
        item=item,
        quantity=12,
        date=today - dt.timedelta(days=10),
        donor_kind="unit",
        donor_unit=unit,
        value="1200",
    )
    charity.goods_out(
        acting_user=sec,
        item=item,
        quantity=2,
        date=today - dt.timedelta(days=2),
        household=hh,
        handed_by_member=cast.member_a,
    )
    offer = jobs.offer_create(
        acting_user=sec,
        unit=unit,
        position="住院部夜班护工（需持健康证）",
        category="cleaning",
        places=3,
        valid_from=today - dt.timedelta(days=20),
        valid_until=today + dt.timedelta(days=200),
    )
    seeker = jobs.seeker_register(
        acting_user=sec,
        community=cast.comm_a,
        name="王秀英",
        consent_on=today - dt.timedelta(days=5),
        skills=["cleaning"],
        phone="13912345678",
    )
    jobs.referral_create(acting_user=sec, offer=offer, seeker=seeker)
    course = training.course_create(
        acting_user=sec,
        org=cast.comm_a,
        level="skills",
        topic="家政服务员（养老护理方向）职业技能培训暨党性教育",
        start=today - dt.timedelta(days=15),
        days=5,
        place="社区党群服务中心三楼多功能厅",
    )
    training.attendance_add_resident(course, acting_user=sec, name="王秀英", completed=True)
    course.refresh_from_db()
    training.attendance_set(
        course,
        acting_user=sec,
        version=course.version,
        member_ids=[cast.member_a.pk],
        completed_ids=[cast.member_a.pk],
    )
    return cast.comm_a.pk


#: each list page, and a row it must show (so the measure is of a filled list)
PAGES = [
    ("/deeds/?org={c}", "为独居老人清理楼道杂物"),
    ("/households/?org={c}", "501室"),
    ("/servicedesk/?org={c}", "厨房水管漏水"),
    ("/servicedesk/stats/?org={c}", "日常维修"),
    ("/charity/?org={c}", "东北五常大米"),
    ("/charity/ledger/?org={c}", "东北五常大米"),
    ("/jobs/?org={c}", "住院部夜班护工"),
    ("/jobs/seekers/?org={c}", "王秀英"),
    ("/training/?org={c}", "家政服务员（养老护理方向）"),
]


@pytest.mark.parametrize(("path", "row"), PAGES)
def test_every_services_list_fits_a_phone(cast, live_server, phone, services_world, path, row):
    phone.set_default_timeout(30_000)  # a loaded machine; each page is well under a second
    login(phone, live_server, "comm_a_sec")
    assert_fits(phone, live_server.url + path.format(c=services_world), row=row)


def test_a_member_s_own_lists_fit_a_phone(cast, live_server, phone, services_world):
    """A plain member sees their own deeds and their own training record."""
    phone.set_default_timeout(30_000)
    login(phone, live_server, "member_a")
    for path, row in (
        ("/deeds/", "为独居老人清理楼道杂物"),
        ("/training/", "家政服务员（养老护理方向）"),
    ):
        assert_fits(phone, live_server.url + path, row=row)
