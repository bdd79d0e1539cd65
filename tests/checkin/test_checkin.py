"""在职党员到社区报到: checking in (once at a time, on the timeline), the year against the rule at
its boundaries, the silent ("invisible") member at exactly N months, the letter, and who sees
what — the community checked in to and the member's own organisation, nobody else."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from dangjian.checkin import selectors, services
from dangjian.checkin.models import CheckIn, Pairing
from dangjian.deeds.models import Deed, Participant
from dangjian.dues.months import add_months
from dangjian.orgs.models import ResidentUnit
from tests.factories import make_member

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def worker(cast):
    """An in-service member of community B's branch (their employer's party branch) who lives in
    community A."""
    return make_member(org=cast.branch_b, name="孙在职", categories=("in_service",))


@pytest.fixture
def tax_office(cast):
    """The worker's employer, a resident unit of community B with its own party branch."""
    return ResidentUnit.objects.create(
        name="县税务局", kind="government", community=cast.comm_b, party_org=cast.branch_b
    )


def _in(cast, worker, on=dt.date(2026, 3, 1), **kw):
    kw.setdefault("employer", "县税务局")
    return services.check_in(
        acting_user=cast.comm_a_sec, member=worker, community=cast.comm_a, on=on, **kw
    )


def _deed(c, day, title="修水管", community=None, member=None):
    """A deed of the community (as any part of the platform records it) the member took part in."""
    d = Deed.objects.create(community=community or c.community, date=day, title=title)
    Participant.objects.create(deed=d, member=member or c.member)
    return d


def _pair(c, name, since, until=None):
    return Pairing.objects.create(checkin=c, household_note=name, since=since, until=until)


def _standing(c, today=TODAY):
    return selectors.standings([c], year=today.year, today=today)[0]


def test_a_check_in_goes_on_the_timeline_and_happens_once(cast, worker):
    c = _in(cast, worker)
    assert worker.events.filter(kind="check_in").count() == 1
    with pytest.raises(ValidationError, match="已在“文化东路社区党委”报到"):
        _in(cast, worker)
    assert CheckIn.objects.count() == 1 and c.community == cast.comm_a


@pytest.mark.parametrize(
    ("deeds", "households", "met"), [(0, 1, False), (1, 0, False), (1, 1, True), (2, 1, True)]
)
def test_the_year_against_the_rule(cast, worker, deeds, households, met):
    c = _in(cast, worker)
    for i in range(deeds):
        _deed(c, dt.date(2026, 4, 1 + i))
    for i in range(households):
        _pair(c, f"困难户{i}", dt.date(2026, 4, 1))
    assert _standing(c).met is met


def test_deeds_of_last_year_and_pairings_ended_before_the_year_do_not_count(cast, worker):
    c = _in(cast, worker, on=dt.date(2025, 3, 1))
    _deed(c, dt.date(2025, 12, 31), "去年")
    _pair(c, "旧", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    s = _standing(c)
    assert (s.deeds, s.households) == (0, 0)
    _pair(c, "跨年", dt.date(2025, 6, 1), dt.date(2026, 1, 1))
    assert _standing(c).households == 1


def test_silent_for_exactly_n_months_is_invisible_one_day_less_is_not(cast, worker):
    from dangjian.core import rules

    n = rules.value("member.invisible", "silent_months")
    c = _in(cast, worker, on=add_months(TODAY.replace(day=1), -n - 2))
    _deed(c, add_months(TODAY, -n), "最后一次")
    assert _standing(c).invisible
    _deed(c, add_months(TODAY, -n) + dt.timedelta(days=1), "再晚一天")
    assert not _standing(c).invisible


def test_the_letter_tells_the_employers_party_organisation(cast, worker, tax_office, client_for):
    c = _in(cast, worker, on=dt.date(2025, 1, 10), employer="", unit=tax_office)
    r = client_for(cast.comm_a_sec).get(f"/checkin/{c.pk}/letter/")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(r.streaming_content))).paragraphs)
    assert "迎宾路第一党支部：" in text and "孙在职" in text and "2025年1月10日" in text
    assert "文化东路社区党委（盖章）" in text


