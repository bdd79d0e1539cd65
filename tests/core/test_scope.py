"""The one place access is decided: scopes follow the tree."""

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope, scope_for
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation


def names(qs):
    return sorted(o.name for o in qs)


def test_a_street_secretary_reaches_everything_under_the_street_and_nothing_else(cast):
    seen = Organisation.objects.visible_to(cast.street_sec)
    assert cast.comm_a in seen and cast.comm_a2 in seen and cast.group_a in seen
    assert cast.comm_b not in seen and cast.county not in seen
    assert set(Member.objects.visible_to(cast.street_sec)) == {cast.member_a}


def test_a_community_secretary_does_not_reach_the_neighbouring_community(cast):
    assert cast.comm_a2 not in Organisation.objects.visible_to(cast.comm_a_sec)
    assert list(Member.objects.visible_to(cast.comm_b_sec)) == [cast.member_b]


def test_a_member_reaches_only_their_own_record_and_their_own_branch(cast):
    assert list(Member.objects.visible_to(cast.member_user)) == [cast.member_a]
    assert list(Member.objects.changeable_by(cast.member_user)) == []
    assert list(Organisation.objects.visible_to(cast.member_user)) == [cast.branch_a]


def test_an_outsider_reaches_nothing(cast):
    assert not Organisation.objects.visible_to(cast.outsider).exists()
    assert not Member.objects.visible_to(cast.outsider).exists()


def test_a_viewer_reads_but_does_not_change(cast):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    assert list(Member.objects.visible_to(cast.outsider)) == [cast.member_a]
    assert not Member.objects.changeable_by(cast.outsider).exists()


def test_nested_grants_collapse_to_the_top_one(cast):
    Grant.objects.create(user=cast.street_sec, org=cast.comm_a, role=Grant.Role.SECRETARY)
    forget_scope(cast.street_sec)
    assert scope_for(cast.street_sec).view_paths == (cast.street_a.path,)


def test_a_deactivated_user_reaches_nothing(cast):
    cast.comm_a_sec.is_active = False
    assert not Member.objects.visible_to(cast.comm_a_sec).exists()


def test_the_scope_of_a_user_loaded_with_their_grants_is_the_scope_read_apart(cast):
    """The request's user carries their grants (accounts.backends ``_grants``): the scope made
    from them equals the one read from the grants table, for several grants, a grant on an
    inactive organisation, none at all, and after ``forget_scope``."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts.backends import ModelBackend

    Grant.objects.create(user=cast.street_sec, org=cast.comm_b, role=Grant.Role.VIEWER)
    Grant.objects.create(user=cast.street_sec, org=cast.county, role=Grant.Role.VIEWER)
    Organisation.objects.filter(pk=cast.county.pk).update(is_active=False)
    users = [cast.street_sec, cast.comm_a_sec, cast.member_user, cast.outsider]
    for user in users:
        apart = scope_for(get_user_model().objects.get(pk=user.pk))
        loaded = ModelBackend().get_user(user.pk)
        with CaptureQueriesContext(connection) as ctx:
            assert scope_for(loaded) == apart, user
        assert not ctx.captured_queries, user
    loaded = ModelBackend().get_user(cast.street_sec.pk)
    scope_for(loaded)
    Grant.objects.filter(user=cast.street_sec, org=cast.comm_b).delete()
    forget_scope(loaded)
    assert cast.comm_b.path not in scope_for(loaded).view_paths
    assert cast.comm_b.path not in scope_for(ModelBackend().get_user(cast.street_sec.pk)).view_paths
