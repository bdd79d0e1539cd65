"""Work admission (社区工作准入制): a department files an entrustment, the town decides it, the
community sees which tasks in hand have none and may decline them; the register of demanded ledgers
counts how many print from the platform; a department's contact sees only its own."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.admission import services
from dangjian.admission.models import DemandedLedger, Department, Entrustment, State, Task

TODAY = timezone.localdate()


@pytest.fixture
def departments(cast):
    User = get_user_model()
    civil = Department.objects.create(county=cast.county, name="县民政局")
    stats = Department.objects.create(county=cast.county, name="县统计局")
    civil.contacts.add(User.objects.create_user("civil_contact", password=cast.password))
    stats.contacts.add(User.objects.create_user("stats_contact", password=cast.password))
    return civil, stats


def _contact(name):
    return get_user_model().objects.get(username=name)


def _file(cast, dep, user=None, **kw):
    data = {
        "task": "高龄津贴认证",
        "quality": "准确",
        "standard": "一户一档",
        "deadline": TODAY + dt.timedelta(days=30),
        "funding": "3000",
    }
    data.update(kw)
    return services.entrustment_file(
        acting_user=user or _contact("civil_contact"), department=dep, community=cast.comm_a, **data
    )


def test_a_contact_files_and_sees_only_their_departments_entrustments(
    cast, departments, client_for
):
    civil, stats = departments
    mine = _file(cast, civil)
    other = _file(cast, stats, user=_contact("stats_contact"), task="人口抽样调查")
    page = client_for(_contact("civil_contact")).get("/admission/").content.decode()
    assert "高龄津贴认证" in page and "人口抽样调查" not in page
    assert client_for(_contact("civil_contact")).get(f"/admission/{other.pk}/").status_code == 404
    assert client_for(_contact("civil_contact")).get(f"/admission/{mine.pk}/").status_code == 200


def test_a_contact_cannot_file_for_another_department(cast, departments):
    civil, stats = departments
    with pytest.raises(PermissionDenied):
        _file(cast, stats)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"funding": "-1"}, "funding"),
        ({"funding": "abc"}, "funding"),
        ({"deadline": TODAY - dt.timedelta(days=1)}, "deadline"),
        ({"task": "  "}, "task"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(cast, departments, kw, field):
    with pytest.raises(ValidationError) as info:
        _file(cast, departments[0], **kw)
    assert field in info.value.error_dict
    assert not Entrustment.objects.exists()


def test_zero_funding_and_a_deadline_of_today_are_accepted(cast, departments):
    e = _file(cast, departments[0], funding="0", deadline=TODAY)
    assert e.funding == 0 and e.state == State.FILED


def test_only_the_town_decides_and_a_refusal_needs_a_reason(cast, departments, client_for):
    e = _file(cast, departments[0])
    with pytest.raises(PermissionDenied):
        services.entrustment_decide(
            acting_user=cast.comm_a_sec, entrustment=e, approve=True, reason="", version=e.version
        )
    with pytest.raises(ValidationError, match="请写明理由"):
        services.entrustment_decide(
            acting_user=cast.street_sec, entrustment=e, approve=False, reason="", version=e.version
        )
    r = client_for(cast.street_sec).post(
        f"/admission/{e.pk}/", {"decision": "approve", "reason": "", "version": e.version}
    )
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.state == State.APPROVED and e.decided_on == TODAY
    with pytest.raises(ValidationError, match="已经审核过"):
        services.entrustment_decide(
            acting_user=cast.street_sec, entrustment=e, approve=False, reason="x", version=e.version
        )


def test_the_community_secretary_does_not_see_a_decide_form(cast, departments, client_for):
    e = _file(cast, departments[0])
    c = client_for(cast.comm_a_sec)
    assert 'id="decide-form"' not in c.get(f"/admission/{e.pk}/").content.decode()
    assert (
        c.post(f"/admission/{e.pk}/", {"decision": "approve", "version": e.version}).status_code
        == 404
    )
    assert Entrustment.objects.get(pk=e.pk).state == State.FILED


def test_tasks_without_an_approved_entrustment_come_first_and_may_be_declined(
    cast, departments, client_for
):
    civil, stats = departments
    e = _file(cast, civil)
    services.entrustment_decide(
        acting_user=cast.street_sec, entrustment=e, approve=True, reason="", version=e.version
    )
    ok = services.task_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        department=civil,
        title="高龄津贴认证",
        received_on=TODAY,
        entrustment=e,
    )
    bad = services.task_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        department=stats,
        title="人口抽样调查入户",
        received_on=TODAY - dt.timedelta(days=3),
    )
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/admission/tasks/?org={cast.comm_a.pk}").content.decode()
    assert "1 项在办工作没有经过准入的委托" in page
    assert page.index("人口抽样调查入户") < page.index("高龄津贴认证")
    c.post(f"/admission/tasks/{bad.pk}/decline/", {"version": bad.version})
    assert Task.objects.get(pk=bad.pk).status == Task.Status.DECLINED
    with pytest.raises(ValidationError, match="已经准入"):
        services.task_decline(acting_user=cast.comm_a_sec, task=ok, version=ok.version)


def test_a_task_in_the_future_or_with_another_communitys_entrustment_is_refused(cast, departments):
    civil, _stats = departments
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.task_record(
            acting_user=cast.comm_a_sec,
            community=cast.comm_a,
            department=civil,
            title="x",
            received_on=TODAY + dt.timedelta(days=1),
        )
    other = services.entrustment_file(
        acting_user=_contact("civil_contact"),
        department=civil,
        community=cast.comm_b,
        task="别的社区",
        quality="q",
        standard="s",
        deadline=TODAY,
        funding="0",
    )
    with pytest.raises(ValidationError, match="不是这个部门委托本社区的"):
        services.task_record(
            acting_user=cast.comm_a_sec,
            community=cast.comm_a,
            department=civil,
            title="x",
            received_on=TODAY,
            entrustment=other,
        )


def test_another_communitys_secretary_gets_nothing(cast, departments, client_for):
    civil, _ = departments
    e = _file(cast, civil)
    t = services.task_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        department=civil,
        title="甲社区事项",
        received_on=TODAY,
    )
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/admission/{e.pk}/").status_code == 404
    assert "高龄津贴认证" not in other.get("/admission/").content.decode()
    assert other.get(f"/admission/tasks/?org={cast.comm_a.pk}").status_code == 404
    assert (
        other.post(f"/admission/tasks/{t.pk}/decline/", {"version": t.version}).status_code == 404
    )
    r = other.get("/admission/export/")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws.max_row == 2  # title and header only


def test_the_register_counts_the_ledgers_this_platform_prints(cast, departments, client_for):
    civil, stats = departments
    DemandedLedger.objects.create(department=civil, name="低保户台帐", export="households")
    DemandedLedger.objects.create(department=civil, name="便民服务台帐", export="servicedesk")
    gap = DemandedLedger.objects.create(department=stats, name="人口统计台帐", export="")
    c = client_for(cast.admin)
    page = c.get("/admission/ledgers/").content.decode()
    assert "要求的 3 本台帐中，2 本可由本平台直接导出（67%）" in page
    c.post(f"/admission/ledgers/{gap.pk}/", {"export": "members"})
    assert "3 本可由本平台直接导出（100%）" in c.get("/admission/ledgers/").content.decode()
    # a community secretary reads the register but may not remap it
    assert c.get("/admission/ledgers/").status_code == 200
    r = client_for(cast.comm_a_sec).post(f"/admission/ledgers/{gap.pk}/", {"export": ""})
    assert r.status_code == 404 and DemandedLedger.objects.get(pk=gap.pk).export == "members"


def test_the_export_reads_back(cast, departments, client_for):
    _file(cast, departments[0])
    r = client_for(cast.street_sec).get(f"/admission/export/?org={cast.street_a.pk}")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][1] == "县民政局" and rows[0][8] == "待审核"
