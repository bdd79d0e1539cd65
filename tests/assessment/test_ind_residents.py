"""Indicators of 群众反映好, each against hand-counted records (issue 18 item 1). They measure
last year (a finished year), so they do not depend on the day the suite runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.assessment import scoring
from dangjian.assessment.indicators import Ctx, Good, Record, residents
from dangjian.commitments import services as commitments
from dangjian.commitments.models import Rating, Tier
from dangjian.core import rules
from dangjian.servicedesk import services as desk
from dangjian.servicedesk.models import Channel, Request, State, Step
from tests.assessment.both_paths import measured

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def year() -> int:
    return timezone.localdate().year - 1


def measure(key: str, community, year: int, today: dt.date | None = None):
    return measured(key, Ctx.of(community, year, today))


def request(cast, *, received: dt.date, deadline: dt.date, done: dt.date | None = None,
            state: str | None = None, community=None, who: str = "王大妈") -> Request:  # fmt: skip
    r = desk.request_receive(
        acting_user=cast.admin,
        community=community or cast.comm_a,
        channel=Channel.HALL,
        category="repair",
        resident_name=who,
        content="厨房水管漏水",
        received_on=received,
        deadline=deadline,
        today=received,  # received then, with the deadline it was given then
    )
    state = state or (State.DONE if done else State.IN_PROGRESS)
    Request.objects.filter(pk=r.pk).update(state=state, done_on=done)
    return Request.objects.get(pk=r.pk)


# ---- residents.requests --------------------------------------------------------------------------
def _requests_world(cast, y: int) -> dict[str, Request]:
    d = dt.date
    return {
        "on_deadline": request(cast, received=d(y, 3, 1), deadline=d(y, 3, 10), done=d(y, 3, 10)),
        "day_late": request(cast, received=d(y, 3, 1), deadline=d(y, 3, 10), done=d(y, 3, 11)),
        "open_overdue": request(cast, received=d(y, 4, 20), deadline=d(y, 5, 1)),
        "early_next": request(
            cast, received=d(y, 12, 28), deadline=d(y + 1, 1, 5), done=d(y, 12, 30)
        ),
        "late_from_last": request(
            cast, received=d(y - 1, 12, 10), deadline=d(y - 1, 12, 20), done=d(y, 1, 3)
        ),
        "open_31dec": request(cast, received=d(y, 12, 20), deadline=d(y, 12, 31)),
        # not counted: transferred to a department, last year's, another community's
        "transferred": request(
            cast, received=d(y, 3, 20), deadline=d(y, 4, 1), state=State.TRANSFERRED
        ),
        "last_year": request(
            cast, received=d(y - 1, 10, 20), deadline=d(y - 1, 11, 1), done=d(y - 1, 11, 1)
        ),
        "other": request(cast, received=d(y, 4, 20), deadline=d(y, 5, 1), community=cast.comm_b),
    }


def test_requests_hand_count(cast, year):
    reqs = _requests_world(cast, year)
    m = measure("residents.requests", cast.comm_a, year)
    names = {r.pk: n for n, r in reqs.items()}
    got = {names[int(rec.url.rstrip("/").split("/")[-1])]: rec.ok for rec in m.records}
    assert got == {
        "on_deadline": True,
        "day_late": False,
        "open_overdue": False,
        "early_next": True,
        "late_from_last": False,
        "open_31dec": False,
    }
    assert m.numerator == 2 and m.denominator == 6
    rec = next(r for r in m.records if r.url.endswith(f"/{reqs['day_late'].pk}/"))
    assert rec.label.startswith(reqs["day_late"].number) and "超时 1 天" in rec.note
    # comm_b sees only its own
    other = measure("residents.requests", cast.comm_b, year)
    assert [r.url for r in other.records] == [f"/servicedesk/{reqs['other'].pk}/"]


def test_requests_as_of_a_day_in_the_year(cast, year):
    """While the year runs, a request due today is still in time and one closed after ``end``
    is not closed yet."""
    reqs = _requests_world(cast, year)
    m = measure("residents.requests", cast.comm_a, year, today=dt.date(year, 3, 10))
    got = {rec.url: rec.ok for rec in m.records}
    assert got == {
        f"/servicedesk/{reqs['on_deadline'].pk}/": True,
        f"/servicedesk/{reqs['late_from_last'].pk}/": False,
    }
    assert "尚未结束" in m.note


def test_requests_queries_do_not_grow(cast, year):
    def add(n: int) -> None:
        for i in range(n):
            day = dt.date(year, 6, 1) + dt.timedelta(days=i)
            request(cast, received=day, deadline=day, done=day)

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            measure("residents.requests", cast.comm_a, year)
        return len(q)

    add(2)
    small = count()
    add(6)
    assert count() == small


# ---- residents.satisfaction ----------------------------------------------------------------------
def rated(cast, score: int, at: dt.datetime, *, community=None, by_resident=True) -> Request:
    day = at.astimezone(BEIJING).date()
    r = request(cast, received=day, deadline=day, done=day, state=State.CLOSED, community=community)
    Request.objects.filter(pk=r.pk).update(satisfaction=score, rated_by_resident=by_resident)
    s = Step.objects.create(
        request=r, action="rate", from_state=State.VISITED, to_state=State.CLOSED
    )
    Step.objects.filter(pk=s.pk).update(at=at)
    return r


_keys = iter(range(10_000))


def resident_rating(commitment, score: int, at: dt.datetime, *, voided: bool = False) -> Rating:
    n = next(_keys)
    rt = Rating.objects.create(
        commitment=commitment,
        tier=Tier.RESIDENT,
        score=score,
        resident_key=f"k{n}",
        resident_addr=f"a{n}",
    )
    Rating.objects.filter(pk=rt.pk).update(at=at, voided_at=at if voided else None)
    return rt


def _commitment(cast, member, title: str):
    return commitments.commitment_draft(
        acting_user=cast.admin,
        member=member,
        year=timezone.localdate().year - 1,
        kind="deed",
        title=title,
        content="每月两次为独居老人代买药品。",
    )


def test_satisfaction_hand_count(cast, year):
    noon = lambda m, d: dt.datetime(year, m, d, 12, tzinfo=BEIJING)  # noqa: E731
    basic = rules.value("commitment.evaluation", "basic")
    very = rated(cast, 5, noon(2, 1))
    just = rated(cast, residents.satisfied_from(cast.comm_a), noon(3, 1), by_resident=False)
    unhappy = rated(cast, residents.satisfied_from(cast.comm_a) - 1, noon(4, 1))
    # 00:30 on 1 January in Beijing is still 31 December in UTC: it counts for this year
    first = rated(cast, 4, dt.datetime(year, 1, 1, 0, 30, tzinfo=BEIJING))
    rated(cast, 1, dt.datetime(year - 1, 12, 31, 23, 30, tzinfo=BEIJING))  # last year
    rated(cast, 1, noon(5, 1), community=cast.comm_b)  # another community
    c = _commitment(cast, cast.member_a, "代买药品")
    on_line = resident_rating(c, basic, noon(6, 1))
    below = resident_rating(c, basic - 1, noon(6, 2))
    resident_rating(c, 100, noon(6, 3), voided=True)  # voided: not counted
    other = _commitment(cast, cast.member_b, "外社区承诺")
    resident_rating(other, 10, noon(6, 4))
    m = measure("residents.satisfaction", cast.comm_a, year)
    got = {r.url + r.note.split("（")[0]: r.ok for r in m.records}
    assert len(m.records) == 6
    assert [r.ok for r in m.records if "/servicedesk/" in r.url] == [True, True, True, False]
    assert m.numerator == 4 and m.denominator == 6
    assert got[f"/servicedesk/{very.pk}/满意度 5/5"] is True
    assert got[f"/servicedesk/{just.pk}/满意度 3/5"] is True
    assert got[f"/servicedesk/{unhappy.pk}/满意度 2/5"] is False
    assert f"/servicedesk/{first.pk}/满意度 4/5" in got
    assert got[f"/commitments/{c.pk}/居民评议 {basic} 分"] is True
    assert got[f"/commitments/{c.pk}/居民评议 {basic - 1} 分"] is False
    assert m.records[0].day == dt.date(year, 1, 1)
    assert on_line.pk and below.pk


def test_satisfaction_takes_another_source(cast, year, monkeypatch):
    def activities(ctx):
        return [Record(label="活动评价", ok=True, day=ctx.start)]

    monkeypatch.setattr(residents, "SOURCES", [*residents.SOURCES, activities])
    m = measure("residents.satisfaction", cast.comm_a, year)
    assert [r.label for r in m.records] == ["活动评价"] and m.ratio == 1.0


def test_satisfaction_queries_do_not_grow(cast, year):
    c = _commitment(cast, cast.member_a, "代买药品")

    def add(n: int) -> None:
        for i in range(n):
            at = dt.datetime(year, 7, 1 + i, 12, tzinfo=BEIJING)
            rated(cast, 4, at)
            resident_rating(c, 85, at)

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            measure("residents.satisfaction", cast.comm_a, year)
        return len(q)

    add(2)
    small = count()
    add(6)
    assert count() == small


# ---- the scorecard -------------------------------------------------------------------------------
def test_scorecard_shows_resident_lines_under_their_good(cast, year):
    _requests_world(cast, year)
    card = scoring.scorecard(cast.comm_a, year)
    good = next(g for g in card.goods if g.good == Good.RESIDENTS)
    assert [ln.key for ln in good.lines][:2] == ["residents.requests", "residents.satisfaction"]
    line = card.line("residents.requests")
    assert (line.measure.numerator, line.measure.denominator) == (2, 6)
    assert card.line("residents.satisfaction").score is None  # nothing rated: not scored
    target = rules.value("assess.targets", "residents.requests")
    assert good.points is not None and target
