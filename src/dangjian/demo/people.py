"""The demo county's people: 398 members with their timelines, office holders with terms, and
the demo accounts (resident units and staff are in ``capacity.py``). All written through the
real services."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Sum

from dangjian.accounts.models import Grant, Profile
from dangjian.core import rules
from dangjian.core.services import audited_create, audited_update
from dangjian.members.models import Category, Education, EventKind, Member, Mode, Status
from dangjian.members.services import member_record_event, member_register
from dangjian.orgs.models import Office, Organisation, Place, PlaceKind, ResidentUnit
from dangjian.orgs.services import office_create
from dangjian.staff.models import Staff

from . import capacity, names
from .spec import PASSWORD

if TYPE_CHECKING:
    from .county import Community, Demo


@dataclass(frozen=True)
class Account:
    username: str
    role: str  # Grant.Role, "superuser" or "member"
    scope: str  # who it reaches, in words
    display_name: str


ACCOUNTS = (
    Account("admin", "superuser", "全部数据（系统管理员）", "系统管理员"),
    Account("county_org", Grant.Role.VIEWER, "示例县委（县委组织部，只读）", "县委组织部"),
    Account("town1_sec", Grant.Role.SECRETARY, "城关镇党委", "城关镇党委书记"),
    Account(
        "wenhuadong_sec", Grant.Role.SECRETARY, "城关镇 文化东路社区党总支", "文化东路社区书记"
    ),
    Account("yingbin_sec", Grant.Role.SECRETARY, "恰库尔图镇 迎宾路社区党支部", "迎宾路社区书记"),
    Account("branch_sec", Grant.Role.SECRETARY, "文化东路社区第一楼栋党支部", "支部书记"),
    Account("member", "member", "本人的党员档案（文化东路社区第一楼栋党支部）", "党员"),
)


def ensure_admin() -> Any:
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", password=PASSWORD)
        Profile.objects.create(user=admin, display_name="系统管理员")
    return admin


def residents_total(county: Organisation) -> int:
    """Residents are counted on households; higher places carry no population of their own."""
    return (
        Place.objects.filter(
            community__path__startswith=county.path, kind=PlaceKind.HOUSEHOLD
        ).aggregate(n=Sum("population"))["n"]
        or 0
    )


def build_people(demo: Demo, *, log: Callable[[str], None]) -> None:
    units = {c.org.pk: capacity.resident_units(demo, c) for c in demo.communities}
    log(f"驻区单位：{sum(len(u) for u in units.values())} 个")
    ids = names.IdNumbers(demo.rng)
    for c in demo.communities:
        _members(demo, c, units[c.org.pk], ids)
    log(
        f"党员：{Member.objects.filter(org__path__startswith=demo.county.path).count()} 名，每人有变动记录"
    )
    _offices(demo)
    capacity.staff(demo)
    log(
        f"社区工作者：{Staff.objects.filter(community__path__startswith=demo.county.path).count()} 名"
    )
    _accounts(demo)


# --- members and their timelines -----------------------------------------------------------------

_FROM_ORGS = (
    "阿勒泰市金山路社区党委",
    "乌鲁木齐市天山区某社区党委",
    "克拉玛依市某街道党工委",
    "北屯市某社区党支部",
    "本县某乡党委",
    "伊宁市某社区党总支",
    "石河子市某单位党支部",
)
_GONE_TO = ("乌鲁木齐市", "克拉玛依市", "阿勒泰市", "昌吉市", "库尔勒市", "西安市")


def _days(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def _education(rng: random.Random, born: dt.date) -> str:
    if born.year < 1955:
        pool = ("primary", "junior", "junior", "senior", "college")
    elif born.year < 1975:
        pool = ("junior", "senior", "senior", "college", "bachelor")
    else:
        pool = ("senior", "college", "bachelor", "bachelor", "bachelor", "master")
    return Education(rng.choice(pool))


def _plan_categories(rng: random.Random, *, retired_branch: bool) -> tuple[str, ...]:
    if retired_branch:
        cats = [Category.RETIRED]
        if rng.random() < 0.35:
            cats.append(Category.ELDERLY)
    else:
        primary = rng.choices(
            (
                Category.IN_SERVICE,
                Category.RETIRED,
                Category.UNEMPLOYED,
                Category.MIGRANT,
                Category.GRADUATE,
            ),
            weights=(48, 24, 9, 10, 9),
        )[0]
        cats = [primary]
        if primary == Category.RETIRED and rng.random() < 0.2:
            cats.append(Category.ELDERLY)
    return tuple(cats)


def _members(demo: Demo, c: Community, units: list[ResidentUnit], ids: names.IdNumbers) -> None:
    rng, anchor = demo.rng, demo.anchor
    probation_years = rules.value("dev.probation", "years")
    min_age = rules.value("dev.min_age", "years")
    specs = c.spec.branches or ()
    counts = [s.members for s in specs] if specs else [c.spec.members]
    work_branches = [b for b in c.branches if b is not c.retired_branch]
    all_households = [h for b in c.buildings for h in b.households]
    for branch, count in zip(c.branches, counts, strict=True):
        is_retired = branch is c.retired_branch
        # the deliberately tiny branch: 2 full members and 1 probationary
        tiny = count <= rules.value("org.branch_min_full_members", "min")
        covered = c.branch_buildings.get(branch.pk) or []
        households = [h for b in covered for h in b.households] or all_households
        unfilled = _group_households(c, branch, households)
        for i in range(count):
            gender = "M" if rng.random() < 0.56 else "F"
            eth = names.ethnicity(rng)
            cats = _plan_categories(rng, retired_branch=is_retired)
            if Category.RETIRED in cats:
                born = names.birth_date(rng, 1936, 1963)
            elif Category.GRADUATE in cats:
                born = names.birth_date(rng, 1994, 2003)
            else:
                born = names.birth_date(rng, 1965, 1998)
            # probationary: a few recent members (and one in the deliberately tiny branch)
            probationary = (tiny and i == count - 1) or (not tiny and rng.random() < 0.045)
            earliest_join = _birthday(born, min_age + 2)
            if probationary:
                joined = anchor - dt.timedelta(days=rng.randint(40, 330))
            else:
                last_join = min(anchor - dt.timedelta(days=400), _birthday(born, 45))
                joined = _days(rng, earliest_join, last_join)
            dual = Category.IN_SERVICE in cats and rng.random() < 0.4
            household = _into_a_group(rng.choice(households), unfilled)
            fields = {
                "name": names.person_name(rng, gender, eth),
                "gender": gender,
                "ethnicity": eth,
                "birth_date": born,
                "education": _education(rng, born),
                "joined_on": joined,
                "household": household,
                # one fact, one place: the household is the home, the resident unit the
                # employer — no address or unit name typed beside them
                "employer_unit": rng.choice(units) if dual else None,
            }
            _member_with_timeline(
                demo,
                c,
                branch=branch,
                fields=fields,
                id_number=ids.new(birth=born, gender=gender),
                cats=cats,
                probationary=probationary,
                dual=dual,
                probation_years=probation_years,
                first_branch=(
                    rng.choice(work_branches)
                    if is_retired and work_branches and rng.random() < 0.5
                    else branch
                ),
            )


def _group_households(
    c: Community, branch: Organisation, households: list[Place]
) -> list[list[Place]]:
    """The households under each corridor group of ``branch``, in the groups' order."""
    groups = [g.pk for g in c.groups if g.parent_id == branch.pk]
    group_of = dict(
        Organisation.places.through.objects.filter(organisation_id__in=groups).values_list(
            "place_id", "organisation_id"
        )
    )
    out: dict[int, list[Place]] = {pk: [] for pk in groups}
    for h in households:
        if h.parent_id in group_of:
            out[group_of[h.parent_id]].append(h)
    return [hs for hs in out.values() if hs]


