"""Roles: an administrator grants and revokes roles on the organisations under them, audited;
nobody else reaches the page, and nothing outside the administrator's subtree can be touched."""

from __future__ import annotations

import pytest

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from tests.factories import make_org


@pytest.fixture
def comm_a_admin(cast):
    """comm_a_sec is also the administrator of comm_a."""
    Grant.objects.create(user=cast.comm_a_sec, org=cast.comm_a, role=Grant.Role.ADMIN)
    forget_scope(cast.comm_a_sec)
    return cast.comm_a_sec


def test_an_administrator_grants_a_role_on_their_subtree(cast, comm_a_admin, client_for):
    c = client_for(comm_a_admin)
    r = c.post(
        "/accounts/roles/",
        {"username": "outsider", "org": cast.branch_a_2.pk, "role": Grant.Role.SECRETARY},
    )
    assert r.status_code == 302
    grant = Grant.objects.get(user=cast.outsider)
    assert (grant.org, grant.role) == (cast.branch_a_2, Grant.Role.SECRETARY)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, content_type__model="grant")
    assert entry.actor == comm_a_admin and entry.scope_path == cast.branch_a_2.path
    forget_scope(cast.outsider)
    assert Member.objects.visible_to(cast.outsider).count() == 0  # branch_a_2 has no members
    page = c.get("/accounts/roles/").content.decode()
    assert "outsider" in page and "文化东路离退休党支部" in page


def test_an_administrator_cannot_grant_outside_their_subtree(cast, comm_a_admin, client_for):
    r = client_for(comm_a_admin).post(
        "/accounts/roles/",
        {"username": "outsider", "org": cast.comm_b.pk, "role": Grant.Role.ADMIN},
    )
    assert r.status_code == 200
    assert "只能在您管理的组织及其下级组织中授权" in r.content.decode()
    assert not Grant.objects.filter(user=cast.outsider).exists()


def test_the_org_choices_are_only_the_administrators_subtree(cast, comm_a_admin, client_for):
    page = client_for(comm_a_admin).get("/accounts/roles/").content.decode()
    assert "文化东路第一楼栋党支部" in page
    assert "迎宾路社区党总支" not in page and "团结路社区党总支" not in page


def test_an_unknown_username_is_explained_and_what_was_typed_is_kept(
    cast, comm_a_admin, client_for
):
    r = client_for(comm_a_admin).post(
        "/accounts/roles/", {"username": "wangwu", "org": cast.branch_a.pk, "role": "viewer"}
    )
    text = r.content.decode()
    assert "没有用户名为“wangwu”的有效账号" in text and 'value="wangwu"' in text
    assert f'value="{cast.branch_a.pk}" selected' in text


def test_the_same_grant_twice_is_explained(cast, comm_a_admin, client_for):
    r = client_for(comm_a_admin).post(
        "/accounts/roles/",
        {"username": "branch_a_sec", "org": cast.branch_a.pk, "role": Grant.Role.SECRETARY},
    )
    assert "已经是" in r.content.decode()
    assert Grant.objects.filter(user=cast.branch_sec).count() == 1


def test_an_administrator_revokes_a_grant_in_their_subtree(cast, comm_a_admin, client_for):
    grant = Grant.objects.get(user=cast.branch_sec)
    r = client_for(comm_a_admin).post(f"/accounts/roles/{grant.pk}/revoke/")
    assert r.status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, content_type__model="grant")
    assert entry.changes["role"]["before"] == "secretary"
    assert entry.scope_path == cast.branch_a.path


def test_a_grant_outside_the_subtree_cannot_be_revoked_or_seen(cast, comm_a_admin, client_for):
    foreign = Grant.objects.get(user=cast.comm_b_sec)
    c = client_for(comm_a_admin)
    assert c.post(f"/accounts/roles/{foreign.pk}/revoke/").status_code == 404
    assert Grant.objects.filter(pk=foreign.pk).exists()
    assert "comm_b_sec" not in c.get("/accounts/roles/").content.decode()
    # The street grant sits above comm_a: not the community administrator's to revoke.
    street = Grant.objects.get(user=cast.street_sec)
    assert c.post(f"/accounts/roles/{street.pk}/revoke/").status_code == 404


def test_nobody_revokes_their_own_grant(cast, comm_a_admin, client_for):
    own = Grant.objects.get(user=comm_a_admin, role=Grant.Role.ADMIN)
    c = client_for(comm_a_admin)
    r = c.post(f"/accounts/roles/{own.pk}/revoke/", follow=True)
    assert "不能撤销自己的授权" in r.content.decode()
    assert Grant.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("who", ["comm_a_sec", "street_sec", "member_user", "outsider"])
def test_only_administrators_reach_the_roles_page(cast, client_for, who):
    c = client_for(getattr(cast, who))
    assert c.get("/accounts/roles/").status_code == 404
    grant = Grant.objects.get(user=cast.branch_sec)
    assert c.post(f"/accounts/roles/{grant.pk}/revoke/").status_code == 404
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_a_superuser_manages_every_grant(cast, client_for):
    page = client_for(cast.admin).get("/accounts/roles/").content.decode()
    assert "comm_a_sec" in page and "comm_b_sec" in page


def test_the_roles_list_costs_the_same_queries_for_5_and_50_grants(
    cast, comm_a_admin, client_for, django_assert_num_queries
):
    c = client_for(comm_a_admin)

    def grow_to(n: int) -> None:
        while Grant.objects.filter(org__path__startswith=cast.comm_a.path).count() < n:
            org = make_org(parent=cast.comm_a)
            Grant.objects.create(user=cast.outsider, org=org, role=Grant.Role.VIEWER)

    grow_to(5)
    c.get("/accounts/roles/")  # warm the content-type cache
    # session, user (with profile, devices and own member record: accounts.backends), admin
    # paths, paginator count, org choices, the navigation's grants, the page of grants (with
    # user and org). The session is not rewritten: it was renewed within the minute.
    with django_assert_num_queries(6):
        assert c.get("/accounts/roles/").status_code == 200
    grow_to(50)
    with django_assert_num_queries(6):
        assert c.get("/accounts/roles/").status_code == 200
