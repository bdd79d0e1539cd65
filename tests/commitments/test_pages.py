"""The commitment pages: a member drafts and submits, the branch deliberates in a meeting, the
community approves, members rate; the ledger and the cards. The public board: test_board.py."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.commitments.models import Commitment, Rating, State, Step

from .factories import branch_meeting, draft, put_in


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _step(client, c, action, **data):
    c.refresh_from_db()
    return client.post(
        f"/commitments/{c.pk}/steps/{action}/", {"version": c.version, **data}, follow=True
    )


def test_a_member_drafts_and_submits_their_own_commitment(cast, client_for):
    member = client_for(cast.member_user)
    r = member.post(
        "/commitments/new/",
        {"kind": "post", "title": "治安巡逻每周一次", "content": "每周六晚在1号楼周边巡逻。"},
    )
    c = Commitment.objects.get()
    assert r.status_code == 302 and r.url == f"/commitments/{c.pk}/"
    assert (c.member, c.org, c.state) == (cast.member_a, cast.branch_a, State.DRAFT)
    assert "提交申诺" in _text(member.get(r.url)) or "党员申诺" in _text(member.get(r.url))
    r = _step(member, c, "apply")
    assert "已办理：党员申诺" in _text(r)
    c.refresh_from_db()
    assert c.state == State.APPLIED
    assert "治安巡逻每周一次" in _text(member.get("/commitments/mine/"))


def test_a_draft_without_content_keeps_what_was_typed_and_says_why(cast, client_for):
    r = client_for(cast.member_user).post(
        "/commitments/new/", {"kind": "deed", "title": "帮老人买药", "content": ""}
    )
    assert r.status_code == 200
    body = _text(r)
    assert "没有保存" in body and 'value="帮老人买药"' in body
    assert not Commitment.objects.exists()


def test_the_branch_deliberates_in_its_meeting_and_the_community_approves(cast, client_for):
    c = put_in(draft(cast), State.APPLIED)
    today = timezone.localdate()
    meeting = branch_meeting(cast, date=today)
    branch = client_for(cast.branch_sec)
    page = _text(branch.get(f"/commitments/{c.pk}/"))
    assert "在哪次支部会议上议诺" in page and meeting.topic in page
    r = _step(branch, c, "deliberate", meeting=meeting.pk)
    assert "已办理：集体议诺" in _text(r)
    assert 'id="step-approve"' not in _text(branch.get(f"/commitments/{c.pk}/"))  # not theirs
    community = client_for(cast.comm_a_sec)
    assert 'id="step-approve"' in _text(community.get(f"/commitments/{c.pk}/"))
    r = _step(community, c, "approve")
    c.refresh_from_db()
    assert (c.state, c.meeting, c.published_on) == (State.PUBLISHED, meeting, today)


def test_a_stale_page_is_told_to_reload_and_nothing_changes(cast, client_for):
    c = put_in(draft(cast), State.DELIBERATED)
    stale = c.version
    client_for(cast.comm_a_sec).post(f"/commitments/{c.pk}/steps/approve/", {"version": stale})
    r = client_for(cast.street_sec).post(
        f"/commitments/{c.pk}/steps/return_from_review/",
        {"version": stale, "reason": "不同意"},
        follow=True,
    )
    assert "刷新页面" in _text(r)
    assert Commitment.objects.get(pk=c.pk).state == State.PUBLISHED


def test_a_fellow_member_sees_and_rates_a_commitment_under_evaluation(cast, client_for):
    from dangjian.core.access import forget_scope
    from tests.factories import make_member

    c = put_in(draft(cast), State.EVALUATING)
    peer = make_member(org=cast.branch_a, name="赵六")
    type(peer).objects.filter(pk=peer.pk).update(user=cast.outsider)
    forget_scope(cast.outsider)
    fellow = client_for(cast.outsider)
    assert "党员互评" in _text(fellow.get(f"/commitments/{c.pk}/"))
    r = fellow.post(f"/commitments/{c.pk}/rate/peer/", {"score": "88"}, follow=True)
    assert "评价已保存" in _text(r)
    assert Rating.objects.get(commitment=c).rater_member == peer
    put_in(draft(cast, title="同支部草稿"), State.DRAFT)
    assert (
        fellow.get(f"/commitments/{Commitment.objects.get(title='同支部草稿').pk}/").status_code
        == 404
    )


def test_the_whole_way_through_the_pages_to_a_grade(cast, client_for):
    c = put_in(draft(cast), State.PUBLISHED)
    member = client_for(cast.member_user)
    member.post(
        f"/commitments/{c.pk}/evidence/",
        {"date": str(timezone.localdate()), "text": "代买药品 2 次"},
    )
    branch = client_for(cast.branch_sec)
    _step(branch, c, "open_evaluation")
    member.post(f"/commitments/{c.pk}/rate/self/", {"score": "95"})
    branch.post(f"/commitments/{c.pk}/rate/org/", {"score": "86"})
    r = _step(branch, c, "conclude")
    c.refresh_from_db()
    assert c.state == State.EVALUATED and c.grade == "合格"
    assert "代买药品 2 次" in _text(r)
    assert Step.objects.filter(commitment=c).count() == 2


def _many(cast, n):
    for i in range(n):
        put_in(draft(cast, title=f"承诺{i}"), State.PUBLISHED)


@pytest.mark.parametrize("url", ["/commitments/?year=2026", "/commitments/export/?year=2026"])
def test_list_and_ledger_query_counts_do_not_grow_with_rows(
    cast, client_for, django_assert_num_queries, url
):
    c = client_for(cast.comm_a_sec)
    _many(cast, 5)
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        c.get(url)
    _many(cast, 45)
    with django_assert_num_queries(len(five.captured_queries)):
        c.get(url)


def test_the_ledger_and_the_cards_read_back(cast, client_for):
    c = put_in(draft(cast, title="每月为独居老人代买药品"), State.PUBLISHED)
    Commitment.objects.filter(pk=c.pk).update(published_on=dt.date(2026, 3, 1))
    client = client_for(cast.comm_a_sec)
    r = client.get(f"/commitments/export/?org={cast.comm_a.pk}&year=2026")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws["A1"].value == "2026 年党员承诺台帐（文化东路社区党委）"
    assert [x.value for x in ws[2]][:5] == ["年度", "党员", "所在支部", "承诺类型", "承诺事项"]
    assert [x.value for x in ws[3]][:5] == [
        2026,
        "张三",
        "文化东路第一楼栋党支部",
        "实事承诺",
        "每月为独居老人代买药品",
    ]
    r = client.get(f"/commitments/cards/?org={cast.comm_a.pk}&year=2026")
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert "2026 年度党员承诺卡" in text and "每月为独居老人代买药品" in cells
    assert "2026-03-01" in cells and cast.member_a.id_masked not in cells


def test_community_b_gets_nothing_of_community_a(cast, client_for):
    put_in(draft(cast, title="甲社区的承诺"), State.PUBLISHED)
    other = client_for(cast.comm_b_sec)
    assert "甲社区的承诺" not in _text(other.get("/commitments/"))
    r = other.get("/commitments/export/")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws.max_row == 2  # title and headers, no rows
    assert other.get("/api/v1/commitments/").json()["count"] == 0


def _service(cast, day, title):
    """A team's service member_a took part in with someone else: a deed recorded elsewhere."""
    from dangjian.volunteering import services as vol
    from tests.factories import make_member

    team = vol.team_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name=f"队{title}", kind="team"
    )
    other = make_member(org=cast.branch_a_2, name="周七")
    return vol.service_record(
        acting_user=cast.comm_a_sec,
        team=team,
        date=day,
        title=title,
        hours={cast.member_a.pk: "2", other.pk: "1"},
    )


