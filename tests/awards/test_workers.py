"""优秀党务工作者: rounds every ``every_years`` years, the community's nomination, the record
behind each nominee (counted from the records), the decision, the round's .xlsx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.awards import record, services
from dangjian.awards.models import Nomination, Outcome, Round
from dangjian.commitments.models import Commitment
from dangjian.core import rules
from dangjian.core.services import ConflictError
from dangjian.deeds.models import Deed, Participant
from dangjian.meetings.models import Attendance, Meeting
from dangjian.orgs.models import Office
from dangjian.staff.models import Staff
from dangjian.training.models import Attendance as Trained
from dangjian.training.models import Course
from tests.factories import make_member

pytestmark = pytest.mark.django_db

Y = timezone.localdate().year


def _round(cast, year=Y, org=None, **kw):
    return services.round_open(
        acting_user=cast.street_sec,
        org=org or cast.street_a,
        year=year,
        title=kw.get("title", f"东城街道{year}年度优秀党务工作者评选"),
        nominate_by=kw.get("nominate_by", dt.date(year + 1, 6, 30)),
    )


def test_rounds_are_two_years_apart(cast):
    _round(cast, Y)
    with pytest.raises(ValidationError) as exc:
        _round(cast, Y + 1)
    assert "每 2 年评选一次" in exc.value.message_dict["year"][0]
    with pytest.raises(ValidationError):
        _round(cast, Y - 1)
    _round(cast, Y + 2)
    assert Round.objects.filter(org=cast.street_a).count() == 2


def test_every_years_comes_from_the_rules(cast, settings):
    settings.DANGJIAN_RULES = {"default": {"assess.outstanding_workers": {"every_years": 3}}}
    rules.reset_cache()
    try:
        _round(cast, Y)
        with pytest.raises(ValidationError) as exc:
            _round(cast, Y + 2)
        assert "每 3 年" in exc.value.message_dict["year"][0]
        _round(cast, Y + 3)
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_each_upper_org_has_its_own_rounds_and_communities_cannot_open_one(cast):
    _round(cast, Y)
    services.round_open(
        acting_user=cast.admin,
        org=cast.street_b,
        year=Y,
        title="西山镇评选",
        nominate_by=dt.date(Y, 12, 31),
    )
    with pytest.raises(services.NotAllowed):
        services.round_open(
            acting_user=cast.comm_a_sec,
            org=cast.street_a,
            year=Y + 4,
            title="x",
            nominate_by=dt.date(Y, 12, 31),
        )
    with pytest.raises(services.NotAllowed):
        services.round_open(
            acting_user=cast.street_sec,
            org=cast.comm_a,
            year=Y + 4,
            title="x",
            nominate_by=dt.date(Y, 12, 31),
        )


def test_the_community_nominates_its_own(cast):
    rnd = _round(cast)
    n = services.nominate(
        acting_user=cast.comm_a_sec,
        rnd=rnd,
        community=cast.comm_a,
        member=cast.member_a,
        citation="事迹",
    )
    assert n.nominated_by == cast.comm_a_sec and n.outcome == Outcome.PENDING
    with pytest.raises(ValidationError) as exc:
        services.nominate(
            acting_user=cast.comm_a_sec,
            rnd=rnd,
            community=cast.comm_a,
            member=cast.member_a,
            citation="又",
        )
    assert "已被推荐" in exc.value.message_dict["member"][0]
    with pytest.raises(ValidationError):  # someone of another community
        services.nominate(
            acting_user=cast.comm_a_sec,
            rnd=rnd,
            community=cast.comm_a,
            member=cast.member_b,
            citation="x",
        )
    with pytest.raises(ValidationError):  # no citation
        services.nominate(
            acting_user=cast.comm_a_sec,
            rnd=rnd,
            community=cast.comm_a,
            member=make_member(org=cast.branch_a),
            citation=" ",
        )
    with pytest.raises(services.NotAllowed):  # not their community
        services.nominate(
            acting_user=cast.comm_b_sec,
            rnd=rnd,
            community=cast.comm_a,
            member=cast.member_a,
            citation="x",
        )
    with pytest.raises(services.NotAllowed):  # community B is not under street A's round
        services.nominate(
            acting_user=cast.comm_b_sec,
            rnd=rnd,
            community=cast.comm_b,
            member=cast.member_b,
            citation="x",
        )
    worker = Staff.objects.create(name="社区干事甲", community=cast.comm_a, kind=Staff.Kind.HIRED)
    s = services.nominate(
        acting_user=cast.comm_a_sec, rnd=rnd, community=cast.comm_a, staff=worker, citation="服务好"
    )
    assert s.nominee_name == "社区干事甲"


def test_nominations_close_at_the_deadline(cast):
    rnd = _round(cast, nominate_by=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.nominate(
            acting_user=cast.comm_a_sec,
            rnd=rnd,
            community=cast.comm_a,
            member=cast.member_a,
            citation="x",
        )
    assert "截止日期" in exc.value.messages[0]


def test_the_round_org_decides_with_a_reason_when_not_chosen(cast):
    rnd = _round(cast)
    n = services.nominate(
        acting_user=cast.comm_a_sec,
        rnd=rnd,
        community=cast.comm_a,
        member=cast.member_a,
        citation="x",
    )
    with pytest.raises(services.NotAllowed):
        services.nomination_decide(
            acting_user=cast.comm_a_sec, nomination=n, outcome="chosen", version=1
        )
    with pytest.raises(ValidationError):
        services.nomination_decide(
            acting_user=cast.street_sec, nomination=n, outcome="not_chosen", version=1
        )
    n = services.nomination_decide(
        acting_user=cast.street_sec, nomination=n, outcome="chosen", version=1
    )
    assert (n.outcome, n.decided_by, n.version) == ("chosen", cast.street_sec, 2)
    with pytest.raises(ConflictError):
        services.nomination_decide(
            acting_user=cast.street_sec, nomination=n, outcome="not_chosen", reason="r", version=1
        )


def _hand_made_record(cast):
    """A member's two years, with records that must not count around them."""
    m = make_member(org=cast.branch_a, name="候选人甲")
    other = make_member(org=cast.branch_a, name="旁人乙")
    Office.objects.create(
        org=cast.branch_a,
        title="secretary",
        member=m,
        holder_name=m.name,
        term_start=dt.date(Y - 3, 1, 1),
    )
    Office.objects.create(
        org=cast.comm_a,
        title="committee",
        member=m,
        holder_name=m.name,
        term_start=dt.date(Y - 5, 1, 1),
        left_on=dt.date(Y - 2, 6, 1),
    )  # before

    def meeting(day, kind="branch_general", cancelled=False, lecturer=None):
        return Meeting.objects.create(
            org=cast.branch_a,
            kind=kind,
            date=day,
            topic="会议",
            cancelled=cancelled,
            lecturer=lecturer,
        )

    for day, status in [
        (dt.date(Y, 1, 5), "present"),
        (dt.date(Y, 2, 5), "present"),
        (dt.date(Y, 3, 5), "present"),
        (dt.date(Y, 4, 5), "excused"),
        (dt.date(Y - 1, 5, 5), "present"),
        (dt.date(Y - 1, 6, 5), "present"),
        (dt.date(Y - 1, 7, 5), "absent"),
        (dt.date(Y - 2, 7, 5), "present"),  # too early
    ]:
        Attendance.objects.create(meeting=meeting(day), member=m, status=status)
    Attendance.objects.create(
        meeting=meeting(dt.date(Y, 5, 5), cancelled=True), member=m, status="present"
    )
    Attendance.objects.create(meeting=meeting(dt.date(Y, 6, 5)), member=other, status="present")
    meeting(dt.date(Y, 3, 1), kind="party_lecture", lecturer=m)
    meeting(dt.date(Y - 1, 3, 1), kind="party_lecture", lecturer=m)
    meeting(dt.date(Y, 4, 1), kind="party_lecture", lecturer=m, cancelled=True)
    meeting(dt.date(Y, 4, 2), kind="party_lecture", lecturer=other)
    for day, hours in [
        (dt.date(Y, 1, 9), "2.5"),
        (dt.date(Y, 2, 9), "1.5"),
        (dt.date(Y - 1, 2, 9), "3"),
    ]:
        d = Deed.objects.create(community=cast.comm_a, date=day, title="助老")
        Participant.objects.create(deed=d, member=m, hours=Decimal(hours))
    d = Deed.objects.create(community=cast.comm_a, date=dt.date(Y, 3, 9), title="别人的")
    Participant.objects.create(deed=d, member=other, hours=Decimal(4))
    for start, days, done in [
        (dt.date(Y, 3, 1), 2, True),
        (dt.date(Y, 5, 1), 5, False),
        (dt.date(Y - 1, 3, 1), 3, True),
    ]:
        c = Course.objects.create(
            org=cast.comm_a, level="community", topic="培训", start=start, days=days
        )
        Trained.objects.create(course=c, member=m, kind="member", completed=done)
    Commitment.objects.create(
        member=m,
        org=cast.branch_a,
        year=Y,
        kind="post",
        title="岗位承诺",
        content="c",
        state="evaluated",
        grade="优秀",
    )
    Commitment.objects.create(
        member=m, org=cast.branch_a, year=Y - 3, kind="post", title="太早", content="c"
    )
    return m


