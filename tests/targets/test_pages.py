"""The pages: the street drafts, edits and signs; once signed the targets are frozen (the page
says why); the community reads its letter and notes progress but changes nothing; another street
gets a 404 everywhere (pages, .docx, API); the list's query count does not grow with its rows."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from dangjian.assessment.scoring import measure_one
from dangjian.orgs.models import OrgKind
from dangjian.targets import services
from dangjian.targets.models import Letter, ProgressNote, Status
from tests.factories import make_org

from .conftest import TODAY, YEAR, draft, keys_by_data, sign


def test_the_street_drafts_and_signs_a_letter_through_the_pages(cast, client_for, secretary):
    c = client_for(cast.street_sec)
    home = c.get(f"/targets/?year={YEAR}").content.decode()
    assert "文化东路社区党委" in home and "团结路社区党总支" in home and "起草责任书" in home
    assert "迎宾路社区党总支" not in home
    r = c.post(
        f"/targets/new/?community={cast.comm_a.pk}",
        {
            "year": YEAR,
            "issuer": cast.street_a.pk,
            "issuer_signatory": "司徒主任",
            "with_defaults": "on",
        },
    )
    letter = Letter.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/targets/{letter.pk}/"
    page = c.get(f"/targets/{letter.pk}/").content.decode()
    assert "草稿" in page and "登记签订" in page and "添加目标" in page
    r = c.post(
        f"/targets/{letter.pk}/targets/new/",
        {"version": letter.version, "text": "打造红色物业", "indicator": ""},
    )
    letter.refresh_from_db()
    assert letter.targets.filter(text="打造红色物业").exists()
    form = c.get(f"/targets/{letter.pk}/sign/").content.decode()
    assert "欧阳书记" in form
    r = c.post(
        f"/targets/{letter.pk}/sign/",
        {
            "version": letter.version,
            "signer_office": secretary.pk,
            "signed_on": TODAY.isoformat(),
            "issuer_signatory": "司徒主任",
        },
    )
    assert r.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Status.SIGNED and letter.signer_name == "欧阳书记"
    n = letter.targets.count()
    r = c.post(
        f"/targets/{letter.pk}/targets/new/",
        {"version": letter.version, "text": "签订后加的"},
        follow=True,
    )
    assert "已签订，目标不能再修改" in r.content.decode()
    assert letter.targets.count() == n
    page = c.get(f"/targets/{letter.pk}/").content.decode()
    assert "添加目标" not in page and "登记签订" not in page


def test_a_stale_sign_form_is_refused_with_the_conflict_message(cast, client_for, secretary):
    letter = draft(cast)
    c = client_for(cast.street_sec)
    c.post(f"/targets/{letter.pk}/targets/new/", {"version": letter.version, "text": "先加一个"})
    r = c.post(
        f"/targets/{letter.pk}/sign/",
        {
            "version": letter.version,
            "signer_office": secretary.pk,
            "signed_on": TODAY.isoformat(),
            "issuer_signatory": "司徒主任",
        },
    )
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    letter.refresh_from_db()
    assert letter.status == Status.DRAFT


def test_the_letter_page_shows_each_linked_figure_as_measured(cast, client_for, secretary):
    with_data, _without = keys_by_data(cast.comm_a)
    letter = draft(cast, with_defaults=False)
    for key in with_data[:3]:
        letter.refresh_from_db()
        services.target_add(
            letter, acting_user=cast.street_sec, version=letter.version, text=key, indicator=key
        )
    letter = sign(cast, letter, secretary)
    page = client_for(cast.comm_a_sec).get(f"/targets/{letter.pk}/").content.decode()
    for key in with_data[:3]:
        line = measure_one(cast.comm_a, YEAR, key)
        assert f"{line.percent}%" in page
        m = line.measure
        assert f"{m.numerator:.1f}".rstrip("0").rstrip(".") in page
    assert "欧阳书记" in page and "项已达到" in page


def test_the_community_reads_and_notes_progress_but_changes_nothing(cast, client_for, secretary):
    letter = draft(cast)
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/targets/{letter.pk}/").content.decode()
    assert "登记签订" not in page and "添加目标" not in page and "作废" not in page
    assert c.get(f"/targets/{letter.pk}/sign/").status_code == 404
    assert (
        c.post(f"/targets/{letter.pk}/targets/new/", {"version": 1, "text": "x"}).status_code == 404
    )
    assert c.post(f"/targets/{letter.pk}/void/", {"version": 1, "reason": "x"}).status_code == 404
    assert c.get(f"/targets/new/?community={cast.comm_a.pk}").status_code == 404
    letter = sign(cast, letter, secretary)
    target = letter.targets.first()
    r = c.post(
        f"/targets/items/{target.pk}/notes/new/", {"day": TODAY.isoformat(), "text": "上半年已完成"}
    )
    assert r.status_code == 302
    assert ProgressNote.objects.get().side == "community"
    assert "上半年已完成" in c.get(f"/targets/{letter.pk}/").content.decode()
    assert c.get(f"/targets/{letter.pk}/docx/").status_code == 200


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider", "member_user", "branch_sec"])
def test_anyone_outside_gets_a_404_everywhere(cast, client_for, secretary, who):
    letter = sign(cast, draft(cast), secretary)
    target = letter.targets.first()
    c = client_for(getattr(cast, who))
    gets = [f"/targets/{letter.pk}/sign/", f"/targets/items/{target.pk}/edit/"]
    if who != "branch_sec":  # a branch below the community reads its community's letter
        gets += [
            f"/targets/{letter.pk}/",
            f"/targets/{letter.pk}/docx/",
            f"/targets/{letter.pk}/met/",
        ]
    for url in gets:
        assert c.get(url).status_code == 404, url
    for url in (
        f"/targets/{letter.pk}/void/",
        f"/targets/items/{target.pk}/judge/",
        f"/targets/items/{target.pk}/notes/new/",
    ):
        assert (
            c.post(
                url, {"version": 1, "reason": "x", "text": "x", "day": TODAY.isoformat()}
            ).status_code
            == 404
        )
    assert c.get(f"/api/v1/targets/letters/{letter.pk}").status_code in (401, 404)
    letter.refresh_from_db()
    assert letter.status == Status.SIGNED and not ProgressNote.objects.exists()


def test_the_docx_download_is_the_letter(cast, client_for, secretary):
    letter = sign(cast, draft(cast), secretary)
    r = client_for(cast.street_sec).get(f"/targets/{letter.pk}/docx/")
    assert r.status_code == 200
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    assert doc.paragraphs[0].text == f"{YEAR}年度党建工作目标责任书"


def test_the_met_fragment_counts_the_targets_reached(cast, client_for, secretary):
    letter = sign(cast, draft(cast), secretary)
    html = client_for(cast.street_sec).get(f"/targets/{letter.pk}/met/").content.decode()
    assert f"/ {letter.targets.count()} 项已达到" in html


def _list_queries(c):
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(f"/targets/?year={YEAR}")
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_query_count_does_not_grow_with_its_rows(cast, client_for, secretary):
    c = client_for(cast.street_sec)
    draft(cast)
    c.get(f"/targets/?year={YEAR}")  # the first request of a session writes the session
    few = _list_queries(c)
    for i in range(6):
        comm = make_org(parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"测试社区{i}")
        draft(cast, community=comm)
    many = _list_queries(c)
    assert many == few, (few, many)
    assert "测试社区5" in c.get(f"/targets/?year={YEAR}").content.decode()


def test_the_street_judges_an_unlinked_target_and_voids_the_letter_on_the_page(
    cast, client_for, secretary
):
    letter = draft(cast, with_defaults=False)
    free = services.target_add(
        letter, acting_user=cast.street_sec, version=letter.version, text="打造红色物业"
    )
    letter = sign(cast, letter, secretary)
    c = client_for(cast.street_sec)
    assert "保存评定" in c.get(f"/targets/{letter.pk}/").content.decode()
    c.post(f"/targets/items/{free.pk}/judge/", {"version": free.version, "judgement": "met"})
    free.refresh_from_db()
    assert free.judgement == "met"
    assert "1 / 1 项已达到" in c.get(f"/targets/{letter.pk}/met/").content.decode()
    r = c.post(
        f"/targets/{letter.pk}/void/", {"version": letter.version, "reason": ""}, follow=True
    )
    assert "请写明作废理由" in r.content.decode()
    c.post(f"/targets/{letter.pk}/void/", {"version": letter.version, "reason": "书记调整"})
    letter.refresh_from_db()
    assert letter.status == Status.VOIDED
    page = c.get(f"/targets/{letter.pk}/").content.decode()
    assert "已作废" in page and "书记调整" in page
    home = c.get(f"/targets/?year={YEAR}").content.decode()
    # a voided letter makes room for a new one
    assert f"/targets/new/?community={cast.comm_a.pk}&year={YEAR}" in home
