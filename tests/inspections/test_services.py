"""Writes of 督查与整改: recording an inspection with its findings, tasks with the rule's default
deadline and a chosen owner, closing with evidence, reopening with a reason — who may do each,
bad input refused with nothing changed, optimistic locking and the audit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.models import Profile
from dangjian.core import rules
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.inspections import services
from dangjian.inspections.models import Action, Event, Finding, FollowUp, Inspection

from .conftest import TODAY, record, task


def _close(cast, t, *, by=None, **kw):
    kw.setdefault("on", TODAY)
    kw.setdefault("evidence", "已召开楼道党小组会议补记活动记录")
    return services.followup_close(
        acting_user=by or cast.comm_a_sec, follow_up=t, version=kw.pop("version", None), **kw
    )


def _docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    doc = Document()
    doc.add_paragraph("整改报告")
    doc.save(out)
    return out.getvalue()


# ---- recording -----------------------------------------------------------------------------
def test_a_street_records_an_inspection_of_its_community_with_findings_in_order(cast):
    i = record(cast)
    assert (i.inspecting, i.inspected, i.kind) == (cast.street_a, cast.comm_a, "survey")
    assert [f.text for f in i.findings.order_by("order")] == [
        "楼道党小组活动记录不全",
        "党员示范岗未挂牌",
    ]
    assert AuditEntry.objects.filter(
        content_type__model="inspection", object_id=str(i.pk), scope_path=cast.comm_a.path
    ).exists()


def test_a_branch_below_the_street_may_be_inspected_and_so_may_the_county_inspect(cast):
    assert record(cast, inspected=cast.branch_a).inspected == cast.branch_a
    i = record(cast, by=cast.admin, inspecting=cast.county, inspected=cast.comm_b)
    assert i.inspecting == cast.county


@pytest.mark.parametrize(
    ("who", "inspecting", "inspected"),
    [
        ("comm_a_sec", "street_a", "comm_a"),  # the community cannot inspect itself upward
        ("street_sec", "street_b", "comm_b"),  # nor a street another street's community
        ("branch_sec", "street_a", "branch_a"),
    ],
)
def test_only_the_inspecting_orgs_changing_grants_record(cast, who, inspecting, inspected):
    with pytest.raises(PermissionDenied):
        record(
            cast,
            by=getattr(cast, who),
            inspecting=getattr(cast, inspecting),
            inspected=getattr(cast, inspected),
        )
    assert not Inspection.objects.exists()


def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="督查组织须是街道、镇或县"):
        record(cast, inspecting=cast.comm_a, inspected=cast.branch_a)
    with pytest.raises(ValidationError, match="被督查组织须是督查组织下属的社区或支部"):
        record(cast, inspected=cast.comm_b)  # another street's
    with pytest.raises(ValidationError, match="被督查组织须是督查组织下属的社区或支部"):
        record(cast, inspected=cast.street_a)
    with pytest.raises(ValidationError, match="请选择督查形式"):
        record(cast, kind="chat")
    with pytest.raises(ValidationError, match="督查日期不能晚于今天"):
        record(cast, day=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="请填写督查人员"):
        record(cast, inspectors="  ")
    with pytest.raises(ValidationError, match="不超过 500 字"):
        record(cast, findings=["问" * 501])
    assert not Inspection.objects.exists() and not Finding.objects.exists()
    assert AuditEntry.objects.count() == before


def test_the_date_may_be_today(cast):
    assert record(cast, day=TODAY).date == TODAY


def test_editing_an_inspection_checks_the_version_the_user_saw(cast):
    i = record(cast)
    services.inspection_update(
        acting_user=cast.street_sec,
        inspection=i,
        version=1,
        kind="unannounced",
        date=i.date,
        inspectors="王测试、李测试",
    )
    with pytest.raises(ConflictError):
        services.inspection_update(
            acting_user=cast.street_sec,
            inspection=i,
            version=1,
            kind="onsite",
            date=i.date,
            inspectors="x",
        )
    i.refresh_from_db()
    assert (i.kind, i.version) == ("unannounced", 2)
    with pytest.raises(PermissionDenied):
        services.inspection_update(
            acting_user=cast.comm_a_sec,
            inspection=i,
            version=2,
            kind="onsite",
            date=i.date,
            inspectors="x",
        )


def test_a_finding_is_added_after_the_others(cast):
    i = record(cast)
    f = services.finding_add(acting_user=cast.street_sec, inspection=i, text="台帐未及时更新")
    assert f.order == 3
    with pytest.raises(PermissionDenied):
        services.finding_add(acting_user=cast.comm_a_sec, inspection=i, text="x")


# ---- tasks ---------------------------------------------------------------------------------
def test_a_tasks_default_deadline_is_the_inspection_day_plus_the_rules_days(cast, settings):
    i = record(cast, day=dt.date(2026, 3, 1))
    assert task(cast, i, owner_name="赵测试").deadline == dt.date(2026, 3, 31)
    settings.DANGJIAN_RULES = {
        "default": {},
        "orgs": {cast.comm_a.code: {"inspection.followup": {"default_days": 10}}},
    }
    rules.reset_cache()
    try:
        assert task(cast, i, owner_name="赵测试").deadline == dt.date(2026, 3, 11)
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_a_deadline_may_be_set_per_task_but_not_before_the_inspection(cast):
    i = record(cast, day=dt.date(2026, 3, 1))
    assert task(cast, i, owner_name="赵", deadline=dt.date(2026, 3, 1)).deadline.day == 1
    with pytest.raises(ValidationError, match="整改时限不能早于督查日期"):
        task(cast, i, owner_name="赵", deadline=dt.date(2026, 2, 28))


def test_the_owner_is_an_account_on_the_inspected_org_or_a_name(cast):
    i = record(cast)
    t = task(cast, i, owner=cast.branch_sec)  # a grant on a branch of community A
    assert t.owner == cast.branch_sec and t.owner_name == "branch_a_sec"
    Profile.objects.create(user=cast.comm_a_sec, display_name="欧阳书记")
    assert task(cast, i, owner=cast.comm_a_sec).owner_name == "欧阳书记"
    with pytest.raises(ValidationError, match="责任人须是被督查组织有账号的人员"):
        task(cast, i, owner=cast.comm_b_sec)
    with pytest.raises(ValidationError, match="请填写责任人"):
        task(cast, i)
    assert task(cast, i, owner_name="社区居委会 钱测试").owner is None


def test_only_the_inspecting_side_adds_and_edits_tasks(cast, visit):
    f = visit.inspection.findings.first()
    with pytest.raises(PermissionDenied):
        services.followup_add(acting_user=cast.comm_a_sec, finding=f, task="x", owner_name="y")
    with pytest.raises(PermissionDenied):
        services.followup_update(
            acting_user=cast.comm_a_sec,
            follow_up=visit.task,
            version=1,
            task="x",
            owner_name="y",
        )
    t = services.followup_update(
        acting_user=cast.street_sec,
        follow_up=visit.task,
        version=1,
        task="补齐全年活动记录",
        owner_name="孙测试",
        deadline=TODAY,
    )
    assert (t.task, t.owner, t.deadline, t.version) == ("补齐全年活动记录", None, TODAY, 2)


# ---- closing and reopening -----------------------------------------------------------------
def test_the_inspected_community_closes_a_task_with_evidence(cast, visit):
    t = _close(cast, visit.task, version=1, link=f"/orgs/{cast.branch_a.pk}/")
    assert t.closed_on == TODAY and t.version == 2
    assert t.closure.text.startswith("已召开") and t.closure.link.startswith("/orgs/")
    assert t.closure.by == cast.comm_a_sec and t.closure.action == Action.CLOSE
    with pytest.raises(ValidationError, match="已经完成"):
        _close(cast, t)


def test_closing_accepts_a_word_document_but_not_a_photo(cast, visit):
    doc = SimpleUploadedFile("整改报告.docx", _docx())
    t = _close(cast, visit.task, upload=doc)
    assert t.closure.file_name == "整改报告.docx"
    t2 = task(cast, visit.inspection, owner_name="x")
    with pytest.raises(ValidationError, match="附件只收 PDF"):
        _close(cast, t2, upload=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20))
    with pytest.raises(ValidationError, match="附件只收 PDF"):
        _close(cast, t2, upload=SimpleUploadedFile("a.pdf", b"not a pdf"))
    assert _close(cast, t2, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")).closed_on


def test_closing_refuses_bad_input_and_changes_nothing(cast, visit):
    t = visit.task
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="请填写整改情况"):
        _close(cast, t, evidence="  ")
    with pytest.raises(ValidationError, match="完成日期不能晚于今天"):
        _close(cast, t, on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="完成日期不能早于督查日期"):
        _close(cast, t, on=visit.inspection.date - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="平台内记录的链接"):
        _close(cast, t, link="https://example.com/x")
    with pytest.raises(ValidationError, match="平台内没有这个页面"):
        _close(cast, t, link="/no/such/page/")
    with pytest.raises(ConflictError):
        _close(cast, t, version=7)
    t.refresh_from_db()
    assert t.closed_on is None and t.version == 1 and not Event.objects.exists()
    assert AuditEntry.objects.count() == before


def test_the_inspecting_side_and_the_owner_may_close_others_may_not(cast, visit):
    with pytest.raises(PermissionDenied):
        _close(cast, visit.task, by=cast.comm_b_sec)
    with pytest.raises(PermissionDenied):
        _close(cast, visit.task, by=cast.member_user)
    assert _close(cast, visit.task, by=cast.street_sec).closed_on == TODAY
    # an owner without a changing grant on the community: the branch secretary
    t = task(cast, visit.inspection, owner=cast.branch_sec)
    assert _close(cast, t, by=cast.branch_sec).closure.by == cast.branch_sec


def test_reopening_keeps_the_closure_in_the_tasks_history(cast, visit):
    t = _close(cast, visit.task)
    with pytest.raises(PermissionDenied):
        services.followup_reopen(
            acting_user=cast.comm_a_sec, follow_up=t, version=t.version, reason="x"
        )
    with pytest.raises(ValidationError, match="请填写重新打开的理由"):
        services.followup_reopen(acting_user=cast.street_sec, follow_up=t, version=2, reason="")
    t = services.followup_reopen(
        acting_user=cast.street_sec, follow_up=t, version=2, reason="回访发现记录仍不全"
    )
    assert t.closed_on is None and t.closure is None and t.version == 3
    assert [e.action for e in t.events.order_by("pk")] == ["close", "reopen"]
    with pytest.raises(ValidationError, match="还没有完成"):
        services.followup_reopen(acting_user=cast.street_sec, follow_up=t, version=3, reason="x")
    assert _close(cast, t, version=3).closed_on == TODAY
    assert FollowUp.objects.get(pk=t.pk).events.count() == 3
