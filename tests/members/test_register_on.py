"""The register of an organisation as it stood on any past date (SPEC §2): rebuilt from the
timeline, at the end of the day asked for."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.members.models import Category, EventKind, Status
from dangjian.members.selectors import register_counts, register_on
from dangjian.members.services import member_record_event

from ..factories import make_member

D = dt.date


def names(user, org, on):
    return sorted(e.member.name for e in register_on(user=user, org_path=org.path, on=on))


def record(member, kind, date, **kw):
    member.refresh_from_db()
    return member_record_event(member=member, kind=kind, date=date, acting_user=None, **kw)


@pytest.fixture
def town(cast):
    """Four members of 文化东路 with one story each."""
    mk = dict(birth_date=D(1960, 1, 1), joined_on=D(2000, 7, 1))
    away = make_member(org=cast.branch_a, name="周转出", **mk)
    mover = make_member(org=cast.branch_a, name="吴调动", **mk)
    late = make_member(
        org=cast.branch_a,
        name="郑新人",
        birth_date=D(1990, 1, 1),
        joined_on=D(2022, 7, 1),
        status=Status.PROBATIONARY,
    )
    dead = make_member(org=cast.branch_a_2, name="王故去", categories=(Category.ELDERLY,), **mk)
    record(
        away,
        EventKind.TRANSFER_OUT,
        D(2021, 3, 1),
        to_org_name="外地",
        letter_no="1",
        letter_valid_until=D(2021, 4, 1),
    )
    record(
        away,
        EventKind.TRANSFER_IN,
        D(2023, 5, 1),
        to_org=cast.branch_a_2,
        from_org_name="外地",
        letter_no="2",
    )
    record(mover, EventKind.INTERNAL_MOVE, D(2021, 6, 1), to_org=cast.branch_a_2)
    record(dead, EventKind.DEATH, D(2022, 1, 10))
    record(late, EventKind.STATUS_CHANGE, D(2023, 7, 1))
    return away, mover, late, dead


def test_a_member_transferred_out_is_off_the_register_until_they_come_back(cast, town):
    u, org = cast.comm_a_sec, cast.comm_a
    assert "周转出" in names(u, org, D(2021, 2, 28))
    assert "周转出" not in names(u, org, D(2021, 3, 1))  # the day of the transfer counts
    assert "周转出" not in names(u, org, D(2023, 4, 30))
    assert "周转出" in names(u, org, D(2023, 5, 1))
    assert "周转出" in names(u, cast.branch_a_2, D(2023, 5, 1))
    assert "周转出" not in names(u, cast.branch_a, D(2023, 5, 1))


def test_a_move_between_branches_changes_which_branch_lists_the_member(cast, town):
    u = cast.comm_a_sec
    assert "吴调动" in names(u, cast.branch_a, D(2021, 5, 31))
    assert "吴调动" not in names(u, cast.branch_a_2, D(2021, 5, 31))
    assert "吴调动" not in names(u, cast.branch_a, D(2021, 6, 1))
    assert "吴调动" in names(u, cast.branch_a_2, D(2021, 6, 1))
    assert "吴调动" in names(u, cast.comm_a, D(2021, 5, 31))
    assert "吴调动" in names(u, cast.comm_a, D(2021, 6, 1))


def test_a_member_who_joined_after_the_date_is_not_listed(cast, town):
    assert "郑新人" not in names(cast.comm_a_sec, cast.comm_a, D(2022, 6, 30))
    assert "郑新人" in names(cast.comm_a_sec, cast.comm_a, D(2022, 7, 1))


def test_a_member_is_listed_up_to_the_day_before_death(cast, town):
    assert "王故去" in names(cast.comm_a_sec, cast.comm_a, D(2022, 1, 9))
    assert "王故去" not in names(cast.comm_a_sec, cast.comm_a, D(2022, 1, 10))


def test_status_mode_and_categories_are_those_of_the_date(cast, town):
    before = register_on(user=cast.comm_a_sec, org_path=cast.comm_a.path, on=D(2023, 6, 30))
    row = next(e for e in before if e.member.name == "郑新人")
    assert row.status == Status.PROBATIONARY
    after = register_on(user=cast.comm_a_sec, org_path=cast.comm_a.path, on=D(2023, 7, 1))
    assert next(e for e in after if e.member.name == "郑新人").status == Status.FULL
    counts = register_counts(before)
    assert (counts.total, counts.probationary) == (len(before), 1)
    assert counts.full == counts.total - 1
    on_2021 = register_on(user=cast.comm_a_sec, org_path=cast.comm_a.path, on=D(2021, 1, 1))
    assert next(e for e in on_2021 if e.member.name == "王故去").category_labels == "年老体弱"


def test_the_register_of_today_matches_the_current_list(cast, town):
    from dangjian.members.selectors import members_visible

    today = names(cast.comm_a_sec, cast.comm_a, dt.date.today() - dt.timedelta(days=1))
    assert today == sorted(m.name for m in members_visible(user=cast.comm_a_sec))


def test_a_past_register_still_shows_a_member_who_has_since_left_the_community(cast, town):
    away, *_ = town
    record(away, EventKind.INTERNAL_MOVE, D(2024, 1, 1), to_org=cast.branch_b)
    assert "周转出" in names(cast.comm_a_sec, cast.comm_a, D(2023, 12, 31))
    assert "周转出" not in names(cast.comm_a_sec, cast.comm_a, D(2024, 1, 1))
    # and the community they went to sees them only from the day they arrived
    assert "周转出" not in names(cast.comm_b_sec, cast.comm_b, D(2023, 12, 31))
    assert "周转出" in names(cast.comm_b_sec, cast.comm_b, D(2024, 1, 1))


def test_another_community_sees_nothing_of_this_register(cast, town):
    assert names(cast.comm_b_sec, cast.comm_a, D(2021, 1, 1)) == []
    assert names(cast.outsider, cast.comm_a, D(2021, 1, 1)) == []


def test_the_page_shows_the_register_with_counts(cast, town, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.get("/members/register/", {"org": cast.comm_a.pk, "on": "2021-06-01"})
    html = r.content.decode()
    assert r.status_code == 200 and "截至 2021-06-01" in html
    assert "吴调动" in html and "王故去" in html and "周转出" not in html and "郑新人" not in html
    n = len(names(cast.comm_a_sec, cast.comm_a, D(2021, 6, 1)))
    assert f"共 {n} 名党员" in html


def test_the_page_refuses_a_future_or_broken_date_politely(cast, town, client_for):
    c = client_for(cast.comm_a_sec)
    html = c.get("/members/register/", {"org": cast.comm_a.pk, "on": "2999-01-01"}).content
    assert "不能查看未来日期的名册" in html.decode()
    html = c.get("/members/register/", {"org": cast.comm_a.pk, "on": "2021-02-30"}).content
    assert "日期“2021-02-30”不正确" in html.decode()


def test_the_page_is_404_for_an_organisation_of_another_community(cast, town, client_for):
    for user in (cast.comm_b_sec, cast.outsider):
        r = client_for(user).get("/members/register/", {"org": cast.comm_a.pk, "on": "2021-06-01"})
        assert r.status_code == 404
        r = client_for(user).get(
            "/members/register/export/", {"org": cast.comm_a.pk, "on": "2021-06-01"}
        )
        assert r.status_code == 404


def test_the_export_lists_the_same_people_with_chinese_headers_and_is_audited(
    cast, town, client_for
):
    r = client_for(cast.comm_a_sec).get(
        "/members/register/export/", {"org": cast.comm_a.pk, "on": "2021-06-01"}
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert "2021-06-01" in rows[0][0]
    assert rows[1][:5] == ("姓名", "性别", "民族", "出生日期", "身份证号")
    assert rows[1][-1] == "所在党组织"
    assert sorted(r[0] for r in rows[2:]) == names(cast.comm_a_sec, cast.comm_a, D(2021, 6, 1))
    mover = next(r for r in rows[2:] if r[0] == "吴调动")
    assert mover[-1] == cast.branch_a_2.name and "**********" in mover[4]
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == cast.comm_a_sec and entry.scope_path == cast.comm_a.path


def test_the_page_issues_as_many_queries_for_50_members_as_for_5(
    cast, client_for, same_queries_at_5_and_50
):
    c = client_for(cast.comm_a_sec)
    url = f"/members/register/?org={cast.comm_a.pk}&on=2020-01-01"

    def check(r):
        assert r.content.decode().count("<tr>") == 1 + 50  # header and a full page

    same_queries_at_5_and_50(cast.branch_a, lambda: c.get(url), check)


def test_the_export_issues_as_many_queries_for_50_members_as_for_5(
    cast, client_for, same_queries_at_5_and_50
):
    c = client_for(cast.comm_a_sec)
    url = f"/members/register/export/?org={cast.comm_a.pk}&on=2020-01-01"

    def fetch():
        r = c.get(url)
        return list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)

    def check(rows):
        assert len(rows) == 2 + 51  # title, headers, 张三 and the 50

    same_queries_at_5_and_50(cast.branch_a, fetch, check)
