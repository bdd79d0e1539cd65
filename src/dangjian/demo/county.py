"""Build the demo county of seed 002 through the real services, so its audit trail is real.

``build_demo()`` makes the organisation tree, the places (grids, buildings, corridors and
households holding the county's 26,620 residents), which branch covers which building and which
group which corridor, then the people (``people.py``). It is deterministic: a fixed random seed and
fixed dates, except office terms, which are placed around the day of the build so that the demo
always shows one term overdue and one about to end.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from dangjian.orgs.models import Organisation, OrgKind, Place, PlaceKind
from dangjian.orgs.services import org_cover_places, org_create, place_create

from . import care, checkin, cobuild, commitments, development, dues, meetings, people
from .spec import COUNTY_CODE, COUNTY_NAME, TOWNS, CommunitySpec

SEED = 2026_0002
#: The day the demo's history runs up to (member timelines); never later than today.
ANCHOR = dt.date(2026, 6, 30)
#: Average people per household in the demo's towns (invented, close to China's 2020 census).
PEOPLE_PER_HOUSEHOLD = 2.8


@dataclass
class Building:
    place: Place
    grid_no: int
    corridors: list[Place] = field(default_factory=list)
    households: list[Place] = field(default_factory=list)


@dataclass
class Community:
    spec: CommunitySpec
    town: Organisation
    org: Organisation
    place: Place | None = None
    branches: list[Organisation] = field(default_factory=list)  # holding members, in spec order
    retired_branch: Organisation | None = None
    buildings: list[Building] = field(default_factory=list)
    branch_buildings: dict[int, list[Building]] = field(default_factory=dict)  # branch pk →
    groups: list[Organisation] = field(default_factory=list)


@dataclass
class Demo:
    county: Organisation
    towns: list[Organisation]
    communities: list[Community]
    admin: object
    anchor: dt.date
    rng: random.Random


def is_built() -> bool:
    return Organisation.objects.filter(code=COUNTY_CODE).exists()


def _today() -> dt.date:
    return dt.date.today()


def build_demo(*, log: Callable[[str], None] = lambda s: None) -> Demo:
    """Build the whole county in one transaction (fast on SQLite, all-or-nothing everywhere)."""
    with transaction.atomic():
        rng = random.Random(SEED)
        admin = people.ensure_admin()
        anchor = min(ANCHOR, _today())
        county = org_create(
            parent=None,
            acting_user=admin,
            kind=OrgKind.COUNTY,
            name=COUNTY_NAME,
            short_name="示例县",
            code=COUNTY_CODE,
        )
        demo = Demo(county, [], [], admin, anchor, rng)
        t0 = time.perf_counter()
        _orgs(demo)
        log("组织体系：1 个县委、3 个镇党委、8 个社区党组织")
        for c in demo.communities:
            _places(demo, c)
            _coverage(demo, c)
        households = Place.objects.filter(
            community__path__startswith=county.path, kind=PlaceKind.HOUSEHOLD
        ).count()
        log(
            f"区域：{households} 户，居民合计 {people.residents_total(county)} 人"
            f"（{time.perf_counter() - t0:.1f} 秒）"
        )
        people.build_people(demo, log=log)
        _analyze()
        t0 = time.perf_counter()
        meetings.build_meetings(demo, log=log)
        log(f"（组织生活用时 {time.perf_counter() - t0:.1f} 秒）")
        _analyze()  # the meetings and attendance just written: later steps count them
        development.build_development(demo, log=log)
        commitments.build_commitments(demo, log=log)
        commitments.build_posts_and_volunteering(demo, log=log)
        cobuild.build_cobuild(demo, log=log)
        dues.build_dues(demo, log=log)
        checkin.build_checkins(demo, log=log)
        care.build_care(demo, log=log)
        from . import servicedesk as servicedesk_demo

        servicedesk_demo.build_servicedesk(demo, log=log)
        from . import charity as charity_demo

        charity_demo.build_charity(demo, log=log)
        from . import jobs as jobs_demo
        from . import training as training_demo

        jobs_demo.build_jobs(demo, log=log)
        training_demo.build_training(demo, log=log)
        from . import households as households_demo

        households_demo.build_households(demo, log=log)
        from . import grid as grid_demo
        from . import mediation as mediation_demo
        from . import rentals as rentals_demo

        grid_demo.build_grid(demo, log=log)
        from . import grid_visits as grid_visits_demo

        grid_visits_demo.build_grid_visits(demo, log=log)
        mediation_demo.build_mediation(demo, log=log)
        rentals_demo.build_rentals(demo, log=log)
        from . import funds as funds_demo

        funds_demo.build_funds(demo, log=log)
        from . import admission as admission_demo

        admission_demo.build_admission(demo, log=log)
        from . import venues as venues_demo

        venues_demo.build_venues(demo, log=log)
        from . import staff_training as staff_training_demo

        staff_training_demo.build_staff_training(demo, log=log)
        from . import assessment_demo, awards_demo, inspections_demo, targets_demo

        assessment_demo.build(demo, log=log)
        inspections_demo.build(demo, log=log)
        targets_demo.build(demo, log=log)
        awards_demo.build(demo, log=log)
        from . import memberapp_demo, notices_demo, openness_demo

        notices_demo.build(demo, log=log)
        openness_demo.build(demo, log=log)
        memberapp_demo.build(demo, log=log)
    return demo


def _analyze() -> None:
    """Let PostgreSQL's planner see the rows just written (inside this transaction autovacuum
    cannot): without statistics it joins tens of thousands of places by nested loops and the
    meetings step takes minutes instead of seconds. SQLite needs nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _orgs(demo: Demo) -> None:
    admin = demo.admin
    for ti, town_spec in enumerate(TOWNS, start=1):
        town = org_create(
            parent=demo.county,
            acting_user=admin,
            kind=OrgKind.TOWN,
            name=f"{town_spec.name}党委",
            short_name=town_spec.name,
            code=f"{COUNTY_CODE}-T{ti}",
            is_county_seat=town_spec.is_county_seat,
        )
        demo.towns.append(town)
        for ci, spec in enumerate(town_spec.communities, start=1):
            org = org_create(
                parent=town,
                acting_user=admin,
                kind=spec.kind,
                name=spec.org_name,
                short_name=spec.name,
                code=f"{town.code}-C{ci}",
                is_county_seat=town_spec.is_county_seat,
                # seed 002: the communities were merged from 10 into 8
                established_on=dt.date(2015, 3, 1),
                sort=ci,
            )
            community = Community(spec=spec, town=town, org=org)
            for bi, b in enumerate(spec.branches, start=1):
                branch = org_create(
                    parent=org,
                    acting_user=admin,
                    kind=b.kind,
                    name=f"{spec.name}{b.suffix}",
                    short_name=b.suffix,
                    code=f"{org.code}-B{bi}",
                    established_on=dt.date(2015, 6, 1),
                    sort=bi,
                )
                community.branches.append(branch)
                if not b.grids:
                    community.retired_branch = branch
            if not spec.branches:
                # a community branch (社区党支部) holds its members itself; groups sit below it
                community.branches.append(org)
            demo.communities.append(community)


