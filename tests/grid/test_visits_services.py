"""Writes of grid visits and key households: who may, what is refused, what is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.grid import services
from dangjian.grid.models import KeyHousehold, Visit
from dangjian.servicedesk.models import Channel, Request, Step

from .visits_fixtures import vw_fixture  # noqa: F401 - fixture


def _record(user, household, **kw):
    kw.setdefault("visited_on", timezone.localdate())
    kw.setdefault("found", "老人身体还好，想了解居家养老服务")
    return services.visit_record(acting_user=user, household=household, **kw)


def test_a_cadre_records_a_visit_in_their_area_and_it_is_audited_without_the_text(cast, vw):
    v = _record(vw.cadre_a, vw.home_a, met="王奶奶", follow_up="联系养老服务站")
    assert (v.visitor, v.visitor_name, v.by_secretary) == (vw.cadre_a, "网格员甲", False)
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.CREATE, content_type__model="visit", object_id=str(v.pk)
    )
    assert entry.actor == vw.cadre_a
    text = str(entry.changes) + entry.object_repr
    assert "王奶奶" not in text and "养老" not in text
    assert entry.scope_path == cast.comm_a.path


def test_the_secretary_of_the_community_visiting_is_marked_as_in_person(cast, vw):
    v = _record(vw.secretary, vw.home_a)
    assert v.by_secretary is True
    assert v.visitor_name == "书记测试"


def test_a_secretary_of_another_community_does_not_count_as_this_ones(cast, vw):
    # the street secretary reaches community A, but holds no 书记 office of it
    v = _record(cast.street_sec, vw.home_a)
    assert v.by_secretary is False


@pytest.mark.parametrize("days, ok", [(0, True), (-1, False)])
def test_a_visit_may_be_today_but_not_tomorrow(cast, vw, days, ok):
    day = timezone.localdate() + dt.timedelta(days=-days)
    if ok:
        assert _record(vw.cadre_a, vw.home_a, visited_on=day).visited_on == day
        return
    with pytest.raises(ValidationError) as exc:
        _record(vw.cadre_a, vw.home_a, visited_on=day)
    assert "走访日期不能晚于今天" in str(exc.value)
    assert not Visit.objects.exists()


def test_a_date_before_last_year_is_refused_as_a_typing_error(cast, vw):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        _record(vw.cadre_a, vw.home_a, visited_on=dt.date(today.year - 2, 12, 31))
    assert "请核对年份" in str(exc.value)
    assert _record(vw.cadre_a, vw.home_a, visited_on=dt.date(today.year - 1, 1, 1))


def test_an_empty_visit_is_refused(cast, vw):
    with pytest.raises(ValidationError) as exc:
        _record(vw.cadre_a, vw.home_a, found="")
    assert "至少写下" in str(exc.value)
    assert not Visit.objects.exists()


@pytest.mark.parametrize("who", ["cadre_a", "comm_b_sec", "outsider", "branch_sec", "member_user"])
def test_no_one_records_a_visit_to_a_household_they_do_not_reach(cast, vw, who):
    user = getattr(vw, who, None) or getattr(cast, who)
    with pytest.raises(ValidationError) as exc:
        _record(user, vw.home_a2)
    assert "请选择您负责片区内的住户" in str(exc.value)
    assert not Visit.objects.exists()


def test_a_correction_with_a_stale_version_is_a_conflict(cast, vw):
    v = _record(vw.cadre_a, vw.home_a)
    services.visit_update(
        v, acting_user=vw.cadre_a, version=v.version, visited_on=v.visited_on, found="补记"
    )
    with pytest.raises(ConflictError):
        services.visit_update(
            v, acting_user=vw.cadre_a, version=v.version, visited_on=v.visited_on, found="又改"
        )
    v.refresh_from_db()
    assert (v.found, v.version) == ("补记", 2)


def test_only_the_visitor_or_the_community_corrects_a_visit(cast, vw):
    v = _record(vw.secretary, vw.home_a)
    with pytest.raises(PermissionDenied):
        services.visit_update(
            v, acting_user=vw.cadre_a, version=v.version, visited_on=v.visited_on, found="x"
        )


def test_a_visit_opens_a_service_request_linked_both_ways_once(cast, vw):
    v = _record(vw.cadre_a, vw.home_a, met="王奶奶", follow_up="楼道灯坏了，需要维修")
    req = services.visit_open_request(v, acting_user=vw.cadre_a, category="repair")
    v.refresh_from_db()
    assert v.request == req and req.visit == v
    assert (req.channel, req.household, req.community) == (Channel.GRID, vw.home_a, cast.comm_a)
    assert (req.content, req.resident_name, req.category) == (
        "楼道灯坏了，需要维修",
        "王奶奶",
        "repair",
    )
    # the cadre has no grant on the community, yet the request names them as its author
    assert req.created_by == vw.cadre_a
    assert Step.objects.get(request=req).by == vw.cadre_a
    with pytest.raises(ValidationError) as exc:
        services.visit_open_request(v, acting_user=vw.cadre_a)
    assert "不能重复转" in str(exc.value)
    assert Request.objects.count() == 1


def test_the_secretary_opens_the_request_through_the_service_desk_as_staff(cast, vw):
    v = _record(vw.secretary, vw.home_a, follow_up="协助申请低保")
    req = services.visit_open_request(v, acting_user=vw.secretary, category="dibao")
    assert req.created_by == vw.secretary


def test_a_visit_without_a_follow_up_or_finding_cannot_open_a_request(cast, vw):
    v = _record(vw.cadre_a, vw.home_a, found="", met="王奶奶")
    with pytest.raises(ValidationError):
        services.visit_open_request(v, acting_user=vw.cadre_a)
    assert not Request.objects.exists()


def test_a_cadre_of_another_area_cannot_open_a_request_from_the_visit(cast, vw):
    v = _record(vw.cadre_a, vw.home_a, follow_up="维修")
    with pytest.raises(PermissionDenied):
        services.visit_open_request(v, acting_user=vw.cadre_a2)
    assert not Request.objects.exists()


def test_the_community_marks_a_key_household_with_a_reason_and_unmarks_it_with_one(cast, vw):
    with pytest.raises(ValidationError) as exc:
        services.key_mark(acting_user=vw.secretary, household=vw.home_a, reason=" ")
    assert "原因" in str(exc.value)
    m = services.key_mark(acting_user=vw.secretary, household=vw.home_a, reason="独居高龄老人")
    with pytest.raises(ValidationError):
        services.key_mark(acting_user=vw.secretary, household=vw.home_a, reason="重复")
    with pytest.raises(ValidationError):
        services.key_unmark(m, acting_user=vw.secretary, reason="", version=m.version)
    services.key_unmark(m, acting_user=vw.secretary, reason="已随子女迁出", version=m.version)
    m.refresh_from_db()
    assert m.until == timezone.localdate()
    entries = AuditEntry.objects.filter(content_type__model="keyhousehold", object_id=str(m.pk))
    assert entries.count() == 2
    assert "独居" not in str([e.changes for e in entries]) and "迁出" not in str(
        [e.changes for e in entries]
    )
    # history is kept: the household may be marked again
    assert services.key_mark(acting_user=vw.secretary, household=vw.home_a, reason="再次标记")
    assert KeyHousehold.objects.filter(household=vw.home_a).count() == 2


def test_a_cadre_does_not_mark_key_households(cast, vw):
    with pytest.raises(PermissionDenied):
        services.key_mark(acting_user=vw.cadre_a, household=vw.home_a, reason="独居")
    assert not KeyHousehold.objects.exists()
