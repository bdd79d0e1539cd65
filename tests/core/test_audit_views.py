"""The audit views: per object and per user, scoped to the reader's subtrees, plus the reader's
own actions; reveals of ID numbers are listed; the page costs the same for 5 and 50 rows."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.test import Client

from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.members.services import member_reveal_id


def _member_audit_url(member: Member) -> str:
    ct = ContentType.objects.get_for_model(Member)
    return f"/audit/?ct={ct.pk}&id={member.pk}"


def _rows(response) -> str:
    text = response.content.decode()
    return text[text.index('id="audit-table"') :]


def test_a_community_secretary_sees_the_audit_of_their_subtree_only(cast, client_for):
    page = _rows(client_for(cast.comm_a_sec).get("/audit/"))
    assert "张三" in page and "文化东路第一楼栋党支部" in page
    assert "李四" not in page and "迎宾路" not in page and "团结路" not in page


def test_the_per_object_view_lists_the_history_of_one_object(cast, client_for):
    r = client_for(cast.comm_a_sec).get(_member_audit_url(cast.member_a))
    assert r.status_code == 200
    page = r.content.decode()
    assert "审计记录 · 张三" in page and "新增" in page


def test_the_per_object_view_of_another_communitys_object_shows_nothing(cast, client_for):
    r = client_for(cast.comm_b_sec).get(_member_audit_url(cast.member_a))
    assert r.status_code == 200
    page = r.content.decode()
    assert "张三" not in page and "没有记录" in page


def test_reveals_of_id_numbers_are_listed_without_the_number(cast, client_for):
    number = member_reveal_id(cast.member_a, acting_user=cast.branch_sec, ip="10.0.0.7")
    page = _rows(client_for(cast.comm_a_sec).get(_member_audit_url(cast.member_a)))
    assert "查看敏感信息（id_number）" in page and "branch_a_sec" in page and "10.0.0.7" in page
    assert number not in page


def test_a_reveal_through_the_page_is_listed_for_the_secretary_above(cast, client_for):
    r = client_for(cast.branch_sec).post(f"/members/{cast.member_a.pk}/reveal-id/")
    assert r.status_code == 200
    page = _rows(client_for(cast.street_sec).get(_member_audit_url(cast.member_a)))
    assert "查看敏感信息" in page and "branch_a_sec" in page


def test_the_per_user_view_of_a_user_acting_in_two_communities_is_cut_to_the_readers_scope(
    cast, client_for
):
    member_reveal_id(cast.member_a, acting_user=cast.admin)
    member_reveal_id(cast.member_b, acting_user=cast.admin)
    url = f"/audit/?actor={cast.admin.pk}"
    seen_by_a = _rows(client_for(cast.comm_a_sec).get(url))
    assert "张三" in seen_by_a and "李四" not in seen_by_a
    seen_by_b = _rows(client_for(cast.comm_b_sec).get(url))
    assert "李四" in seen_by_b and "张三" not in seen_by_b
    everything = _rows(client_for(cast.admin).get(url))
    assert "张三" in everything and "李四" in everything


def test_a_user_always_sees_their_own_actions(cast, client_for):
    # A login has no organisation; an action in a community seen from a neighbour's account.
    audit.record(action=AuditEntry.Action.LOGIN, obj=None, acting_user=cast.outsider)
    member_reveal_id(cast.member_b, acting_user=cast.comm_a_sec)
    c = client_for(cast.outsider)
    page = c.get(f"/audit/?actor={cast.outsider.pk}").content.decode()
    assert "登录" in _rows(c.get(f"/audit/?actor={cast.outsider.pk}"))
    assert "outsider 的操作" in page
    own = _rows(client_for(cast.comm_a_sec).get("/audit/"))
    assert "李四" in own  # their own reveal, though 李四 is in another community


def test_another_users_own_actions_stay_theirs(cast, client_for):
    audit.record(action=AuditEntry.Action.LOGIN, obj=None, acting_user=cast.comm_a_sec)
    r = client_for(cast.comm_b_sec).get(f"/audit/?actor={cast.comm_a_sec.pk}")
    page = r.content.decode()
    assert "comm_a_sec" not in page and "没有记录" in page  # not even the name of a guessed id


def test_an_outsider_sees_no_ones_audit(cast, client_for):
    page = _rows(client_for(cast.outsider).get("/audit/"))
    assert "没有记录" in page
    assert "张三" not in page and "李四" not in page


def test_a_plain_member_does_not_see_the_audit_of_their_branch(cast, client_for):
    page = _rows(client_for(cast.member_user).get("/audit/"))
    assert "文化东路第一楼栋党支部" not in page


def test_nonsense_parameters_show_nothing_rather_than_everything(cast, client_for):
    c = client_for(cast.comm_a_sec)
    for query in ("?ct=abc&id=1", "?actor=abc", "?actor=-1"):
        r = c.get(f"/audit/{query}")
        assert r.status_code == 200 and "没有记录" in r.content.decode(), query


def test_the_audit_needs_a_login(cast):
    r = Client().get("/audit/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_the_audit_link_include_points_at_the_objects_history(cast, client_for):
    html = render_to_string("core/audit_link.html", {"obj": cast.member_a})
    ct = ContentType.objects.get_for_model(Member)
    assert "修改记录" in html
    assert f"/audit/?ct={ct.pk}&amp;id={cast.member_a.pk}" in html
    href = html.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert "新增" in _rows(client_for(cast.comm_a_sec).get(href))


def test_the_audit_page_costs_the_same_queries_for_5_and_50_entries(
    cast, client_for, django_assert_num_queries
):
    c = client_for(cast.comm_a_sec)
    url = _member_audit_url(cast.member_a)
    actors = [cast.branch_sec, cast.comm_a_sec, cast.street_sec, None]

    def grow_to(n: int) -> None:
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Member), object_id=str(cast.member_a.pk)
        )
        i = entries.count()
        while i < n:
            audit.record(
                action=AuditEntry.Action.UPDATE,
                obj=cast.member_a,
                acting_user=actors[i % len(actors)],
                changes={"phone": {"before": str(i), "after": str(i + 1)}},
            )
            i += 1

    grow_to(5)
    c.get(url)  # warm the content-type cache
    # session, user (with profile, devices and own member record: accounts.backends), the
    # reader's grants, paginator count, the page of entries with actor and content type.
    # + the names of linked records (the member's organisation), one query per linked model.
    # The session is not rewritten: it was renewed within the minute (IdleSessionMiddleware).
    with django_assert_num_queries(5):
        r = c.get(url)
    assert r.content.decode().count("<tr>") == 5 + 1
    grow_to(50)
    with django_assert_num_queries(5):
        r = c.get(url)
    assert r.content.decode().count("<tr>") == 50 + 1
