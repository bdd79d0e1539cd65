"""The charity part of the demo, run on the test cast's community: a stocked shop with
donations of every kind over a year, hand-outs to households, one voided mistake — and the
stock always equal to what went in minus what went out."""

from __future__ import annotations

import random

from django.db.models import Q, Sum
from django.utils import timezone

from dangjian.charity.models import Item, Movement
from dangjian.demo.charity import build_charity
from dangjian.demo.county import Community, Demo
from dangjian.orgs.models import PlaceKind, ResidentUnit
from tests.factories import make_member, make_place


def test_the_demo_stocks_a_shop_with_every_kind_of_donor_and_hands_out_to_households(cast):
    for i in range(3):
        make_place(
            parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name=f"{i}室"
        )
        ResidentUnit.objects.create(name=f"单位{i}", kind="enterprise", community=cast.comm_a)
        make_member(org=cast.branch_a)
    demo = Demo(
        cast.county,
        [],
        [Community(spec=None, town=cast.street_a, org=cast.comm_a)],
        cast.admin,
        timezone.localdate(),
        random.Random(1),
    )
    build_charity(demo, log=lambda s: None)
    moves = Movement.objects.filter(item__community=cast.comm_a)
    assert set(moves.values_list("donor_kind", flat=True)) >= {"unit", "member", "resident"}
    assert moves.filter(direction="out", household__isnull=False).count() >= 5
    assert moves.filter(voids__isnull=False).count() == 1
    today = timezone.localdate()
    assert not moves.filter(date__gt=today).exists()
    assert moves.filter(date__lt=today.replace(year=today.year - 1)).count() == 0
    for item in Item.objects.filter(community=cast.comm_a):
        s = item.movements.aggregate(
            i=Sum("quantity", filter=Q(direction="in")),
            o=Sum("quantity", filter=Q(direction="out")),
        )
        assert item.stock == (s["i"] or 0) - (s["o"] or 0) >= 0