def _into_a_group(drawn: Place, unfilled: list[list[Place]]) -> Place:
    """Where a member lives: ``drawn``, unless a corridor group of the branch has nobody yet
    and ``drawn`` is in none of those — then a household of the first such group. A group is
    the members who live in its corridors (``meetings.selectors.attendees``): one nobody lives
    under would hold its monthly meetings with no one expected. The household is picked by
    ``drawn``'s id rather than drawn again, so the random stream (every name and date after
    this) stays as it was."""
    for i, hs in enumerate(unfilled):
        if drawn in hs:
            del unfilled[i]
            return drawn
    if not unfilled:
        return drawn
    hs = unfilled.pop(0)
    return hs[drawn.pk % len(hs)]


def _member_with_timeline(
    demo: Demo,
    c: Community,
    *,
    branch: Organisation,
    fields: dict[str, Any],
    id_number: str,
    cats: tuple[str, ...],
    probationary: bool,
    dual: bool,
    probation_years: int,
    first_branch: Organisation,
) -> Member:
    """Register a member the way they came onto this register, then replay what happened since."""
    rng, admin, anchor = demo.rng, demo.admin, demo.anchor
    joined: dt.date = fields["joined_on"]
    born: dt.date = fields["birth_date"]
    full_on = _birthday(joined, probation_years)
    retire_age = 60 if fields["gender"] == "M" else 55
    retire_on = _birthday(born, retire_age)
    moved_to_retired = first_branch is not branch
    start_cats = list(cats)
    if moved_to_retired or (Category.RETIRED in cats and rng.random() < 0.25):
        # retired while on this register: the timeline shows the category change
        start_cats = [Category.IN_SERVICE]
    if probationary or (joined.year >= 2008 and not dual and rng.random() < 0.55):
        # developed here: on the register since admission, made full a year later
        kind, first_day, status = EventKind.REGISTERED, joined, Status.PROBATIONARY
        extra: dict[str, Any] = {"note": "支部大会讨论通过，接收为预备党员"}
    elif dual:
        # an in-service member: the relationship stays with the employer; on the community's
        # register from the day they reported (到社区报到), recorded as its own event
        kind, status = EventKind.REGISTERED, Status.FULL
        first_day = _days(rng, max(full_on, dt.date(2016, 1, 1)), anchor - dt.timedelta(days=60))
        extra = {"note": "在职党员，组织关系在工作单位"}
    else:
        kind, status = EventKind.TRANSFER_IN, Status.FULL
        lower = max(full_on, dt.date(2006, 1, 1))
        upper = anchor - dt.timedelta(days=90)
        if start_cats != list(cats) and retire_on - dt.timedelta(days=400) > lower:
            upper = min(upper, retire_on - dt.timedelta(days=400))  # came before retiring
        first_day = _days(rng, lower, upper)
        extra = {
            "letter_no": f"组转〔{first_day.year}〕{rng.randint(1, 240):03d}号",
            "from_org_name": rng.choice(_FROM_ORGS),
        }
    if start_cats != list(cats) and retire_on <= first_day:
        start_cats = list(cats)  # already retired when they came
        moved_to_retired = False
    member = member_register(
        acting_user=admin,
        id_number=id_number,
        org=first_branch if moved_to_retired else branch,
        categories=start_cats,
        date=first_day,
        kind=kind,
        status=status,
        full_on=None if status == Status.PROBATIONARY else full_on,
        mode=Mode.DUAL if dual else Mode.SELF,
        **extra,
        **fields,
    )
    day = first_day
    if dual:
        member_record_event(
            member=member,
            kind=EventKind.CHECK_IN,
            date=day,
            acting_user=admin,
            from_org_name=f"{fields['employer_unit'].name}党支部",
            note="在职党员到社区报到",
        )
    if status == Status.PROBATIONARY and full_on <= anchor:
        day = full_on
        member_record_event(
            member=member,
            kind=EventKind.STATUS_CHANGE,
            date=day,
            acting_user=admin,
            status=Status.FULL,
            note="支部大会讨论通过，按期转为正式党员",
        )
    if start_cats != list(cats):
        day = max(day, min(retire_on, anchor))
        member_record_event(
            member=member,
            kind=EventKind.CATEGORY_CHANGE,
            date=day,
            acting_user=admin,
            categories=list(cats),
            note="退休",
        )
        if moved_to_retired:
            member_record_event(
                member=member,
                kind=EventKind.INTERNAL_MOVE,
                date=day,
                acting_user=admin,
                to_org=branch,
                note="退休后转入离退休党支部",
            )
    roll = rng.random()
    if Category.RETIRED not in cats and roll < 0.08 and day < anchor - dt.timedelta(days=120):
        # went out to work elsewhere; most came back, some are still out (流动党员)
        out_day = _days(rng, day + dt.timedelta(days=30), anchor - dt.timedelta(days=60))
        member_record_event(
            member=member,
            kind=EventKind.GOING_OUT,
            date=out_day,
            acting_user=admin,
            to_org_name=rng.choice(_GONE_TO),
            note="外出务工，已发放流动党员活动证",
        )
        if rng.random() < 0.6:
            member_record_event(
                member=member,
                kind=EventKind.RETURNED,
                date=_days(rng, out_day + dt.timedelta(days=20), anchor),
                acting_user=admin,
                note="返回本社区",
            )
    elif roll < 0.13 and day < anchor - dt.timedelta(days=30):
        now = sorted({*cats, Category.DIFFICULTY})
        member_record_event(
            member=member,
            kind=EventKind.CATEGORY_CHANGE,
            date=_days(rng, day + dt.timedelta(days=1), anchor),
            acting_user=admin,
            categories=now,
            note="因病致困，列为困难党员",
        )
    elif roll < 0.135 and day < anchor - dt.timedelta(days=400):
        lost = _days(rng, day + dt.timedelta(days=30), anchor - dt.timedelta(days=300))
        member_record_event(
            member=member,
            kind=EventKind.LOST_CONTACT,
            date=lost,
            acting_user=admin,
            note="失去联系满 6 个月，停止党籍",
        )
        member_record_event(
            member=member,
            kind=EventKind.RESTORED,
            date=_days(rng, lost + dt.timedelta(days=60), anchor),
            acting_user=admin,
            to_org=branch,
            note="取得联系，经支部审查恢复党籍",
        )
    return member


