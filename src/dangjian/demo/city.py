"""A synthetic city for scale tests: district → streets → communities → branches → groups, the
places they cover, and members with categories and timelines — 1,000,000 members if asked.

Rows go in in chunks (COPY on PostgreSQL, executemany on SQLite), not through the services or
even the ORM: a million audited service calls would take hours, and the point here is volume, not
history. Primary keys are allocated up
front (after the current maximum), so materialised paths are complete on the first write; the
ID-number cipher, blind index and search key are computed the same way the services do
(``core.crypto``, ``core.search``). Nothing is audited; the audit trail of a generated city is
empty by design. Work is committed chunk by chunk, so an interrupted run leaves a partial city.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core import crypto, idcard, rules
from dangjian.core.search import search_key
from dangjian.members.models import (
    Category,
    Education,
    EventKind,
    Member,
    MemberCategory,
    MemberEvent,
    Mode,
    State,
    Status,
)
from dangjian.orgs.models import Organisation, OrgKind, Place, PlaceKind
from dangjian.orgs.services import PATH_STEP

from . import names
from .bulk import Stats, Table, Writer

BENCH_PASSWORD = "bench-Pass-2026"
BENCH_STREET_USER = "bench_street"
BENCH_ADMIN_USER = "bench_admin"

MEMBERS_PER_BRANCH = (30, 60)
BRANCHES_PER_COMMUNITY = (4, 8)
COMMUNITIES_PER_STREET = 10
HOUSEHOLDS_PER_CORRIDOR = (6, 10)
#: History runs up to this day (as in the demo), so a seed gives the same city on any day.
ANCHOR = dt.date(2026, 6, 30)

Through = Organisation.places.through

# plain strings (not enum members) for the rows, whatever the driver makes of str subclasses
COUNTY, STREET, GROUP, BRANCH = (
    OrgKind.COUNTY.value,
    OrgKind.STREET.value,
    OrgKind.GROUP.value,
    OrgKind.BRANCH.value,
)
COMMUNITY_COMMITTEE = OrgKind.COMMUNITY_COMMITTEE.value
GENERAL_BRANCH, COMMUNITY_BRANCH = OrgKind.GENERAL_BRANCH.value, OrgKind.COMMUNITY_BRANCH.value
GRID_BRANCH, BUILDING_BRANCH = OrgKind.GRID_BRANCH.value, OrgKind.BUILDING_BRANCH.value
PLACE_COMMUNITY, GRID, BUILDING = (
    PlaceKind.COMMUNITY.value,
    PlaceKind.GRID.value,
    PlaceKind.BUILDING.value,
)
CORRIDOR, HOUSEHOLD = PlaceKind.CORRIDOR.value, PlaceKind.HOUSEHOLD.value
RETIRED, ELDERLY, DIFFICULTY = (
    Category.RETIRED.value,
    Category.ELDERLY.value,
    Category.DIFFICULTY.value,
)
IN_SERVICE = Category.IN_SERVICE.value
WORKING = (IN_SERVICE, Category.UNEMPLOYED.value, Category.MIGRANT.value, Category.GRADUATE.value)
FULL, PROBATIONARY = Status.FULL.value, Status.PROBATIONARY.value
ACTIVE, TRANSFERRED_OUT = State.ACTIVE.value, State.TRANSFERRED_OUT.value
DUAL, SELF = Mode.DUAL.value, Mode.SELF.value
EDUCATION = [e.value for e in Education]
REGISTERED, STATUS_CHANGE = EventKind.REGISTERED.value, EventKind.STATUS_CHANGE.value
TRANSFER_IN, TRANSFER_OUT = EventKind.TRANSFER_IN.value, EventKind.TRANSFER_OUT.value
CATEGORY_CHANGE = EventKind.CATEGORY_CHANGE.value


def seg(pk: int) -> str:
    """One step of a materialised path, exactly as ``orgs.services`` writes it."""
    return f"{pk:0{PATH_STEP}d}/"


@dataclass(frozen=True)
class Node:
    """What the generator keeps of an organisation or place it wrote: enough to hang children."""

    pk: int
    path: str
    depth: int
    name: str
    kind: str


def plan_sizes(members: int, rng: random.Random) -> list[list[int]]:
    """Members per branch, grouped by community: 30–60 a branch, 4–8 branches a community."""
    sizes = [rng.randint(*MEMBERS_PER_BRANCH) for _ in range(max(1, round(members / 45)))]
    total = sum(sizes)
    sizes = [max(1, round(s * members / total)) for s in sizes]
    diff = members - sum(sizes)
    while diff:
        i = rng.randrange(len(sizes))
        step = 1 if diff > 0 else -1
        if sizes[i] + step >= 1:
            sizes[i] += step
            diff -= step
    communities: list[list[int]] = []
    while sizes:
        n = min(len(sizes), rng.randint(*BRANCHES_PER_COMMUNITY))
        communities.append(sizes[:n])
        sizes = sizes[n:]
    return communities


class CityBuilder:
    """Generates the city and writes it in chunks. ``log`` receives progress lines."""

    def __init__(
        self,
        *,
        members: int,
        seed: int = 1,
        chunk: int = 5000,
        log: Callable[[str], None] = lambda s: None,
    ) -> None:
        self.target = members
        self.rng = random.Random(seed)
        self.seed = seed
        self.chunk = chunk
        self.log = log
        self.stats = Stats()
        self.writer = Writer(background=not connection.in_atomic_block, stats=self.stats)
        now = timezone.now()
        self.orgs = Table(Organisation, now)
        self.places = Table(Place, now)
        self.covers = Table(Through, now)
        self.members = Table(Member, now)
        self.categories = Table(MemberCategory, now)
        self.events = Table(MemberEvent, now)
        self.tables = (
            self.orgs,
            self.places,
            self.covers,
            self.members,
            self.categories,
            self.events,
        )
        pg = connection.vendor == "postgresql"
        # dates and JSON as the database driver wants them (what Field.get_db_prep_save does)
        self.day: Callable[[dt.date | None], Any] = (
            (lambda d: d) if pg else (lambda d: d.isoformat() if d else None)
        )
        json_field = MemberEvent._meta.get_field("categories")
        self.json = lambda v: json_field.get_db_prep_save(v, connection)
        self.anchor = min(ANCHOR, timezone.localdate())
        self.members_done = 0
        self.last_report = 0.0
        self.streets: list[Node] = []
        self.taken_hashes = set(Member.objects.values_list("id_hash", flat=True))
        self.id_numbers = names.IdNumbers(self.rng)
        self.probation = rules.value("dev.probation", "years")
        self.min_age = rules.value("dev.min_age", "years")
        self.general_over = rules.value("org.general_branch_threshold", "members_over")
        self.committee_over = rules.value("org.party_committee_threshold", "members_over")
        pool_rng = random.Random(seed + 1)
        # a limited pool of names: realistic repetition, and search keys are computed once each
        self.name_pool = {
            g: sorted({names.han_name(pool_rng, g) for _ in range(4000)}) for g in ("M", "F")
        }
        self.keys = {n: search_key(n) for pool in self.name_pool.values() for n in pool}

    # --- writing ---------------------------------------------------------------------------------

    def maybe_flush(self) -> None:
        if max(len(t.rows) for t in self.tables) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Hand every table's rows to the writer, parents before children."""
        self.writer.put([(t, t.take_rows()) for t in self.tables])
        now = time.perf_counter()
        if now - self.last_report > 2 and self.stats.total:
            self.last_report = now
            self.log(
                f"党员 {self.members_done:,}/{self.target:,}，已写入 {self.stats.total:,} 行，"
                f"{self.stats.rate():,.0f} 行/秒"
            )

    def reset_sequences(self) -> None:
        """PostgreSQL sequences must move past the keys we chose ourselves."""
        sql = connection.ops.sequence_reset_sql(no_style(), [t.model for t in self.tables])
        with connection.cursor() as cur:
            for statement in sql:
                cur.execute(statement)

    # --- building --------------------------------------------------------------------------------

    def org(self, parent: Node | None, kind: str, name: str, **extra: Any) -> Node:
        pk = self.orgs.take_pk()
        node = Node(
            pk,
            (parent.path if parent else "") + seg(pk),
            parent.depth + 1 if parent else 0,
            name,
            kind,
        )
        self.orgs.add(
            id=pk,
            parent_id=parent.pk if parent else None,
            path=node.path,
            depth=node.depth,
            kind=kind,
            name=name,
            code=f"GC{self.seed}-{pk}",
            **extra,
        )
        return node

    def place(self, parent: Node | None, community: Node, kind: str, name: str, **extra) -> Node:
        pk = self.places.take_pk()
        node = Node(
            pk,
            (parent.path if parent else "") + seg(pk),
            parent.depth + 1 if parent else 0,
            name,
            kind,
        )
        self.places.add(
            id=pk,
            parent_id=parent.pk if parent else None,
            path=node.path,
            depth=node.depth,
            kind=kind,
            name=name,
            community_id=community.pk,
            **extra,
        )
        return node

    def cover(self, org: Node, places: list[Node]) -> None:
        for p in places:
            self.covers.add(id=self.covers.take_pk(), organisation_id=org.pk, place_id=p.pk)

    def build(self) -> dict[str, Any]:
        plan = plan_sizes(self.target, self.rng)
        n_streets = max(1, round(len(plan) / COMMUNITIES_PER_STREET))
        self.log(
            f"规模：{n_streets} 个街道、{len(plan)} 个社区、{sum(len(c) for c in plan)} 个支部、"
            f"{self.target:,} 名党员"
        )
        city = self.org(None, COUNTY, f"示例市第{self.seed}区委", short_name="示例区")
        for s in range(n_streets):
            street = self.org(city, STREET, f"第{s + 1}街道党工委", sort=s + 1)
            self.streets.append(street)
            for ci, branch_sizes in enumerate(plan[s::n_streets], start=1):
                self.community(street, ci, branch_sizes)
                self.maybe_flush()
        self.flush()
        self.writer.finish()
        self.log(
            f"党员 {self.members_done:,}/{self.target:,}，已写入 {self.stats.total:,} 行，"
            f"{self.stats.rate():,.0f} 行/秒"
        )
        self.reset_sequences()
        users = self.bench_users()
        return {
            "members": self.target,
            "streets": n_streets,
            "communities": len(plan),
            "branches": sum(len(c) for c in plan),
            "rows": dict(self.stats.rows),
            "seconds": round(time.perf_counter() - self.stats.started, 1),
            "rows_per_second": round(self.stats.rate()),
            "city_id": city.pk,
            "street_id": self.streets[0].pk,
            "users": users,
        }

    def community(self, street: Node, no: int, branch_sizes: list[int]) -> None:
        rng = self.rng
        total = sum(branch_sizes)
        if total > self.committee_over:
            kind, suffix = COMMUNITY_COMMITTEE, "党委"
        elif total > self.general_over:
            kind, suffix = GENERAL_BRANCH, "党总支"
        else:
            kind, suffix = COMMUNITY_BRANCH, "党支部"
        cname = f"{street.name.removesuffix('党工委')}第{no}社区"
        corg = self.org(street, kind, f"{cname}{suffix}", short_name=cname, sort=no)
        root = self.place(None, corg, PLACE_COMMUNITY, cname)
        self.cover(corg, [root])
        grids = [self.place(root, corg, GRID, f"第{g + 1}网格") for g in range(rng.randint(3, 5))]
        building_no = 0
        for bi, size in enumerate(branch_sizes, start=1):
            retired = bi == len(branch_sizes) and len(branch_sizes) > 2
            grid = grids[(bi - 1) % len(grids)]
            covered: list[tuple[Node, list[Node], list[Node]]] = []
            if retired:
                branch = self.org(corg, BRANCH, f"{cname}离退休党支部", sort=bi)
            else:
                kind = GRID_BRANCH if bi % 3 == 0 else BUILDING_BRANCH
                label = "网格" if kind == GRID_BRANCH else "楼栋"
                branch = self.org(corg, kind, f"{cname}第{bi}{label}党支部", sort=bi)
                for _ in range(rng.randint(2, 3)):
                    building_no += 1
                    covered.append(self.building(grid, corg, building_no))
                if kind == GRID_BRANCH:
                    self.cover(branch, [grid])
                # about one building in twelve has no branch: the coverage view lists it
                self.cover(branch, [b for b, _, _ in covered if rng.random() > 0.08])
                for gi, (b, corridors, _) in enumerate(covered, start=1):
                    group = self.org(branch, GROUP, f"{cname}{b.name}党小组", sort=gi)
                    # about one corridor in eight has no group
                    self.cover(group, [c for c in corridors if rng.random() > 0.12])
            households = [h for _, _, hs in covered for h in hs]
            if not households:  # the retirees live all over the community
                building_no += 1
                households = self.building(grid, corg, building_no)[2]
            for _ in range(size):
                self.member(branch, rng.choice(households))

    def building(self, grid: Node, corg: Node, no: int) -> tuple[Node, list[Node], list[Node]]:
        rng = self.rng
        b = self.place(grid, corg, BUILDING, f"{no}号楼")
        corridors, households = [], []
        for u in range(1, rng.randint(2, 4) + 1):
            c = self.place(b, corg, CORRIDOR, f"{no}号楼{u}单元")
            corridors.append(c)
            for f in range(rng.randint(*HOUSEHOLDS_PER_CORRIDOR)):
                room = f"{f // 2 + 1}0{f % 2 + 1}"
                households.append(
                    self.place(
                        c,
                        corg,
                        HOUSEHOLD,
                        f"{no}号楼{u}单元{room}室",
                        population=rng.choice((1, 2, 2, 3, 3, 3, 4, 5)),
                    )
                )
        return b, corridors, households

    # --- members ---------------------------------------------------------------------------------

    def new_id_number(self, born: dt.date, gender: str) -> tuple[str, str]:
        while True:
            number = self.id_numbers.new(birth=born, gender=gender)
            digest = crypto.blind_index(number)
            if digest not in self.taken_hashes:
                return number, digest

    def member(self, branch: Node, household: Node) -> None:
        rng, anchor = self.rng, self.anchor
        gender = "M" if rng.random() < 0.55 else "F"
        if branch.kind == BRANCH or rng.random() < 0.3:
            cats = [RETIRED] + ([ELDERLY] if rng.random() < 0.3 else [])
            born = names.birth_date(rng, 1938, 1964)
        else:
            cats = [rng.choices(WORKING, weights=(70, 10, 10, 10))[0]]
            born = names.birth_date(rng, 1966, 2002)
        if rng.random() < 0.05:
            cats.append(DIFFICULTY)
        cats = sorted(set(cats))
        name = rng.choice(self.name_pool[gender])
        number, digest = self.new_id_number(born, gender)
        earliest = _add_years(born, self.min_age + 1)
        probationary = rng.random() < 0.04
        if probationary:
            joined = max(anchor - dt.timedelta(days=rng.randint(30, 330)), earliest)
        else:
            joined = _between(rng, earliest, anchor - dt.timedelta(days=400))
        full_on = None if probationary else _add_years(joined, self.probation)
        dual = IN_SERVICE in cats and rng.random() < 0.35
        state = TRANSFERRED_OUT if rng.random() < 0.03 else ACTIVE
        status = PROBATIONARY if probationary else FULL
        mode = DUAL if dual else SELF
        pk = self.members.take_pk()
        self.members.add(
            id=pk,
            name=name,
            gender=gender,
            ethnicity="汉族"
            if rng.random() < 0.94
            else rng.choice(("回族", "满族", "蒙古族", "壮族")),
            birth_date=self.day(born),
            id_cipher=crypto.encrypt(number),
            id_hash=digest,
            id_masked=idcard.mask(number),
            education=rng.choice(EDUCATION),
            joined_on=self.day(joined),
            full_on=self.day(full_on),
            status=status,
            state=state,
            mode=mode,
            org_id=branch.pk,
            household_id=household.pk,
            address=household.name,
            work_unit="示例单位" if dual else "",
            search_key=self.keys[name],
        )
        for c in cats:
            self.categories.add(id=self.categories.take_pk(), member_id=pk, category=c)
        self.timeline(pk, branch.pk, cats, joined, full_on, status, state, mode)
        self.members_done += 1

    def timeline(
        self,
        member_id: int,
        org_id: int,
        cats: list[str],
        joined: dt.date,
        full_on: dt.date | None,
        status: str,
        state: str,
        mode: str,
    ) -> None:
        """The events that lead to the member's current row; each event carries the state after."""
        rng, anchor = self.rng, self.anchor
        seq = iter(range(1, 10))
        cats_db = self.json(cats)

        def event(kind: str, day: dt.date, status: str, state: str, **extra: Any) -> None:
            self.events.add(
                id=self.events.take_pk(),
                member_id=member_id,
                kind=kind,
                date=self.day(day),
                seq=next(seq),
                org_id=org_id,
                status=status,
                state=state,
                mode=mode,
                categories=cats_db,
                **extra,
            )

        day: dt.date | None
        if status == PROBATIONARY or rng.random() < 0.5:
            event(REGISTERED, joined, PROBATIONARY, ACTIVE)
            day = full_on
            if full_on:
                event(STATUS_CHANGE, full_on, FULL, ACTIVE)
        else:
            assert full_on is not None
            day = _between(rng, full_on, anchor - dt.timedelta(days=200))
            event(
                TRANSFER_IN,
                day,
                FULL,
                ACTIVE,
                letter_no=f"组转〔{day.year}〕{rng.randint(1, 400):03d}号",
                from_org_name="外区某社区党委",
            )
        if day and len(cats) > 1 and day < anchor - dt.timedelta(days=30):
            day = _between(rng, day + dt.timedelta(days=1), anchor - dt.timedelta(days=20))
            event(CATEGORY_CHANGE, day, status, ACTIVE, note="类别调整")
        if state == TRANSFERRED_OUT:
            day = _between(rng, (day or joined) + dt.timedelta(days=1), anchor)
            event(
                TRANSFER_OUT,
                day,
                status,
                TRANSFERRED_OUT,
                letter_no=f"组转〔{day.year}〕{rng.randint(1, 400):03d}号",
                to_org_name="外区某社区党委",
                letter_valid_until=self.day(day + dt.timedelta(days=90)),
            )

    def bench_users(self) -> list[dict[str, str]]:
        """A street secretary (the first street) and a superuser, to time pages in a scope."""
        User = get_user_model()
        street = Organisation.objects.get(pk=self.streets[0].pk)
        street_user = User.objects.filter(username=BENCH_STREET_USER).first()
        if street_user is None:
            street_user = User.objects.create_user(BENCH_STREET_USER, password=BENCH_PASSWORD)
        Grant.objects.filter(user=street_user).delete()
        Grant.objects.create(user=street_user, org=street, role=Grant.Role.SECRETARY)
        if not User.objects.filter(username=BENCH_ADMIN_USER).exists():
            User.objects.create_superuser(BENCH_ADMIN_USER, password=BENCH_PASSWORD)
        return [
            {"username": BENCH_STREET_USER, "password": BENCH_PASSWORD, "scope": street.name},
            {"username": BENCH_ADMIN_USER, "password": BENCH_PASSWORD, "scope": "全部"},
        ]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return dt.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))