def test_the_record_counts_equal_the_hand_counted_records(cast, django_assert_max_num_queries):
    m = _hand_made_record(cast)
    rnd = _round(cast)
    n = services.nominate(
        acting_user=cast.comm_a_sec, rnd=rnd, community=cast.comm_a, member=m, citation="事迹"
    )
    n = Nomination.objects.select_related("round", "member", "staff").get(pk=n.pk)
    with django_assert_max_num_queries(8):
        rec = record.nominee_record(n)
    this, prev = rec.year(Y), rec.year(Y - 1)
    assert (this.meetings_attended, this.meetings_excused, this.meetings_absent) == (3, 1, 0)
    assert (prev.meetings_attended, prev.meetings_excused, prev.meetings_absent) == (2, 0, 1)
    assert (this.lectures, prev.lectures) == (1, 1)
    assert (this.deeds, this.volunteer_hours, prev.deeds, prev.volunteer_hours) == (
        2,
        Decimal("4.0"),
        1,
        Decimal("3.0"),
    )
    assert (this.courses, this.training_days, prev.courses, prev.training_days) == (1, 2, 1, 3)
    assert [o.title for o in rec.offices] == ["secretary"]
    assert [(c.title, c.grade) for c in rec.commitments] == [("岗位承诺", "优秀")]