def test_the_community_and_the_employer_branch_see_it_nobody_else(cast, worker, client_for):
    c = _in(cast, worker)
    assert CheckIn.objects.visible_to(cast.comm_a_sec).count() == 1
    assert CheckIn.objects.visible_to(cast.comm_b_sec).count() == 1  # the member's own organisation
    assert CheckIn.objects.visible_to(cast.outsider).count() == 0
    assert client_for(cast.outsider).get(f"/checkin/{c.pk}/").status_code == 404
    assert client_for(cast.member_user).get(f"/checkin/{c.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.deed_add(c, acting_user=cast.outsider, date=TODAY, title="x")


def test_the_list_shows_the_silent_first_and_exports(cast, worker, client_for):
    _in(cast, worker, on=dt.date(2025, 1, 10))
    c = client_for(cast.comm_a_sec)
    body = re.sub(r"\s+", " ", c.get(f"/checkin/?org={cast.comm_a.pk}").content.decode())
    assert "孙在职" in body and "没有活动" in body
    from openpyxl import load_workbook

    ws = load_workbook(
        io.BytesIO(b"".join(c.get(f"/checkin/export/?org={cast.comm_a.pk}").streaming_content))
    ).active
    assert ws["A3"].value == "孙在职" and "长期未参加社区活动" in ws["I3"].value


def test_the_communitys_opinion_for_the_employer(cast, worker, client_for):
    c = _in(cast, worker)
    _deed(c, dt.date(2026, 5, 1), "义诊")
    r = client_for(cast.comm_a_sec).post(
        f"/checkin/{c.pk}/opinion/", {"purpose": "评先评优", "opinion": "积极参加社区活动，同意。"}
    )
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    cells = [cell.text for row in doc.tables[0].rows for cell in row.cells]
    assert "评先评优" in cells and "积极参加社区活动，同意。" in cells and "1 件" in cells
    assert client_for(cast.comm_b_sec).post(f"/checkin/{c.pk}/opinion/", {}).status_code == 404


def test_a_check_out_ends_it_on_the_timeline_and_frees_the_member(cast, worker, client_for):
    c = _in(cast, worker, on=dt.date(2026, 3, 1))
    page = client_for(cast.comm_a_sec)
    assert "解除报到" in page.get(f"/checkin/{c.pk}/").content.decode()
    r = page.post(f"/checkin/{c.pk}/end/", {"on": "2026-02-28", "reason": "调到外县工作"})
    assert r.status_code == 302 and CheckIn.objects.get().ended_on is None  # before check-in
    page.post(f"/checkin/{c.pk}/end/", {"on": "2026-06-30", "reason": ""})
    assert CheckIn.objects.get().ended_on is None  # no reason
    assert (
        client_for(cast.outsider)
        .post(f"/checkin/{c.pk}/end/", {"on": "2026-06-30", "reason": "x"})
        .status_code
        == 404
    )
    page.post(f"/checkin/{c.pk}/end/", {"on": "2026-06-30", "reason": "调到外县工作"})
    c.refresh_from_db()
    assert (c.ended_on, c.end_reason) == (dt.date(2026, 6, 30), "调到外县工作")
    e = worker.events.get(kind="check_out")
    assert e.date == dt.date(2026, 6, 30) and e.from_org_name == "文化东路社区党委"
    with pytest.raises(ValidationError, match="报到已解除"):
        services.deed_add(c, acting_user=cast.comm_a_sec, date=TODAY, title="x")
    body = page.get(f"/checkin/{c.pk}/").content.decode()
    assert "已于 2026-06-30 解除报到" in body and 'name="title"' not in body
    again = _in(cast, worker, on=dt.date(2026, 7, 1))  # free to check in again
    assert again.pk != c.pk


def test_the_api_lists_the_year_records_a_deed_and_ends_a_check_in(cast, worker, client_for):
    import json

    c = _in(cast, worker, on=dt.date(2026, 3, 1))
    api = client_for(cast.comm_a_sec)
    (row,) = api.get("/api/v1/checkin/", {"org": cast.comm_a.pk}).json()
    assert row["member_name"] == "孙在职" and row["met"] is False and row["behind"]

    def post(path, body):
        return api.post(path, json.dumps(body), content_type="application/json")

    bad = post(f"/api/v1/checkin/{c.pk}/deeds", {"date": "2026-05-01", "title": ""})
    assert bad.status_code == 400 and "实事" in bad.json()["detail"]
    ok = post(f"/api/v1/checkin/{c.pk}/deeds", {"date": "2026-05-01", "title": "义务理发"})
    assert ok.status_code == 201 and ok.json()["deeds"] == [
        {"date": "2026-05-01", "title": "义务理发"}
    ]
    (deed,) = Deed.objects.all()  # one deed of the community, the member taking part
    assert deed.community == cast.comm_a and [p.member for p in deed.participants.all()] == [worker]
    end = post(f"/api/v1/checkin/{c.pk}/end", {"on": "2026-06-30", "reason": "搬家"})
    assert end.status_code == 201 and end.json()["ended_on"] == "2026-06-30"
    assert api.get("/api/v1/checkin/").json() == []  # the list holds current check-ins
    other = client_for(cast.outsider).get(f"/api/v1/checkin/{c.pk}")
    assert other.status_code == 404


def test_dates_read_as_in_the_ledgers_whatever_the_browsers_language(cast, worker, client_for):
    _in(cast, worker, on=dt.date(2026, 3, 1))
    for lang in ("zh-CN", "en-US"):
        body = client_for(cast.comm_a_sec).get("/checkin/", HTTP_ACCEPT_LANGUAGE=lang)
        assert "2026-03-01" in body.content.decode(), lang


@pytest.mark.parametrize("url", ["/checkin/?org={org}", "/api/v1/checkin/?org={org}"])
def test_the_list_and_the_api_cost_the_same_queries_for_5_and_50_check_ins(cast, client_for, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            c = services.check_in(
                acting_user=cast.comm_a_sec,
                member=make_member(org=cast.branch_a, categories=("in_service",)),
                community=cast.comm_a,
                unit=hospital,
                on=dt.date(2026, 3, 1),
            )
            _deed(c, dt.date(2026, 4, 1), "义诊")
            _pair(c, "困难户", dt.date(2026, 4, 1))

    hospital = ResidentUnit.objects.create(
        name="县医院", kind="hospital", community=cast.comm_a, party_org=cast.branch_a_2
    )
    client = client_for(cast.comm_a_sec)
    path = url.format(org=cast.comm_a.pk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    add(5)
    count()  # warm: the session and the scope are read once
    few = count()
    add(45)
    assert count() == few
