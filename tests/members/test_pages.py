"""The member page, the forms that change a member, and the logged reveal of the ID number."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.core import crypto
from dangjian.core.models import AuditEntry
from dangjian.members.models import EventKind, Member, State
from dangjian.members.services import member_update
from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create

D = dt.date


def test_the_member_page_shows_details_masked_id_timeline_categories_and_offices(cast, client_for):
    m = cast.member_a
    office_create(
        acting_user=None,
        org=cast.branch_a,
        title=Office.Title.SECRETARY,
        member=m,
        term_start=D(2021, 1, 1),
    )
    html = client_for(cast.comm_a_sec).get(f"/members/{m.pk}/").content.decode()
    number = crypto.decrypt(m.id_cipher)
    assert m.id_masked in html and number not in html
    assert "查看完整号码" in html and "建档登记" in html and "离退休" in html
    assert "文化东路第一楼栋党支部 · 书记" in html
    assert "组织关系转出" in html and "去世" in html  # events that can be recorded


def test_revealing_the_id_number_is_logged(cast, client_for):
    m = cast.member_a
    r = client_for(cast.comm_a_sec).post(f"/members/{m.pk}/reveal-id/", REMOTE_ADDR="10.0.0.7")
    html = r.content.decode()  # without JavaScript: the member page with the number shown
    assert crypto.decrypt(m.id_cipher) in html and "变动记录" in html and "查看完整号码" not in html
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert (entry.actor, entry.object_id, entry.field, entry.ip) == (
        cast.comm_a_sec,
        str(m.pk),
        "id_number",
        "10.0.0.7",
    )
    assert entry.scope_path == cast.branch_a.path


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider", "member_user"])
def test_others_cannot_reveal_the_id_number(cast, client_for, who):
    r = client_for(getattr(cast, who)).post(f"/members/{cast.member_a.pk}/reveal-id/")
    assert r.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_with_htmx_only_the_number_comes_back_and_is_not_cached(cast, client_for):
    m = cast.member_a
    r = client_for(cast.comm_a_sec).post(f"/members/{m.pk}/reveal-id/", HTTP_HX_REQUEST="true")
    assert r.content.decode() == (
        f'<span class="font-monospace" id="id-number">{crypto.decrypt(m.id_cipher)}</span>'
    )
    assert r["Cache-Control"] == "no-store"


def test_revealing_needs_a_post(cast, client_for):
    r = client_for(cast.comm_a_sec).get(f"/members/{cast.member_a.pk}/reveal-id/")
    assert r.status_code == 405


def test_a_member_sees_their_own_page_without_secretary_buttons(cast, client_for):
    c = client_for(cast.member_user)
    html = c.get(f"/members/{cast.member_a.pk}/").content.decode()
    assert "张三" in html and cast.member_a.id_masked in html
    assert "查看完整号码" not in html and "记录变动" not in html and "修改个人信息" not in html
    assert c.get("/").url == "/m/"  # the member app (issue 19) links to the record


@pytest.mark.parametrize(
    "path",
    ["", "edit/", "events/transfer_out/", "events/death/"],
)
def test_a_member_gets_404_for_another_member_and_cannot_change_their_own(cast, client_for, path):
    c = client_for(cast.member_user)
    assert c.get(f"/members/{cast.member_b.pk}/{path}").status_code == 404
    if path:
        assert c.get(f"/members/{cast.member_a.pk}/{path}").status_code == 404


def edit_data(member, **over):
    data = {
        "version": member.version,
        "name": member.name,
        "gender": member.gender,
        "birth_date": member.birth_date.isoformat(),
        "ethnicity": member.ethnicity,
        "phone": "0371-6666888",
        "education": "college",
        "joined_on": member.joined_on.isoformat(),
        "work_unit": "县供电公司",
        "address": "文化东路 1 号",
    }
    data.update(over)
    return data


def test_editing_personal_details_is_audited_and_refreshes_the_search_key(cast, client_for):
    m = cast.member_a
    r = client_for(cast.comm_a_sec).post(f"/members/{m.pk}/edit/", edit_data(m, name="張三豐"))
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.name, m.phone, m.work_unit, m.version) == ("張三豐", "0371-6666888", "县供电公司", 2)
    assert "zhangsanfeng" in m.search_key
    entry = AuditEntry.objects.get(action="update", object_id=str(m.pk))
    assert entry.changes["name"] == {"before": "张三", "after": "張三豐"}


def test_an_edit_from_a_stale_page_is_a_conflict_and_keeps_what_was_typed(cast, client_for):
    m = cast.member_a
    stale = edit_data(m, work_unit="我填写的单位")
    member_update(m, data={"phone": "110"}, acting_user=cast.street_sec)  # someone else saves
    r = client_for(cast.comm_a_sec).post(f"/members/{m.pk}/edit/", stale)
    html = r.content.decode()
    assert r.status_code == 200 and "已被他人修改" in html and "我填写的单位" in html
    m.refresh_from_db()
    assert m.phone == "110" and m.work_unit == "" and m.version == 2


def test_an_edited_birth_date_must_still_agree_with_the_stored_id_number(cast, client_for):
    m = cast.member_a
    wrong = (m.birth_date + dt.timedelta(days=1)).isoformat()
    r = client_for(cast.comm_a_sec).post(f"/members/{m.pk}/edit/", edit_data(m, birth_date=wrong))
    assert "出生日期与身份证号不一致" in r.content.decode()
    m.refresh_from_db()
    assert m.version == 1


def test_a_corrected_id_number_is_checked_and_stored_encrypted(cast, client_for):
    from .conftest import valid_id, wrong_check

    m = cast.member_a
    good = valid_id(m.birth_date, m.gender, seed=99)
    c = client_for(cast.comm_a_sec)
    r = c.post(f"/members/{m.pk}/edit/", edit_data(m, id_number=wrong_check(good)))
    assert "校验位不正确" in r.content.decode()
    c.post(f"/members/{m.pk}/edit/", edit_data(m, id_number=good.lower()))
    m.refresh_from_db()
    assert crypto.decrypt(m.id_cipher) == good and m.id_masked.endswith(good[-4:])
    entry = AuditEntry.objects.get(action="update", object_id=str(m.pk))
    assert good not in str(entry.changes)


def test_recording_a_transfer_out_on_the_page(cast, client_for):
    m = cast.member_a
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/members/{m.pk}/events/transfer_out/").content.decode()
    assert "data-confirm=" in page and "介绍信编号" in page
    today = timezone.localdate().isoformat()
    r = c.post(
        f"/members/{m.pk}/events/transfer_out/",
        {
            "version": m.version,
            "to_org_name": "邻县某社区",
            "letter_no": "A-12",
            "letter_valid_until": "2099-12-31",
            "date": today,
        },
    )
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.state == State.TRANSFERRED_OUT
    html = c.get(f"/members/{m.pk}/").content.decode()
    assert "邻县某社区" in html and "A-12" in html and "组织关系转入" in html


def test_an_illegal_event_on_the_page_is_refused_with_the_reason(cast, client_for):
    m = cast.member_a
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/members/{m.pk}/events/restored/",
        {"version": m.version, "date": timezone.localdate().isoformat(), "note": "x"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "当前状态为“在册”，不能记录“恢复党籍”" in html and "x</textarea>" in html
    assert m.events.count() == 1


def test_a_move_into_a_branch_of_another_community_is_refused_on_the_page(cast, client_for):
    m = cast.member_a
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/members/{m.pk}/events/internal_move/").content.decode()
    assert cast.branch_a_2.name in page and cast.branch_b.name not in page
    r = c.post(
        f"/members/{m.pk}/events/internal_move/",
        {"version": m.version, "date": "2024-01-02", "to_org": cast.branch_b.pk},
    )
    assert "不在您的管理范围内" in r.content.decode()
    m.refresh_from_db()
    assert m.org == cast.branch_a and m.events.count() == 1


def test_a_stale_event_form_is_a_conflict(cast, client_for):
    m = cast.member_a
    r = client_for(cast.comm_a_sec).post(
        f"/members/{m.pk}/events/mode_change/",
        {"version": m.version + 5, "date": "2024-01-02", "mode": "dual"},
    )
    assert "刚被他人修改过" in r.content.decode()
    assert Member.objects.get(pk=m.pk).mode == "self"


def test_an_unknown_event_kind_is_404(cast, client_for):
    c = client_for(cast.comm_a_sec)
    assert c.get(f"/members/{cast.member_a.pk}/events/registered/").status_code == 404
    assert c.get(f"/members/{cast.member_a.pk}/events/nonsense/").status_code == 404


def test_the_member_page_issues_a_constant_number_of_queries(
    cast, client_for, django_assert_num_queries
):
    """The timeline and categories are one query each, whatever their length."""
    from .conftest import count_queries

    m = cast.member_a
    c = client_for(cast.comm_a_sec)
    url = f"/members/{m.pk}/"
    c.get(url)
    before = count_queries(lambda: c.get(url))
    for i in range(12):
        m.refresh_from_db()
        from dangjian.members.services import member_record_event

        member_record_event(
            member=m,
            kind=EventKind.MODE_CHANGE,
            date=D(2024, 1, 1 + i),
            acting_user=None,
            mode="dual" if i % 2 == 0 else "self",
        )
    with django_assert_num_queries(before):
        c.get(url)
