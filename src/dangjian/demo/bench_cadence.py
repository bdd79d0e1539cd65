"""A street of 1,000 branches with three years of organisational life, for the cadence benchmark.

Added under the generated city's county after the city's own pages are timed: a street, one
community (党总支) per ten branches with its joint council (联席会) and three linked county
leaders, branches with a handful of full members each (so some have a committee and some do
not), and for every year up to today the meetings the rules ask for — each branch holds each one
with its own diligence, so the roll-up has red, amber and green organisations. Rows go in through
``bulk.Table`` (COPY / executemany) like the city; nothing is audited.

The numbers (how often, how many members make a committee) are read from the rules table, so the
data follows the same rules the page evaluates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core import rules
from dangjian.meetings import cadence as cad
from dangjian.meetings.models import Body, BodyKind, LeaderLink, Meeting, MeetingKind
from dangjian.members.models import Member, Mode, State, Status
from dangjian.orgs.models import Organisation, OrgKind

from .bulk import Table
from .city import BENCH_PASSWORD, seg

BENCH_CADENCE_USER = "bench_cadence"
BRANCHES_PER_COMMUNITY = 10
YEARS = 3
#: How reliably a branch holds its meetings: most nearly always, some often miss.
DILIGENCE = (0.995, 0.995, 0.99, 0.97, 0.9, 0.75)

Leaders = Meeting.leaders.through


class CadenceStreet:
    def __init__(self, *, branches: int, seed: int = 1, log: Callable[[str], None] = print):
        self.branches = branches
        self.rng = random.Random(seed)
        self.seed = seed
        self.log = log
        self.today = timezone.localdate()
        now = timezone.now()
        self.orgs = Table(Organisation, now)
        self.members = Table(Member, now)
        self.bodies = Table(Body, now)
        self.links = Table(LeaderLink, now)
        self.meetings = Table(Meeting, now)
        self.leaders = Table(Leaders, now)
        self.tables = (
            self.orgs,
            self.members,
            self.bodies,
            self.links,
            self.meetings,
            self.leaders,
        )
        pg = connection.vendor == "postgresql"
        self.day: Callable[[dt.date], Any] = (lambda d: d) if pg else (lambda d: d.isoformat())
        self.committee_from = rules.value("org.branch_committee_threshold", "min_full_members")
        self.leaders_per_community = rules.value("council.county_leaders", "leaders_per_community")
        self.written: dict[str, int] = {}
        self.years = list(range(self.today.year - YEARS + 1, self.today.year + 1))

    # --- rows -------------------------------------------------------------------------------
    def org(self, parent: tuple[int, str, int], kind: str, name: str) -> tuple[int, str, int]:
        pk = self.orgs.take_pk()
        ppk, ppath, pdepth = parent
        path = ppath + seg(pk)
        self.orgs.add(
            id=pk,
            parent_id=ppk,
            path=path,
            depth=pdepth + 1,
            kind=kind,
            name=name,
            code=f"BC{self.seed}-{pk}",
        )
        return pk, path, pdepth + 1

    def body(self, org_pk: int, kind: str, name: str) -> int:
        pk = self.bodies.take_pk()
        self.bodies.add(id=pk, org_id=org_pk, kind=kind, name=name)
        return pk

    def meeting(
        self, org_pk: int, kind: str, day: dt.date, *, body: int | None = None, leader: int = 0
    ) -> None:
        pk = self.meetings.take_pk()
        self.meetings.add(
            id=pk,
            org_id=org_pk,
            kind=kind,
            body_id=body,
            date=self.day(day),
            topic=f"{day:%Y年%m月}{MeetingKind(kind).label}",
            cancelled=self.rng.random() < 0.01,
        )
        if leader:
            self.leaders.add(id=self.leaders.take_pk(), meeting_id=pk, leaderlink_id=leader)

    def member(self, branch_pk: int) -> None:
        pk = self.members.take_pk()
        digest = hashlib.sha256(f"bench-cadence-{self.seed}-{pk}".encode()).hexdigest()
        self.members.add(
            id=pk,
            name=f"党员{pk}",
            gender="M" if pk % 2 else "F",
            birth_date=self.day(dt.date(1960 + pk % 40, 1 + pk % 12, 1 + pk % 28)),
            id_cipher="",
            id_hash=digest,
            id_masked="",
            joined_on=self.day(dt.date(2000 + pk % 20, 7, 1)),
            status=Status.FULL.value,
            state=State.ACTIVE.value,
            mode=Mode.SELF.value,
            org_id=branch_pk,
            search_key="",
        )

    # --- the cadence the rules ask for, with gaps ---------------------------------------------
    def hold(
        self,
        org_pk: int,
        kind: str,
        rule_id: str,
        diligence: float,
        *,
        body: int | None = None,
        leader: Callable[[], int] | None = None,
        period: str = "",
    ) -> None:
        values = rules.effective(rule_id)
        kind_of_period = str(values.get("period") or period)
        for year in self.years:
            for p in cad.periods_in(year, kind_of_period):
                if p.start > self.today:
                    break
                last = min(p.end, self.today)
                # a period still running is done only if its meeting has already happened
                share = (last - p.start).days / max(1, (p.end - p.start).days)
                if self.rng.random() > diligence * (share if p.end > self.today else 1):
                    continue
                span = (last - p.start).days
                day = p.start + dt.timedelta(days=self.rng.randint(0, span))
                self.meeting(org_pk, kind, day, body=body, leader=leader() if leader else 0)

    def build(self) -> dict[str, Any]:
        started = time.perf_counter()
        county = Organisation.objects.filter(kind=OrgKind.COUNTY).order_by("depth", "pk").first()
        if county is None:
            raise RuntimeError("先生成城市（gencity），再生成按期召开测试街道。")
        street = self.org(
            (county.pk, county.path, county.depth), OrgKind.STREET.value, "按期召开测试街道党工委"
        )
        coordination = self.body(
            street[0], BodyKind.COORDINATION.value, "测试街道社区党建协调委员会"
        )
        self.hold(
            street[0], MeetingKind.COUNCIL.value, "council.coordination", 0.9, body=coordination
        )
        n_comm = max(1, -(-self.branches // BRANCHES_PER_COMMUNITY))
        made = 0
        for c in range(1, n_comm + 1):
            comm = self.org(street, OrgKind.GENERAL_BRANCH.value, f"测试第{c}社区党总支")
            joint = self.body(comm[0], BodyKind.JOINT.value, f"测试第{c}社区党建联席会")
            links = []
            for i in range(self.leaders_per_community):
                pk = self.links.take_pk()
                self.links.add(
                    id=pk,
                    community_id=comm[0],
                    name=f"县领导{c}-{i + 1}",
                    since=self.day(dt.date(self.years[0] - 1, 1, 1)),
                )
                links.append(pk)
            diligence = self.rng.choice(DILIGENCE)
            pick = lambda links=links: self.rng.choice(links)  # noqa: E731
            self.hold(comm[0], MeetingKind.COUNCIL.value, "council.joint", diligence, body=joint)
            self.hold(
                comm[0],
                MeetingKind.LEADER_VISIT.value,
                "council.county_leaders",
                diligence,
                leader=pick,
                period=cad.QUARTER,
            )
            self.hold(
                comm[0],
                MeetingKind.COUNCIL.value,
                "council.county_leaders",
                diligence,
                body=joint,
                leader=pick,
                period=cad.QUARTER,
            )
            for b in range(1, BRANCHES_PER_COMMUNITY + 1):
                if made == self.branches:
                    break
                made += 1
                branch = self.org(comm, OrgKind.BRANCH.value, f"测试第{c}社区第{b}党支部")
                size = self.rng.randint(3, 15)
                for _ in range(size):
                    self.member(branch[0])
                diligence = self.rng.choice(DILIGENCE)
                for check in cad.checks_for(OrgKind.BRANCH):
                    if check.needs_committee and size < self.committee_from:
                        continue
                    self.hold(branch[0], str(check.meeting_kind), check.rule_id, diligence)
            self.flush()
        self.flush()
        with connection.cursor() as cur:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [t.model for t in self.tables]
            ):
                cur.execute(statement)
        street_org = Organisation.objects.get(pk=street[0])
        User = get_user_model()
        user = User.objects.filter(username=BENCH_CADENCE_USER).first()
        if user is None:
            user = User.objects.create_user(BENCH_CADENCE_USER, password=BENCH_PASSWORD)
        Grant.objects.filter(user=user).delete()
        Grant.objects.create(user=user, org=street_org, role=Grant.Role.SECRETARY)
        self.log(
            f"按期召开测试街道：{made} 个支部、{n_comm} 个社区、{self.written['meeting']:,} 次会议"
        )
        return {
            "street_id": street_org.pk,
            "user": BENCH_CADENCE_USER,
            "branches": made,
            "communities": n_comm,
            "years": self.years,
            "rows": dict(self.written),
            "seconds": round(time.perf_counter() - started, 1),
        }

    def flush(self) -> None:
        with transaction.atomic():
            for t in self.tables:
                n = t.write(t.take_rows())
                name = t.model._meta.model_name
                self.written[name] = self.written.get(name, 0) + n
