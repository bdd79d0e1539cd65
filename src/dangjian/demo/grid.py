"""The demo county's grid areas and their people (issue 16 item 1, seed 002 一人一片、责任到人).

Every grid area of every community gets its 包片干部 — each with a login account
(``<community code, lower case>_grid<n>``, the demo password) — and its 社情联络员, some of them
party members of the community. The county's 26,620 residents make areas of about a thousand
residents, so the 1:500 rules are visibly met in some areas and not in others, in turn:

* two areas of four have as many cadres and liaisons as the rules ask;
* the third is one cadre short (each area still has at least one);
* the fourth has enough cadres but one liaison too few.

One former liaison per community (ended last year) shows an area's history. All names are
invented; the writes go through the real service, so the audit trail is real."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from dangjian.accounts.models import Profile
from dangjian.core.access import subtree_q
from dangjian.grid import selectors_areas as sel
from dangjian.grid import services_areas as services
from dangjian.grid.models import DutyRole
from dangjian.members.models import Member
from dangjian.orgs.models import Place, PlaceKind

from . import names
from .spec import PASSWORD

if TYPE_CHECKING:
    from .county import Demo

#: Its own random stream, so adding this step does not shift what the other steps build.
SEED = 2026_0161
SINCE = dt.date(2025, 3, 1)


def username_for(community_code: str, n: int) -> str:
    return f"{community_code.lower()}_grid{n}"


def build_grid(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    admin = demo.admin
    User = get_user_model()
    # one hash for every cadre account: the same demo password, hashed once (Argon2 is slow on
    # purpose; 70 hashes would add half a minute to the build)
    password = make_password(PASSWORD)
    today = timezone.localdate()
    accounts = cadres = liaisons = short = n_areas = 0
    i = 0
    for c in demo.communities:
        areas = sel.figures(
            Place.objects.filter(community=c.org, kind=PlaceKind.GRID).order_by("path"),
            on=today,
            people=False,
        )
        members = list(
            Member.objects.filter(subtree_q("org__path", c.org.path))
            .order_by("pk")
            .values_list("pk", flat=True)[:40]
        )
        rng.shuffle(members)
        n = 0
        for f in areas:
            need_c, need_l = f.cadres_needed, f.liaisons_needed
            if i % 4 == 2:
                need_c = max(1, need_c - 1)
            elif i % 4 == 3:
                need_l = max(0, need_l - 1)
            i += 1
            for _k in range(need_c):
                n += 1
                gender = rng.choice("MF")
                user = User.objects.create(
                    username=username_for(c.org.code, n), password=password, is_active=True
                )
                name = names.han_name(rng, gender)
                Profile.objects.create(user=user, display_name=name)
                accounts += 1
                services.duty_assign(
                    acting_user=admin,
                    area=f.area,
                    role=DutyRole.CADRE,
                    user=user,
                    name=name,
                    since=SINCE,
                )
                cadres += 1
            for k in range(need_l):
                member = members.pop() if members and k == 0 else None
                services.duty_assign(
                    acting_user=admin,
                    area=f.area,
                    role=DutyRole.LIAISON,
                    member=member,
                    name="" if member else names.han_name(rng, rng.choice("MF")),
                    since=SINCE,
                )
                liaisons += 1
            n_areas += 1
        if areas:
            services.duty_assign(
                acting_user=admin,
                area=areas[0].area,
                role=DutyRole.LIAISON,
                name=names.han_name(rng, rng.choice("MF")),
                since=dt.date(2023, 3, 1),
                until=dt.date(2025, 2, 28),
            )
    short = sum(
        f.short
        for f in sel.figures(
            Place.objects.filter(
                subtree_q("community__path", demo.county.path), kind=PlaceKind.GRID
            ),
            on=today,
            people=False,
        )
    )
    log(
        f"网格：{n_areas} 个片区，包片干部 {cadres} 名（各有账号，{accounts} 个），"
        f"社情联络员 {liaisons} 名；{short} 个片区不达标"
    )
