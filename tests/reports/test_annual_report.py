"""The annual report (issue 18 item 6): its figures are the pages' figures, it reads back from
Word with the same numbers, the secretary edits only the words, and access follows the tree."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from dangjian.core.models import AuditEntry
from dangjian.funds import services as funds_services
from dangjian.funds.models import Category
from dangjian.meetings.models import MeetingKind
from dangjian.meetings.services import meeting_create
from dangjian.reports.figures import SECTION_KEYS, annual_sections
from dangjian.reports.models import ReportDraft
from dangjian.servicedesk import services as desk
from dangjian.servicedesk.models import Channel


def _login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def records(cast, year):
    """A little of everything in community A this year (and one thing in B that must not count)."""
    on = dt.date(year, 3, 10)
    meeting_create(
        org=cast.branch_a,
        acting_user=cast.comm_a_sec,
        kind=MeetingKind.BRANCH_COMMITTEE,
        date=on,
        topic="研究三月工作",
    )
    meeting_create(
        org=cast.branch_a,
        acting_user=cast.comm_a_sec,
        kind=MeetingKind.THEME_DAY,
        date=on + dt.timedelta(days=5),
        topic="主题党日",
    )
    meeting_create(
        org=cast.branch_b,
        acting_user=cast.comm_b_sec,
        kind=MeetingKind.THEME_DAY,
        date=on,
        topic="别的社区",
    )
    funds_services.ensure_categories()
    cats = {(c.direction, c.name): c for c in Category.objects.all()}
    for direction, name, amount in (("in", "上级拨款", "50000"), ("out", "办公", "1234.5")):
        funds_services.entry_record(
            acting_user=cast.comm_a_sec,
            org=cast.comm_a,
            direction=direction,
            date=on,
            category=cats[(direction, name)],
            amount=amount,
            summary="测试",
        )
    for day in (on, on + dt.timedelta(days=1)):
        desk.request_receive(
            acting_user=cast.comm_a_sec,
            community=cast.comm_a,
            channel=Channel.HALL,
            category="repair",
            resident_name="王大妈",
            content="水管漏水",
            received_on=day,
        )
    return on


def _figure(sections, key, label):
    section = next(s for s in sections if s.key == key)
    return next(f for f in section.figures if f.label.startswith(label))


def test_every_section_is_there_and_every_reference_opens_for_the_secretary(cast, records, year):
    sections = annual_sections(cast.comm_a, year)
    assert [s.key for s in sections] == list(SECTION_KEYS)
    client = _login(cast.comm_a_sec)
    refs = {f.ref for s in sections for f in s.figures if f.ref}
    assert refs, "figures carry the page they come from"
    for ref in sorted(refs):
        assert client.get(ref).status_code == 200, ref


def test_the_figures_are_the_pages_figures(cast, records, year):
    sections = annual_sections(cast.comm_a, year)
    client = _login(cast.comm_a_sec)

    members = _figure(sections, "orgs", "年末党员")
    page = client.get(members.ref)
    assert members.value == page.context["counts"].total == 1  # 张三 of branch A

    income = _figure(sections, "funds", "收入")
    spending = _figure(sections, "funds", "支出")
    page = client.get(income.ref)
    assert income.value == page.context["summary"].income == Decimal("50000.00")
    assert spending.value == page.context["summary"].spending == Decimal("1234.50")

    received = _figure(sections, "services", "受理居民诉求")
    page = client.get(received.ref)
    assert received.value == page.context["totals"]["received"] == 2

    theme = _figure(sections, "life", "召开主题党日")
    page = client.get(theme.ref)
    assert theme.value == page.context["page"].paginator.count == 1  # B's theme day not counted

    # figures quoted from an indicator equal its drill-down page's total
    quoted = [
        f for s in sections for f in s.figures if "/assessment/" in f.ref and "/" in str(f.value)
    ]
    assert quoted
    for f in quoted:
        line = client.get(f.ref).context["line"]
        m = line.measure
        assert f.value == f"{m.numerator.normalize():f}/{m.denominator.normalize():f}", f.label

    total = _figure(sections, "assess", "总分")
    from dangjian.assessment.scoring import scorecard

    assert total.value == scorecard(cast.comm_a, year).total


def test_the_word_document_reads_back_with_the_same_figures(cast, records, year):
    client = _login(cast.comm_a_sec)
    client.post(
        reverse("reports:report", args=[cast.comm_a.pk, year]),
        {"prose_life": "今年支部坚持三会一课。", "version": ""},
    )
    resp = client.get(reverse("reports:docx", args=[cast.comm_a.pk, year]))
    assert resp.status_code == 200
    doc = Document(io.BytesIO(b"".join(resp.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{cast.comm_a.name}{year}年度党建工作报告" in text
    assert "今年支部坚持三会一课。" in text
    in_doc = {row.cells[0].text: row.cells[1].text for t in doc.tables for row in t.rows[1:]}
    sections = annual_sections(cast.comm_a, year)
    for s in sections:
        for f in s.figures:
            assert in_doc[f.label] == f.text
    assert in_doc["收入"] == "50000.00"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, actor=cast.comm_a_sec
    ).exists()


def test_the_secretary_writes_words_and_a_stale_form_overwrites_nothing(cast, year):
    client = _login(cast.comm_a_sec)
    url = reverse("reports:report", args=[cast.comm_a.pk, year])
    resp = client.post(url, {"prose_orgs": "第一稿", "version": ""})
    assert resp.status_code == 302
    draft = ReportDraft.objects.get(community=cast.comm_a, year=year)
    assert draft.prose["orgs"] == "第一稿" and draft.version == 1
    client.post(url, {"prose_orgs": "第二稿", "version": "1"})
    draft.refresh_from_db()
    assert draft.prose["orgs"] == "第二稿" and draft.version == 2
    # someone still holding version 1 cannot overwrite version 2
    resp = client.post(url, {"prose_orgs": "旧的", "version": "1"})
    assert resp.status_code == 200 and "已被他人修改" in resp.content.decode()
    draft.refresh_from_db()
    assert draft.prose["orgs"] == "第二稿"
    # too long: a Chinese message beside the box, what was typed kept, nothing saved
    long = "字" * 3001
    resp = client.post(url, {"prose_orgs": long, "version": "2"})
    body = resp.content.decode()
    assert "不超过 3000 字" in body and long in body
    draft.refresh_from_db()
    assert draft.version == 2
    assert AuditEntry.objects.filter(object_id=str(draft.pk), action="update").count() == 1


def test_a_figure_cannot_be_posted(cast, records, year):
    client = _login(cast.comm_a_sec)
    url = reverse("reports:report", args=[cast.comm_a.pk, year])
    client.post(url, {"prose_orgs": "文字", "figure_年末党员": "999", "version": ""})
    sections = annual_sections(cast.comm_a, year)
    assert _figure(sections, "orgs", "年末党员").value == 1


def test_access_follows_the_tree(cast, year):
    own = [
        reverse("reports:report", args=[cast.comm_a.pk, year]),
        reverse("reports:docx", args=[cast.comm_a.pk, year]),
        f"/api/v1/reports/{cast.comm_a.pk}/{year}",
    ]
    for user in (cast.comm_b_sec, cast.member_user, cast.outsider):
        client = _login(user)
        for url in own:
            assert client.get(url).status_code == 404, (user, url)
    street = _login(cast.street_sec)
    for url in own:
        assert street.get(url).status_code == 200
    # the street reads but the words are the community's to write? The street has a changing
    # grant above, so it may help write them; a read-only user may not.
    api = _login(cast.comm_a_sec).get(own[2]).json()
    assert [s["key"] for s in api["sections"]] == list(SECTION_KEYS)


def test_home_lists_the_communities_and_sends_a_community_to_its_own(cast, year):
    resp = _login(cast.comm_a_sec).get(reverse("reports:home"))
    assert resp.status_code == 302
    assert resp["Location"] == reverse("reports:report", args=[cast.comm_a.pk, year])
    resp = _login(cast.street_sec).get(reverse("reports:home"))
    body = resp.content.decode()
    assert cast.comm_a.name in body and cast.comm_a2.name in body and cast.comm_b.name not in body
