"""``dangjian gencity``: a synthetic city whose rows look exactly like the services' rows."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from dangjian.accounts.models import Grant
from dangjian.core import crypto, idcard
from dangjian.core.search import search_key
from dangjian.demo.city import BENCH_STREET_USER, plan_sizes
from dangjian.members.models import Member, MemberCategory, MemberEvent, State
from dangjian.members.selectors import members_visible
from dangjian.orgs.models import Organisation, OrgKind, Place, PlaceKind
from dangjian.orgs.services import org_create

from ..factories import make_member


@pytest.fixture
def city(db):
    out = StringIO()
    call_command("gencity", "--members", "300", "--seed", "5", stdout=out)
    return out.getvalue()


def test_plan_sizes_add_up_to_the_members_asked_for():
    import random

    for n in (1, 45, 300, 100_000):
        plan = plan_sizes(n, random.Random(3))
        assert sum(sum(c) for c in plan) == n
    sizes = [s for c in plan_sizes(100_000, random.Random(3)) for s in c]
    assert 25 <= sum(sizes) / len(sizes) <= 65


def test_it_builds_the_number_of_members_asked_for(city):
    assert "300 名党员" in city
    assert Member.objects.count() == 300
    assert Organisation.objects.filter(kind=OrgKind.STREET).exists()
    assert Place.objects.filter(kind=PlaceKind.HOUSEHOLD).aggregate(n=Sum("population"))["n"] > 0


def test_its_paths_are_what_the_services_would_have_written(city):
    by_pk = {o.pk: o for o in Organisation.objects.all()}
    for org in by_pk.values():
        parent_path = by_pk[org.parent_id].path if org.parent_id else ""
        assert org.path == f"{parent_path}{org.pk:07d}/"
        assert org.depth == org.path.count("/") - 1
    places = {p.pk: p for p in Place.objects.all()}
    for place in places.values():
        parent_path = places[place.parent_id].path if place.parent_id else ""
        assert place.path == f"{parent_path}{place.pk:07d}/"


def test_its_members_look_like_registered_members(city):
    for m in Member.objects.prefetch_related("events", "categories")[:50]:
        number = crypto.decrypt(m.id_cipher)
        idcard.parse(number)  # valid checksum, birth date
        assert m.id_hash == crypto.blind_index(number)
        assert m.id_masked == idcard.mask(number)
        assert m.search_key == search_key(m.name)
        last = sorted(m.events.all(), key=lambda e: (e.date, e.seq))[-1]
        assert (last.org_id, last.status, last.state, last.mode) == (
            m.org_id,
            m.status,
            m.state,
            m.mode,
        )
        assert sorted(last.categories) == sorted(c.category for c in m.categories.all())
    assert not Member.objects.annotate(n=Count("events")).filter(n=0).exists()
    assert MemberCategory.objects.exists() and MemberEvent.objects.count() > 300
    assert Member.objects.exclude(state=State.ACTIVE).count() < 300 * 0.1


def test_it_makes_a_street_secretary_who_sees_that_street(city):
    grant = Grant.objects.get(user__username=BENCH_STREET_USER)
    assert grant.org.kind == OrgKind.STREET
    visible = members_visible(user=grant.user)
    assert visible.exists()
    assert all(m.org.path.startswith(grant.org.path) for m in visible.select_related("org"))


def test_the_services_keep_working_after_it(city):
    """Keys were chosen by the generator: the database's sequences must have moved past them."""
    street = Organisation.objects.filter(kind=OrgKind.STREET).first()
    community = org_create(
        parent=street, acting_user=None, kind=OrgKind.COMMUNITY_BRANCH, name="新社区", code="NEW"
    )
    assert community.path.startswith(street.path)
    member = make_member(org=community)
    assert member.pk > max(Member.objects.exclude(pk=member.pk).values_list("pk", flat=True))


def test_a_second_city_goes_next_to_the_first(city):
    call_command("gencity", "--members", "50", "--seed", "6", stdout=StringIO())
    assert Member.objects.count() == 350
    assert Organisation.objects.filter(parent__isnull=True).count() == 2