# --- office holders ------------------------------------------------------------------------------


def _full_members(org: Organisation) -> list[Member]:
    return list(Member.objects.filter(org=org, status=Status.FULL).order_by("id"))


def _offices(demo: Demo) -> None:
    """Secretaries and committees with terms around today: most terms run, one community's term
    has ended without a new election (overdue), one ends within the reminder window, one branch
    with 7+ full members has only a secretary, one branch has no secretary at all."""
    rng, admin = demo.rng, demo.admin
    today = dt.date.today()
    years = rules.value("org.branch_committee_size", "term_years_community")
    remind = rules.value("org.branch_committee_size", "remind_days_before_end")
    committee_from = rules.value("org.branch_committee_threshold", "min_full_members")

    def term(start: dt.date) -> tuple[dt.date, dt.date]:
        return start, _birthday(start, years)

    start, end = term(today - dt.timedelta(days=700))
    office_create(
        acting_user=admin,
        org=demo.county,
        title=Office.Title.SECRETARY,
        holder_name=names.han_name(rng, "M"),
        term_start=start,
        term_end=end,
    )
    for ti, town in enumerate(demo.towns):
        start, end = term(today - dt.timedelta(days=500 + 40 * ti))
        office_create(
            acting_user=admin,
            org=town,
            title=Office.Title.SECRETARY,
            holder_name=names.han_name(rng, "M"),
            term_start=start,
            term_end=end,
        )
    for ci, c in enumerate(demo.communities):
        pool = list(
            Member.objects.filter(org__path__startswith=c.org.path, status=Status.FULL).order_by(
                "id"
            )
        )
        if c.spec.name == "文化西路社区" and c.org.is_county_seat:
            start = _birthday(today, -years) - dt.timedelta(days=40)  # ended 40 days ago
        elif c.spec.name == "团结路社区":
            start = _birthday(today, -years) + dt.timedelta(days=remind // 2)  # ends soon
        else:
            start = today - dt.timedelta(days=300 + 90 * ci)
        start, end = term(start)
        if ci == 0:  # the previous secretary, so the history of terms shows
            prev = pool[-1]
            office_create(
                acting_user=admin,
                org=c.org,
                title=Office.Title.SECRETARY,
                member=prev,
                term_start=_birthday(start, -years),
                term_end=start,
                left_on=start,
            )
        titles = ("secretary", "deputy", "organiser", "propaganda", "discipline")
        for title, m in zip(titles, rng.sample(pool[:-1], len(titles)), strict=True):
            office_create(
                acting_user=admin, org=c.org, title=title, member=m, term_start=start, term_end=end
            )
        for branch in c.branches:
            if branch is c.org:
                continue
            full = _full_members(branch)
            bstart, bend = term(start + dt.timedelta(days=rng.randint(0, 60)))
            if branch.name == "文化西路社区第三网格党支部" and c.org.is_county_seat:
                continue  # no secretary: a vacancy the demo shows
            single = branch.name == "建设路社区第二网格党支部"  # 7+ full members, no committee
            titles = (
                ("secretary", "organiser", "propaganda")
                if len(full) >= committee_from and not single
                else ("secretary",)
            )
            for title, m in zip(titles, full, strict=False):
                office_create(
                    acting_user=admin,
                    org=branch,
                    title=title,
                    member=m,
                    term_start=bstart,
                    term_end=bend,
                )
        for group in c.groups:
            if rng.random() < 0.15:
                continue  # no group leader yet
            leader = rng.choice(_full_members(group.parent) or pool)
            office_create(
                acting_user=admin,
                org=group,
                title=Office.Title.GROUP_LEADER,
                member=leader,
                term_start=start,
            )


# --- accounts ------------------------------------------------------------------------------------


def _accounts(demo: Demo) -> None:
    User = get_user_model()
    wenhuadong = next(c for c in demo.communities if c.org.code == f"{demo.towns[0].code}-C1")
    yingbin = next(c for c in demo.communities if c.spec.name == "迎宾路社区")
    branch = wenhuadong.branches[0]
    targets = {
        "county_org": demo.county,
        "town1_sec": demo.towns[0],
        "wenhuadong_sec": wenhuadong.org,
        "yingbin_sec": yingbin.org,
        "branch_sec": branch,
    }
    for account in ACCOUNTS:
        if account.username == "admin":
            continue
        user = User.objects.create_user(account.username, password=PASSWORD)
        Profile.objects.create(user=user, display_name=account.display_name)
        if account.username in targets:
            audited_create(
                Grant,
                data={"user": user, "org": targets[account.username], "role": account.role},
                acting_user=demo.admin,
            )
    member = (
        Member.objects.filter(org=branch, status=Status.FULL, offices__isnull=True)
        .order_by("id")
        .first()
    )
    audited_update(
        member, data={"user": User.objects.get(username="member")}, acting_user=demo.admin
    )
