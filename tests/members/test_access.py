"""A user of another community gets nothing and can change nothing — through every page, the
export and the API, guessed IDs included. A member reaches only their own record."""

import io

import pytest
from openpyxl import load_workbook

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.members.models import Member, State

MEMBER_PAGES = ["", "edit/", "events/transfer_out/", "events/death/", "events/internal_move/"]


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider"])
@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_pages_of_another_communitys_member_are_404(cast, client_for, who, path):
    c = client_for(getattr(cast, who))
    assert c.get(f"/members/{cast.member_a.pk}/{path}").status_code == 404


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider"])
def test_posts_to_another_communitys_member_change_nothing(cast, client_for, who):
    c = client_for(getattr(cast, who))
    m = cast.member_a
    posts = {
        "edit/": {
            "version": 1,
            "name": "改名",
            "gender": "M",
            "birth_date": "1970-01-01",
            "ethnicity": "汉族",
            "joined_on": "1995-07-01",
        },
        "events/death/": {"version": 1, "date": "2024-01-01"},
        "events/transfer_out/": {
            "version": 1,
            "date": "2024-01-01",
            "to_org_name": "x",
            "letter_no": "1",
            "letter_valid_until": "2030-01-01",
        },
        "reveal-id/": {},
    }
    for path, data in posts.items():
        assert c.post(f"/members/{m.pk}/{path}", data).status_code == 404
    m.refresh_from_db()
    assert (m.name, m.state, m.version, m.events.count()) == ("张三", State.ACTIVE, 1, 1)


def test_guessed_ids_that_do_not_exist_are_404_too(cast, client_for):
    c = client_for(cast.comm_a_sec)
    missing = Member.objects.order_by("-pk").first().pk + 100
    for path in MEMBER_PAGES:
        assert c.get(f"/members/{missing}/{path}").status_code == 404


def test_another_communitys_list_and_export_hold_none_of_our_members(cast, client_for):
    c = client_for(cast.comm_b_sec)
    html = c.get("/members/", {"q": "张三"}).content.decode()
    assert "张三" not in html.split("<tbody>")[1]
    html = c.get("/members/", {"org": cast.comm_a.pk}).content.decode()
    assert "张三" not in html and cast.comm_a.name not in html
    r = c.get("/members/export/", {"state": "all"})
    names = [
        row[0] for row in load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values
    ][2:]
    assert names == ["李四"]


def test_an_outsider_sees_an_empty_list_and_an_empty_export(cast, client_for):
    c = client_for(cast.outsider)
    assert "没有符合条件的党员" in c.get("/members/").content.decode()
    r = c.get("/members/export/")
    assert len(list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)) == 2


def test_a_member_sees_only_themselves_everywhere(cast, client_for):
    c = client_for(cast.member_user)
    html = c.get("/members/", {"state": "all"}).content.decode()
    assert "张三" in html and "李四" not in html
    r = c.get("/members/export/", {"state": "all"})
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)[2:]
    assert [row[0] for row in rows] == ["张三"]


def test_a_viewer_reads_but_cannot_change_or_reveal(cast, client_for):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    c = client_for(cast.outsider)
    html = c.get(f"/members/{cast.member_a.pk}/").content.decode()
    assert "张三" in html and "查看完整号码" not in html and "记录变动" not in html
    assert c.get(f"/members/{cast.member_a.pk}/edit/").status_code == 404
    assert c.post(f"/members/{cast.member_a.pk}/reveal-id/").status_code == 404
    assert c.get("/members/new/").status_code == 404


def test_a_branch_secretary_cannot_move_a_member_to_a_sibling_branch(cast, client_for):
    c = client_for(cast.branch_sec)
    page = c.get(f"/members/{cast.member_a.pk}/events/internal_move/").content.decode()
    assert cast.branch_a_2.name not in page
    r = c.post(
        f"/members/{cast.member_a.pk}/events/internal_move/",
        {"version": 1, "date": "2024-01-02", "to_org": cast.branch_a_2.pk},
    )
    assert "不在您的管理范围内" in r.content.decode()
    cast.member_a.refresh_from_db()
    assert cast.member_a.org == cast.branch_a