def test_a_member_picks_a_deed_already_recorded_instead_of_typing_it_again(cast, client_for):
    c = put_in(draft(cast), State.PUBLISHED)
    this_year = _service(cast, dt.date(2026, 5, 1), "为独居老人代买药品")
    last_year = _service(cast, dt.date(2025, 12, 1), "去年的义诊")
    me = client_for(cast.member_user)
    page = _text(me.get(f"/commitments/{c.pk}/"))
    assert f'id="pick-{this_year.pk}"' in page and f'id="pick-{last_year.pk}"' not in page
    r = me.post(f"/commitments/{c.pk}/evidence/pick/", {"deed": [this_year.pk]}, follow=True)
    body = _text(r)
    assert "已记入 1 件实事" in body and f'id="deed-{this_year.pk}"' in body
    assert f'id="pick-{this_year.pk}"' not in body  # counted: no longer offered
    assert list(c.deeds.all()) == [this_year]
    r = me.post(f"/commitments/{c.pk}/evidence/pick/", {"deed": [last_year.pk]}, follow=True)
    assert "尚未记入" in _text(r) and list(c.deeds.all()) == [this_year]
    # the API's commitment and the ledger count the deed
    api = client_for(cast.comm_a_sec).get(f"/api/v1/commitments/{c.pk}").json()
    assert [d["title"] for d in api["deeds"]] == ["为独居老人代买药品"]
    xlsx = client_for(cast.comm_a_sec).get(f"/commitments/export/?org={cast.comm_a.pk}&year=2026")
    ws = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert ws.cell(row=3, column=10).value == 1


def test_a_deed_recorded_on_the_commitment_is_one_deed_of_the_members_community(cast, client_for):
    c = put_in(draft(cast), State.PUBLISHED)
    branch = client_for(cast.branch_sec)
    r = branch.post(
        f"/commitments/{c.pk}/evidence/",
        {"date": "2026-06-01", "text": "代买药品 2 次"},
        follow=True,
    )
    assert "已记录践诺情况" in _text(r)
    [deed] = c.deeds.all()
    assert (deed.community, deed.date, deed.title) == (
        cast.comm_a,
        dt.date(2026, 6, 1),
        "代买药品 2 次",
    )
    assert [p.member for p in deed.participants.all()] == [cast.member_a]
    # detached by mistake-correction, with a confirmation; the deed itself stays
    page = _text(branch.get(f"/commitments/{c.pk}/"))
    assert "data-confirm=" in page[page.index(f'id="deed-{deed.pk}"') :]
    r = branch.post(f"/commitments/{c.pk}/evidence/detach/", {"deed": deed.pk}, follow=True)
    assert "实事本身保留" in _text(r) and not c.deeds.exists()
    assert type(deed).objects.filter(pk=deed.pk).exists()


def test_evidence_is_only_recorded_while_the_commitment_is_on_display(cast, client_for):
    c = put_in(draft(cast), State.EVALUATING)
    deed = _service(cast, dt.date(2026, 5, 1), "清理楼道")
    me = client_for(cast.member_user)
    assert 'id="evidence-pick"' not in _text(me.get(f"/commitments/{c.pk}/"))
    r = me.post(f"/commitments/{c.pk}/evidence/pick/", {"deed": [deed.pk]}, follow=True)
    assert "公开示诺后、评诺之前" in _text(r) and not c.deeds.exists()
    r = me.post(f"/commitments/{c.pk}/evidence/", {"date": "2026-06-01", "text": "x"}, follow=True)
    assert "公开示诺后、评诺之前" in _text(r)
    assert (
        client_for(cast.comm_b_sec)
        .post(f"/commitments/{c.pk}/evidence/pick/", {"deed": [deed.pk]})
        .status_code
        == 404
    )
