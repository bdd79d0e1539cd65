"""The annual review (.docx) read back against the scorecards; the API; the demo's awards."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from django.utils import timezone
from docx import Document

from dangjian.assessment.indicators import Good
from dangjian.assessment.scoring import scorecard
from dangjian.awards import services
from dangjian.awards.models import ModelCommunityDecision, Nomination, Outcome, Round
from dangjian.demo import awards_demo

pytestmark = pytest.mark.django_db

Y = timezone.localdate().year


def test_the_review_reads_back_with_the_scorecards_figures(
    cast, only_inspected, give_scores, client_for
):
    give_scores(
        cast.comm_a,
        {"leadership": 100, "members": 70, "mechanism": 90.5, "results": 100, "residents": 85},
    )
    give_scores(cast.comm_a2, 95)
    services.model_decide(acting_user=cast.street_sec, community=cast.comm_a2, year=Y, stars=5)
    r = client_for(cast.street_sec).get(f"/awards/review/?org={cast.street_a.pk}&year={Y}")
    assert r.status_code == 200
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    assert f"{Y} 年度社区党建工作讲评" in doc.paragraphs[0].text
    table = doc.tables[0]
    head = [c.text for c in table.rows[0].cells]
    assert head[1:6] == [Good.LABELS[g] for g in Good.ORDER]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert set(rows) == {"文化东路社区党委", "团结路社区党总支"}  # street A's only
    for org in (cast.comm_a, cast.comm_a2):
        card = scorecard(org, Y)
        line = rows[org.name]
        assert line[1:6] == [str(g.points) for g in card.goods]
        assert line[6] == str(card.total) and line[7] == card.level
    assert rows["团结路社区党总支"][8:] == ["5 星", "5 星"]
    assert rows["文化东路社区党委"][9] == "未决定"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "党员队伍好" in text and "考核组现场打分（党员队伍好）：完成 70.0%" in text
    assert (
        client_for(cast.comm_a_sec).get(f"/awards/review/?org={cast.street_a.pk}").status_code
        == 404
    )
    assert (
        client_for(cast.street_sec).get(f"/awards/review/?org={cast.street_b.pk}").status_code
        == 404
    )


def _api(client, method, url, body=None):
    if method == "GET":
        return client.get(url)
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_api_lists_and_decides_with_the_pages_access(
    cast, only_inspected, give_scores, client_for
):
    give_scores(cast.comm_a, 90)
    s = client_for(cast.street_sec)
    r = _api(s, "GET", f"/api/v1/awards/models/?org={cast.street_a.pk}")
    assert r.status_code == 200
    items = {i["community"]: i for i in r.json()["items"]}
    assert (
        items["文化东路社区党委"]["proposed_stars"] == 4 and items["文化东路社区党委"]["can_decide"]
    )
    assert "迎宾路社区党总支" not in items
    url = f"/api/v1/awards/models/{cast.comm_a.pk}/{Y}/decide"
    r = _api(s, "POST", url, {"stars": 5})
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    r = _api(s, "POST", url, {"stars": 4})
    assert r.status_code == 200 and r.json()["version"] == 1
    r = _api(s, "POST", url, {"stars": 3, "reason": "复查", "version": 1})
    assert r.status_code == 200 and r.json()["decided_stars"] == 3
    a = client_for(cast.comm_a_sec)
    assert _api(a, "POST", url, {"stars": 5, "reason": "自评", "version": 2}).status_code == 404
    mine = _api(a, "GET", "/api/v1/awards/models/").json()["items"]
    assert [i["community"] for i in mine] == ["文化东路社区党委"] and not mine[0]["can_decide"]
    assert mine[0]["decision"]["decided_stars"] == 3
    assert (
        _api(
            client_for(cast.comm_b_sec), "GET", f"/api/v1/awards/models/?org={cast.comm_a.pk}"
        ).status_code
        == 404
    )
    assert ModelCommunityDecision.objects.get().decided_stars == 3


def test_the_api_for_rounds_and_nominations(cast, client_for):
    rnd = services.round_open(
        acting_user=cast.street_sec,
        org=cast.street_a,
        year=Y,
        title="东城评选",
        nominate_by=dt.date(Y + 1, 1, 31),
    )
    n = services.nominate(
        acting_user=cast.comm_a_sec,
        rnd=rnd,
        community=cast.comm_a,
        member=cast.member_a,
        citation="事迹",
    )
    a = client_for(cast.comm_a_sec)
    assert [x["title"] for x in _api(a, "GET", "/api/v1/awards/rounds/").json()["items"]] == [
        "东城评选"
    ]
    noms = _api(a, "GET", f"/api/v1/awards/rounds/{rnd.pk}/nominations/").json()["items"]
    assert [x["name"] for x in noms] == ["张三"]
    detail = _api(a, "GET", f"/api/v1/awards/nominations/{n.pk}").json()
    assert [y["year"] for y in detail["years"]] == [Y - 1, Y]
    url = f"/api/v1/awards/nominations/{n.pk}/decide"
    assert _api(a, "POST", url, {"outcome": "chosen", "version": 1}).status_code == 404
    s = client_for(cast.street_sec)
    assert _api(s, "POST", url, {"outcome": "not_chosen", "version": 1}).status_code == 400
    r = _api(s, "POST", url, {"outcome": "chosen", "version": 1})
    assert r.status_code == 200 and r.json()["outcome"] == "chosen"
    b = client_for(cast.comm_b_sec)
    assert _api(b, "GET", "/api/v1/awards/rounds/").json()["items"] == []
    assert _api(b, "GET", f"/api/v1/awards/nominations/{n.pk}").status_code == 404


def test_the_demo_decides_models_and_runs_a_round(cast):
    demo = SimpleNamespace(
        admin=cast.admin,
        towns=[cast.street_a, cast.street_b],
        communities=[
            SimpleNamespace(org=cast.comm_a, town=cast.street_a),
            SimpleNamespace(org=cast.comm_a2, town=cast.street_a),
            SimpleNamespace(org=cast.comm_b, town=cast.street_b),
        ],
    )
    lines: list[str] = []
    awards_demo.build(demo, log=lines.append)
    decisions = ModelCommunityDecision.objects.filter(year=Y)
    assert decisions.count() == 3
    assert decisions.exclude(reason="").filter(community=cast.comm_a).exists()
    assert any(d.overridden for d in decisions)
    rnd = Round.objects.get()
    assert rnd.org == cast.street_a
    assert Nomination.objects.filter(round=rnd).exclude(outcome=Outcome.PENDING).exists()
    assert lines and "示范点与评选" in lines[0]