def test_the_pages_and_the_xlsx_show_the_record(cast, client_for):
    m = _hand_made_record(cast)
    rnd = _round(cast)
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/awards/rounds/{rnd.pk}/nominate/")
    assert r.status_code == 200 and "候选人甲" in r.content.decode()
    r = c.post(f"/awards/rounds/{rnd.pk}/nominate/", {"member": m.pk, "citation": ""})
    assert r.status_code == 200 and not Nomination.objects.exists()
    r = c.post(f"/awards/rounds/{rnd.pk}/nominate/", {"member": m.pk, "citation": "带头讲党课"})
    assert r.status_code == 302
    n = Nomination.objects.get()
    page = c.get(f"/awards/nominations/{n.pk}/").content.decode()
    assert "带头讲党课" in page and "decide-form" not in page
    assert (
        c.post(
            f"/awards/nominations/{n.pk}/decide/", {"outcome": "chosen", "version": 1}
        ).status_code
        == 404
    )
    s = client_for(cast.street_sec)
    assert "decide-form" in s.get(f"/awards/nominations/{n.pk}/").content.decode()
    assert (
        s.post(
            f"/awards/nominations/{n.pk}/decide/", {"outcome": "chosen", "version": 1}
        ).status_code
        == 302
    )
    r = s.get(f"/awards/rounds/{rnd.pk}/export/")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    head, line = rows[1], rows[2]
    got = dict(zip(head, line, strict=True))
    assert got["姓名"] == "候选人甲" and got["推荐社区"] == "文化东路社区党委"
    assert got["参加组织生活（出席）"] == f"{Y - 1}年 2 次；{Y}年 3 次"
    assert (got["讲党课（次）"], got["实事（件）"], got["志愿服务（小时）"], got["培训（天）"]) == (
        2,
        3,
        7.0,
        5,
    )
    assert got["评选结果"] == "评为优秀"
    # another street sees neither the round nor the nominee
    other = client_for(cast.comm_b_sec)
    for url in (
        f"/awards/rounds/{rnd.pk}/",
        f"/awards/rounds/{rnd.pk}/export/",
        f"/awards/nominations/{n.pk}/",
    ):
        assert other.get(url).status_code == 404


def test_opening_a_round_through_the_page(cast, client_for):
    c = client_for(cast.street_sec)
    assert c.get("/awards/rounds/new/").status_code == 200
    body = {
        "org": cast.street_a.pk,
        "year": Y,
        "title": "东城街道评选",
        "nominate_by": f"{Y}-12-31",
    }
    assert c.post("/awards/rounds/new/", body).status_code == 302
    r = c.post("/awards/rounds/new/", {**body, "year": Y + 1})
    assert r.status_code == 200 and "每 2 年评选一次" in r.content.decode()
    assert client_for(cast.comm_a_sec).get("/awards/rounds/new/").status_code == 404
    assert "东城街道评选" in client_for(cast.comm_a_sec).get("/awards/rounds/").content.decode()
    assert "东城街道评选" not in client_for(cast.comm_b_sec).get("/awards/rounds/").content.decode()
