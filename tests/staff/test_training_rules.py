"""Community workers against the party-school rules (training.county: ≥1 course a year of ≥20
days; training.town: ≥2 a year of ≥10 days each), at their boundaries; a worker who is a party
member is counted through their member record, one who is not as the worker — one training
record for both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core import rules
from dangjian.staff.models import Staff
from dangjian.training import services as training
from dangjian.training.selectors import staff_compliance

YEAR = timezone.localdate().year


def _course(cast, level, days, *, year=YEAR):
    return training.course_create(
        acting_user=cast.admin,
        org=cast.county,
        level=level,
        topic=f"{level}{days}天",
        start=dt.date(year, 3, 1),
        days=days,
    )


def _attend(cast, course, worker, completed=True):
    if worker.member_id:
        training.attendance_set(
            course,
            acting_user=cast.admin,
            version=course.version,
            member_ids=[worker.member_id],
            completed_ids=[worker.member_id] if completed else [],
        )
    else:
        training.attendance_add_staff(
            course, acting_user=cast.admin, staff=worker, completed=completed
        )


def _check(cast, worker, level):
    (row,) = staff_compliance([worker], year=YEAR, org=cast.comm_a)
    return next(c for c in row.checks if c.level == level)


@pytest.fixture(params=["member", "not_member"])
def worker(request, cast):
    member = cast.member_a if request.param == "member" else None
    return Staff.objects.create(
        name="培训甲",
        community=cast.comm_a,
        kind="institution",
        member=member,
        started_on=dt.date(YEAR - 2, 1, 1),
    )


def test_county_one_course_of_the_minimum_days_meets_the_rule(cast, worker):
    days = rules.value("training.county", "min_days")
    _attend(cast, _course(cast, "county", days), worker)
    assert _check(cast, worker, "county").met


def test_county_a_day_short_or_not_completed_does_not_count(cast, worker):
    days = rules.value("training.county", "min_days")
    _attend(cast, _course(cast, "county", days - 1), worker)
    _attend(cast, _course(cast, "county", days), worker, completed=False)
    check = _check(cast, worker, "county")
    assert check.times == 0 and not check.met


def test_town_needs_two_courses_of_the_minimum_days(cast, worker):
    days = rules.value("training.town", "min_days")
    _attend(cast, _course(cast, "town", days), worker)
    assert not _check(cast, worker, "town").met  # one under
    _attend(cast, _course(cast, "town", days), worker)
    assert _check(cast, worker, "town").met  # exactly at


def test_last_years_course_does_not_count_this_year(cast, worker):
    _attend(cast, _course(cast, "county", 30, year=YEAR - 1), worker)
    assert not _check(cast, worker, "county").met


def test_a_worker_who_is_a_member_is_ticked_as_the_member_not_added_twice(cast):
    w = Staff.objects.create(name="张三", community=cast.comm_a, kind="admin", member=cast.member_a)
    with pytest.raises(ValidationError, match="党员请在上面勾选"):
        training.attendance_add_staff(_course(cast, "county", 20), acting_user=cast.admin, staff=w)


def test_a_worker_of_another_town_cannot_be_added_to_a_town_course(cast):
    w = Staff.objects.create(name="乙", community=cast.comm_b, kind="hired")
    course = training.course_create(
        acting_user=cast.admin,
        org=cast.street_a,
        level="town",
        topic="镇党校",
        start=dt.date(YEAR, 3, 1),
        days=10,
    )
    with pytest.raises(ValidationError, match="只能添加举办组织范围内"):
        training.attendance_add_staff(course, acting_user=cast.admin, staff=w)


def test_the_roster_page_shows_who_has_not_met_the_rules(cast, client_for):
    w = Staff.objects.create(name="未培训", community=cast.comm_a, kind="hired")
    done = Staff.objects.create(name="已培训", community=cast.comm_a, kind="hired")
    _attend(cast, _course(cast, "county", 20), done)
    for _ in range(2):
        _attend(cast, _course(cast, "town", 10), done)
    page = client_for(cast.comm_a_sec).get(f"/staff/?org={cast.comm_a.pk}").content.decode()
    assert "本页 1 人今年培训未达标" in page
    assert w.name in page
    street = client_for(cast.street_sec).get(f"/staff/?org={cast.street_a.pk}").content.decode()
    assert 'class="text-danger fw-bold">1</td>' in street


def test_a_secretary_adds_a_worker_on_the_course_page_and_the_ledger_names_them(cast, client_for):
    import io

    import openpyxl

    w = Staff.objects.create(name="非党员社工", community=cast.comm_a, kind="hired")
    course = _course(cast, "county", 20)
    c = client_for(cast.admin)
    page = c.get(f"/training/{course.pk}/").content.decode()
    assert 'id="staff-form"' in page and "非党员社工" in page
    c.post(f"/training/{course.pk}/staff/", {"staff": w.pk, "completed": "on"})
    assert "非党员社工" in c.get(f"/training/{course.pk}/").content.decode()
    assert _check(cast, w, "county").met
    r = c.get(f"/training/export/?org={cast.county.pk}&year={YEAR}")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert any("非党员社工（社区工作者）" in str(row) for row in ws.iter_rows(values_only=True))
    # another community's secretary cannot add to a county course
    assert (
        client_for(cast.comm_b_sec)
        .post(f"/training/{course.pk}/staff/", {"staff": w.pk})
        .status_code
        == 404
    )