def _places(demo: Demo, c: Community) -> None:
    """Grids, buildings, corridors and households whose populations sum to the community's."""
    rng, admin, spec = demo.rng, demo.admin, c.spec
    c.place = place_create(
        parent=None,
        community=c.org,
        acting_user=admin,
        kind=PlaceKind.COMMUNITY,
        name=spec.name,
        address=f"{c.town.short_name}{spec.short}",
    )
    target = round(spec.residents / PEOPLE_PER_HOUSEHOLD)
    # households per building ≈ 3 corridors × 6 floors × 2 flats
    n_buildings = max(spec.grids, round(target / 36))
    plan: list[tuple[int, list[int]]] = []  # (grid, households per corridor)
    made = 0
    for i in range(n_buildings):
        corridors = rng.choice((2, 3, 3, 4))
        floors = [rng.choice((4, 5, 6, 6, 7)) * 2 for _ in range(corridors)]
        plan.append((1 + i * spec.grids // n_buildings, floors))
        made += sum(floors)
    # trim or grow the last corridors so the household count meets the target exactly
    while made != target:
        grid, floors = plan[rng.randrange(len(plan))]
        j = rng.randrange(len(floors))
        step = 1 if made < target else -1
        if 4 <= floors[j] + step <= 18:
            floors[j] += step
            made += step
    sizes = _household_sizes(rng, target, spec.residents)
    grids = {
        g: place_create(
            parent=c.place,
            community=c.org,
            acting_user=admin,
            kind=PlaceKind.GRID,
            name=f"第{g}网格",
            address=c.place.address,
        )
        for g in range(1, spec.grids + 1)
    }
    k = 0
    for no, (grid_no, floors) in enumerate(plan, start=1):
        address = f"{c.place.address}{no}号楼"
        building = Building(
            place_create(
                parent=grids[grid_no],
                community=c.org,
                acting_user=admin,
                kind=PlaceKind.BUILDING,
                name=f"{no}号楼",
                address=address,
            ),
            grid_no,
        )
        for u, flats in enumerate(floors, start=1):
            corridor = place_create(
                parent=building.place,
                community=c.org,
                acting_user=admin,
                kind=PlaceKind.CORRIDOR,
                name=f"{no}号楼{u}单元",
                address=f"{address}{u}单元",
            )
            building.corridors.append(corridor)
            for f in range(flats):
                room = f"{f // 2 + 1}0{f % 2 + 1}"
                building.households.append(
                    place_create(
                        parent=corridor,
                        community=c.org,
                        acting_user=admin,
                        kind=PlaceKind.HOUSEHOLD,
                        name=f"{no}号楼{u}单元{room}室",
                        address=f"{address}{u}单元{room}室",
                        population=sizes[k],
                    )
                )
                k += 1
        c.buildings.append(building)


def _household_sizes(rng: random.Random, households: int, residents: int) -> list[int]:
    """Household sizes of 1–6 people summing to ``residents`` exactly."""
    sizes = rng.choices((1, 2, 3, 4, 5, 6), weights=(18, 30, 27, 14, 7, 4), k=households)
    total = sum(sizes)
    while total != residents:
        i = rng.randrange(households)
        step = 1 if total < residents else -1
        if 1 <= sizes[i] + step <= 6:
            sizes[i] += step
            total += step
    return sizes


def _coverage(demo: Demo, c: Community) -> None:
    """Branches cover their grids' buildings, one group per building covers its corridors.

    A few gaps are left on purpose, so the coverage view has something to show: in 文化西路社区 of
    the county seat a whole grid has no branch, every community has one building no branch covers,
    and about one corridor in ten has no group.
    """
    rng, admin, spec = demo.rng, demo.admin, c.spec
    org_cover_places(org=c.org, places=[c.place], acting_user=admin)
    uncovered = rng.choice(c.buildings)
    if spec.branches:
        owners = [(b, s.grids) for b, s in zip(c.branches, spec.branches, strict=True) if s.grids]
    else:
        owners = [(c.org, tuple(range(1, spec.grids + 1)))]
    for branch, grids in owners:
        mine = [b for b in c.buildings if b.grid_no in grids and b is not uncovered]
        c.branch_buildings[branch.pk] = mine
        if branch.kind == OrgKind.GRID_BRANCH:
            grid_places = {b.place.parent for b in mine}
            org_cover_places(
                org=branch, places=sorted(grid_places, key=lambda p: p.pk), acting_user=admin
            )
        org_cover_places(org=branch, places=[b.place for b in mine], acting_user=admin)
        for gi, building in enumerate(mine, start=1):
            corridors = list(building.corridors)
            if len(corridors) > 1 and rng.random() < 0.3:
                corridors.pop()  # the last corridor of this building has no group yet
            group = org_create(
                parent=branch,
                acting_user=admin,
                kind=OrgKind.GROUP,
                name=f"{spec.short}{building.place.name}党小组",
                short_name=f"{building.place.name}党小组",
                code=f"{branch.code}-G{gi}",
                sort=gi,
            )
            org_cover_places(org=group, places=corridors, acting_user=admin)
            c.groups.append(group)


def reset_demo() -> None:
    """Empty the database (the demo database only — ``demo --reset`` checks that first)."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


def foreign_data() -> bool:
    """Whether the database holds organisations that are not part of the demo county."""
    county = Organisation.objects.filter(code=COUNTY_CODE).first()
    others = Organisation.objects.all()
    if county:
        others = others.exclude(path__startswith=county.path)
    users = get_user_model().objects.exclude(username__in=[a.username for a in people.ACCOUNTS])
    return others.exists() or users.exists()
