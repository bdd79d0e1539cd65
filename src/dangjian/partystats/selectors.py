"""党内统计 as of a date, computed from the event-sourced register (``members.MemberEvent``).

The register of an organisation's subtree at the end of day D is the members whose latest event
on or before D leaves them active in the subtree — the same rule as ``members.selectors
.register_on`` (tested to agree with it), so members who have since left, died or transferred
out still count where they stood on D.

Everything is read in one ordered pass over the events of the members who ever stood in the
subtree (with the person's facts joined), aggregated as it streams: the query count does not
grow with the register, and a county's 100,000 members are never held as objects. The same pass
gives the register at the start of the period and every change in between, so the change lines
reconcile exactly: start + additions − removals = register at D.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.access import scope_for, subtree_q
from dangjian.members.models import (
    Category,
    Education,
    EventKind,
    Gender,
    Member,
    MemberEvent,
    Mode,
    State,
    Status,
    add_years,
)
from dangjian.orgs.models import Organisation, OrgKind

#: The columns of every member table: 合计, then by gender, then by status.
COLUMN_KEYS = ("total", "male", "female", "full", "probationary")

#: Age on D: (upper bound inclusive, label); the last band has no upper bound. These are the
#: bands of the 党内统计 form (a layout, not a locality's rule).
AGE_BANDS = ((30, "30岁及以下"), (35, "31–35岁"), (40, "36–40岁"), (45, "41–45岁"))
AGE_BANDS += ((50, "46–50岁"), (55, "51–55岁"), (60, "56–60岁"), (None, "61岁及以上"))
#: Years of membership (党龄, counted from becoming a full member — 党章第七条) on D.
PARTY_AGE_BANDS = ((4, "5年以下"), (10, "5–10年"), (20, "11–20年"), (30, "21–30年"))
PARTY_AGE_BANDS += ((40, "31–40年"), (50, "41–50年"), (None, "50年以上"))
#: The register's education → the form's line. The register records 高中 and 中专 as one
#: choice, so the form's two lines are one here (the page says so).
EDUCATION_LINES = (
    ("graduate", "研究生", (Education.MASTER, Education.DOCTOR)),
    ("bachelor", "大学本科", (Education.BACHELOR,)),
    ("college", "大学专科", (Education.COLLEGE,)),
    ("senior", "中专、高中", (Education.SENIOR,)),
    ("junior", "初中及以下", (Education.JUNIOR, Education.PRIMARY)),
)
#: Occupation from the categories recorded at D: a member is counted on the first line whose
#: category they have (categories can overlap; the form's lines cannot).
OCCUPATION_LINES = (
    ("in_service", "在职", Category.IN_SERVICE),
    ("migrant", "务工经商", Category.MIGRANT),
    ("unemployed", "下岗失业", Category.UNEMPLOYED),
    ("graduate", "大学毕业生（未就业）", Category.GRADUATE),
    ("retired", "离退休", Category.RETIRED),
)
#: Categories that are circumstances rather than occupations: "其中" lines of the table.
CIRCUMSTANCE_LINES = (
    ("mobile", "其中：流动党员", Category.MOBILE),
    ("difficulty", "其中：困难党员", Category.DIFFICULTY),
    ("elderly", "其中：年老体弱党员", Category.ELDERLY),
)
HAN = "汉族"


@dataclass(frozen=True)
class ChangeLine:
    """One line of the changes table and the event kinds counted on it."""

    key: str
    label: str
    kinds: tuple[str, ...]


#: Every ``EventKind`` is on exactly one line (tested). A line counts a member as added when its
#: event puts them on the subtree's register and removed when it takes them off; an internal move
#: can do either (into or out of a branch) or neither (within the subtree).
CHANGE_LINES = (
    ChangeLine("registered", "发展党员及建档登记", (EventKind.REGISTERED,)),
    ChangeLine("transfer_in", "组织关系转入", (EventKind.TRANSFER_IN,)),
    ChangeLine("restored", "恢复党籍", (EventKind.RESTORED,)),
    ChangeLine("internal_move", "系统内调整支部（调入/调出）", (EventKind.INTERNAL_MOVE,)),
    ChangeLine("transfer_out", "组织关系转出", (EventKind.TRANSFER_OUT,)),
    ChangeLine("death", "去世", (EventKind.DEATH,)),
    ChangeLine("left", "出党（退党、除名、开除党籍）", (EventKind.LEFT,)),
    ChangeLine("suspended", "停止党籍（失去联系）", (EventKind.LOST_CONTACT,)),
    ChangeLine("status_change", "预备党员转为正式党员", (EventKind.STATUS_CHANGE,)),
    ChangeLine(
        "other",
        "其他变动（类别、管理方式、报到、流动）",
        (
            EventKind.CATEGORY_CHANGE,
            EventKind.MODE_CHANGE,
            EventKind.CHECK_IN,
            EventKind.CHECK_OUT,
            EventKind.GOING_OUT,
            EventKind.RETURNED,
        ),
    ),
)
LINE_OF = {kind: line.key for line in CHANGE_LINES for kind in line.kinds}


# ---- results ------------------------------------------------------------------------------
@dataclass
class Row:
    key: str
    label: str
    values: list[int]  # aligned with COLUMN_KEYS
    detail: bool = False  # a "其中" line: part of another line, not of the table's sum

    @property
    def total(self) -> int:
        return self.values[0]


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    total: Row
    note: str = ""

    def main_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.detail]


@dataclass
class ChangeRow:
    key: str
    label: str
    added: int = 0
    removed: int = 0
    events: int = 0  # events of the kind in the period that touched the subtree's register


@dataclass
class Changes:
    rows: list[ChangeRow]
    start: int
    end: int
    admitted: int  # of the additions: new probationary members (发展党员)

    @property
    def added(self) -> int:
        return sum(r.added for r in self.rows)

    @property
    def removed(self) -> int:
        return sum(r.removed for r in self.rows)

    @property
    def reconciles(self) -> bool:
        return self.start + self.added - self.removed == self.end


@dataclass
class OrgTable:
    settings: list[tuple[str, str]]  # (key, label) rows
    types: list[tuple[str, str]]  # (key, label) columns
    cells: dict[tuple[str, str], int]
    total: int
    note: str

    def row(self, setting: str) -> list[int]:
        return [self.cells.get((setting, t), 0) for t, _l in self.types]

    def row_total(self, setting: str) -> int:
        return sum(self.row(setting))

    def column_total(self, type_key: str) -> int:
        return sum(self.cells.get((s, type_key), 0) for s, _l in self.settings)


@dataclass
class Statistics:
    org: Organisation
    on: dt.date
    since: dt.date
    register: int  # the register at D (every table's 合计)
    tables: list[Table]
    changes: Changes
    orgs: OrgTable
    notes: list[str] = field(default_factory=list)


# ---- access -------------------------------------------------------------------------------
def may_view(user: Any, org: Organisation) -> bool:
    """Statistics are for those who hold a grant reaching the organisation (a member's own
    branch, seen as a member, is not enough)."""
    return scope_for(user).reaches_path(org.path)


def may_export_national(user: Any, org: Organisation) -> bool:
    """The national-system export carries full ID numbers: a changing grant only."""
    return scope_for(user).reaches_path(org.path, "change")


def org_for(user: Any, raw: str) -> Organisation | None:
    """The organisation asked for (``raw`` an id), else the top of the user's scope; None when
    it does not exist or the user may not see its statistics (the caller answers 404)."""
    if raw:
        valid = raw.isdigit() and len(raw) < 19  # beyond a 64-bit id: no such organisation
        org = Organisation.objects.filter(pk=int(raw)).first() if valid else None
        return org if org is not None and may_view(user, org) else None
    scope = scope_for(user)
    if scope.everything:
        return Organisation.objects.filter(is_active=True).order_by("depth", "path").first()
    if not scope.view_paths:
        return None
    return Organisation.objects.filter(path__in=scope.view_paths).order_by("depth", "path").first()


# ---- the one pass -------------------------------------------------------------------------
#: Event rows are narrow and kept cheap to decode: the date as ISO text (compared as text) and
#: the categories as raw JSON, parsed only for the members on the register at D. Joining the
#: person's facts to every event made the pass five times slower at 100,000 members.
_EVENT_FIELDS = ("member_id", "kind", "day", "org_id", "state", "status", "mode", "cats")
_MEMBER_FIELDS = ("pk", "gender", "birth_date", "education", "ethnicity", "joined_on", "full_on")
CHUNK = 5000


def _touched(org: Organisation, on: dt.date) -> QuerySet[MemberEvent]:
    """Ids of the members who stood in the subtree at some time up to ``on``."""
    subtree = Organisation.objects.filter(subtree_q("path", org.path)).values("pk")
    return MemberEvent.objects.filter(org__in=subtree, date__lte=on).values("member_id")


def _event_rows(org: Organisation, on: dt.date) -> Iterator[tuple[Any, ...]]:
    """Every event up to ``on`` of every member who stood in the subtree by then, in timeline
    order (the order ``register_on`` takes the latest event by)."""
    return (
        MemberEvent.objects.filter(member_id__in=_touched(org, on), date__lte=on)
        .annotate(day=Cast("date", CharField()), cats=Cast("categories", TextField()))
        .order_by("member_id", "date", "seq", "id")
        .values_list(*_EVENT_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def _member_rows(org: Organisation, on: dt.date) -> Iterator[tuple[Any, ...]]:
    """The person's facts of the same members, in the same (id) order."""
    return (
        Member.objects.filter(pk__in=_touched(org, on))
        .order_by("pk")
        .values_list(*_MEMBER_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _band(value: int, bands: Iterable[tuple[int | None, str]]) -> str:
    for upper, label in bands:
        if upper is None or value <= upper:
            return label
    raise AssertionError("the last band is open")  # pragma: no cover


class _Tally:
    """Counts of one table: row key → a vector over ``COLUMN_KEYS``."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(COLUMN_KEYS))

    def add(self, key: str, vector: tuple[int, ...]) -> None:
        row = self.counts[key]
        for i, v in enumerate(vector):
            row[i] += v


class _Pass:
    """Folds the ordered event rows into the changes and, joined with the member rows (both in
    member id order, merged as they stream), into the tables."""

    def __init__(self, *, subtree_ids: set[int], since: dt.date, on: dt.date, probation: int):
        self.subtree_ids, self.on, self.probation = subtree_ids, on, probation
        self.since = since.isoformat()  # compared with the events' ISO dates
        self.tallies = {k: _Tally() for k in _TABLE_KEYS}
        self.changes = {line.key: ChangeRow(line.key, line.label) for line in CHANGE_LINES}
        self.start = self.end = self.admitted = 0
        self.profiles: Counter[tuple[Any, ...]] = Counter()

    def run(self, events: Iterable[tuple[Any, ...]], members: Iterable[tuple[Any, ...]]) -> None:
        self.members = iter(members)
        member, last, at_start, now_on = None, None, False, False
        active, subtree, since = State.ACTIVE, self.subtree_ids, self.since
        for row in events:
            if row[0] != member:
                if last is not None:
                    self._close(last, at_start, now_on)
                member, at_start, now_on = row[0], False, False
            on_register = row[4] == active and row[3] in subtree
            if row[2] <= since:
                at_start = on_register
            elif on_register or now_on:
                change = self.changes[LINE_OF[row[1]]]
                change.events += 1
                if on_register and not now_on:
                    change.added += 1
                    if row[1] == EventKind.REGISTERED and row[5] == Status.PROBATIONARY:
                        self.admitted += 1
                elif not on_register:
                    change.removed += 1
            now_on = on_register
            last = row
        if last is not None:
            self._close(last, at_start, now_on)
        self.fill()

    def _person(self, pk: int) -> tuple[Any, ...]:
        for person in self.members:
            if person[0] == pk:
                return person
        raise AssertionError(f"member {pk} has events but no record")  # pragma: no cover

    def _close(self, last: tuple[Any, ...], at_start: bool, now_on: bool) -> None:
        """One member done: counted at the start, and — if on the register at D — their
        profile (everything the tables break down by) is counted; the tables are filled from
        the profiles afterwards, one addition per distinct profile rather than per member."""
        self.start += at_start
        if not now_on:
            return
        self.end += 1
        status = last[5]
        _pk, gender, birth, education, ethnicity, joined, full_on = self._person(last[0])
        if status == Status.FULL:
            became_full = full_on if full_on and full_on <= self.on else None
            became_full = became_full or add_years(joined, self.probation)
            party_age = _band(max(0, _years_between(became_full, self.on)), PARTY_AGE_BANDS)
        else:
            party_age = "probationary"
        profile = (
            gender,
            status,
            last[6] == Mode.DUAL,
            _band(_years_between(birth, self.on), AGE_BANDS),
            _EDUCATION_LINE.get(education, "unknown"),
            (ethnicity or "").strip(),
            last[7] or "[]",
            party_age,
        )
        self.profiles[profile] += 1

    def fill(self) -> None:
        t = self.tallies
        for profile, n in self.profiles.items():
            gender, status, dual, age, education, ethnicity, cats_json, party_age = profile
            full = status == Status.FULL
            vector = (n, n * (gender == Gender.MALE), n * (gender == Gender.FEMALE))
            vector += (n * full, n * (not full))
            t["gender"].add(gender, vector)
            t["status"].add(status, vector)
            if dual:
                t["status"].add("dual", vector)
            t["age"].add(age, vector)
            t["education"].add(education, vector)
            if not ethnicity:
                t["ethnicity"].add("unknown", vector)
            elif ethnicity == HAN:
                t["ethnicity"].add("han", vector)
            else:
                t["ethnicity"].add("minority", vector)
                t["ethnicity"].add(f"minority:{ethnicity}", vector)
            cats = set(json.loads(cats_json))
            line = next((k for k, _l, c in OCCUPATION_LINES if c in cats), "other")
            t["occupation"].add(line, vector)
            for key, _label, c in CIRCUMSTANCE_LINES:
                if c in cats:
                    t["occupation"].add(key, vector)
            t["party_age"].add(party_age, vector)


_TABLE_KEYS = ("gender", "status", "age", "education", "ethnicity", "occupation", "party_age")
_EDUCATION_LINE = {value: key for key, _label, values in EDUCATION_LINES for value in values}


def _table(key: str, title: str, tally: _Tally, lines: list[tuple[str, str, bool]], note: str):
    zero = [0] * len(COLUMN_KEYS)
    rows = [Row(k, label, list(tally.counts.get(k, zero)), detail) for k, label, detail in lines]
    total = [0] * len(COLUMN_KEYS)
    for r in rows:
        if not r.detail:
            total = [a + b for a, b in zip(total, r.values, strict=True)]
    return Table(key, title, rows, Row("total", _("合计"), total), note)


def _member_tables(tallies: dict[str, _Tally]) -> list[Table]:
    minorities = sorted(
        (k.split(":", 1)[1] for k in tallies["ethnicity"].counts if k.startswith("minority:")),
        key=lambda name: (-tallies["ethnicity"].counts[f"minority:{name}"][0], name),
    )
    occupation = [(k, _(label), False) for k, label, _c in OCCUPATION_LINES]
    occupation.append(("other", _("其他（未登记职业类别）"), False))
    occupation += [(k, _(label), True) for k, label, _c in CIRCUMSTANCE_LINES]
    return [
        _table(
            "gender",
            _("党员性别"),
            tallies["gender"],
            [(Gender.MALE, _("男"), False), (Gender.FEMALE, _("女"), False)],
            "",
        ),
        _table(
            "status",
            _("正式党员和预备党员"),
            tallies["status"],
            [
                (Status.FULL, _("正式党员"), False),
                (Status.PROBATIONARY, _("预备党员"), False),
                ("dual", _("其中：在职党员（双重管理，组织关系在工作单位）"), True),
            ],
            "",
        ),
        _table(
            "age",
            _("党员年龄（按统计日期计算）"),
            tallies["age"],
            [(label, _(label), False) for _u, label in AGE_BANDS],
            "",
        ),
        _table(
            "education",
            _("党员学历"),
            tallies["education"],
            [(k, _(label), False) for k, label, _v in EDUCATION_LINES]
            + [("unknown", _("未填写"), False)],
            _("名册中“高中/中专”是一个选项，表中“中专、高中”两行合为一行。"),
        ),
        _table(
            "ethnicity",
            _("党员民族"),
            tallies["ethnicity"],
            [("han", _("汉族"), False), ("minority", _("少数民族"), False)]
            + [(f"minority:{n}", _("其中：%(n)s") % {"n": n}, True) for n in minorities]
            + [("unknown", _("未填写"), False)],
            "",
        ),
        _table(
            "occupation",
            _("党员职业（按统计日期的党员类别）"),
            tallies["occupation"],
            occupation,
            _(
                "一名党员可有多个类别：按“在职、务工经商、下岗失业、大学毕业生、离退休”的顺序"
                "计入第一个符合的行；“其中”各行可交叉，不计入合计。"
            ),
        ),
        _table(
            "party_age",
            _("党龄（自转为正式党员之日算起）"),
            tallies["party_age"],
            [("probationary", _("预备党员（不计党龄）"), False)]
            + [(label, _(label), False) for _u, label in PARTY_AGE_BANDS],
            _("未登记转正时间的正式党员，按入党时间加预备期推算。"),
        ),
    ]


# ---- organisations ------------------------------------------------------------------------
#: Each kind of organisation → (setting row, type column) of the organisations table.
ORG_CELL: dict[str, tuple[str, str]] = {
    OrgKind.COUNTY: ("county", "committee"),
    OrgKind.STREET: ("street", "committee"),
    OrgKind.TOWN: ("town", "committee"),
    OrgKind.COMMUNITY_COMMITTEE: ("community", "committee"),
    OrgKind.GENERAL_BRANCH: ("community", "general_branch"),
    OrgKind.COMMUNITY_BRANCH: ("community", "branch"),
    OrgKind.BRANCH: ("community", "branch"),
    OrgKind.BUILDING_BRANCH: ("building", "branch"),
    OrgKind.GRID_BRANCH: ("grid", "branch"),
    OrgKind.OFFICE_BUILDING_BRANCH: ("office_building", "branch"),
    OrgKind.MARKET_BRANCH: ("market", "branch"),
    OrgKind.JOINT_BRANCH: ("joint", "branch"),
    OrgKind.GROUP: ("building", "group"),
    OrgKind.UNIT_ORG: ("unit", "unit_org"),
}
ORG_SETTINGS = (
    ("county", "区（县）"),
    ("street", "街道"),
    ("town", "乡镇"),
    ("community", "社区"),
    ("building", "楼栋、楼道"),
    ("grid", "网格"),
    ("office_building", "商务楼宇"),
    ("market", "商贸市场"),
    ("joint", "联合组建"),
    ("unit", "驻区单位"),
)
ORG_TYPES = (
    ("committee", "党委（党工委）"),
    ("general_branch", "党总支"),
    ("branch", "党支部"),
    ("group", "党小组"),
    ("unit_org", "单位党组织"),
)


def org_table(org: Organisation, on: dt.date) -> tuple[OrgTable, set[int]]:
    """Organisations of the subtree by setting and type as of ``on``, and the ids of the whole
    subtree (for the member pass). An organisation counts from its founding date when recorded;
    a dissolution date is not recorded, so a dissolved organisation is not counted at all."""
    cells: dict[tuple[str, str], int] = defaultdict(int)
    ids: set[int] = set()
    total = 0
    rows = Organisation.objects.filter(subtree_q("path", org.path)).values_list(
        "pk", "kind", "is_active", "established_on"
    )
    for pk, kind, active, established in rows:
        ids.add(pk)
        if not active or (established is not None and established > on):
            continue
        cells[ORG_CELL[kind]] += 1
        total += 1
    note = _(
        "组织按现有组织统计：成立日期晚于统计日期的不计；系统不记录撤销日期，已撤销的组织不计入。"
    )
    table = OrgTable(
        settings=[(k, _(label)) for k, label in ORG_SETTINGS],
        types=[(k, _(label)) for k, label in ORG_TYPES],
        cells=dict(cells),
        total=total,
        note=note,
    )
    return table, ids


def statistics(*, org: Organisation, on: dt.date, since: dt.date) -> Statistics:
    """The 党内统计 of ``org``'s subtree as of the end of ``on``, with the changes since the end
    of ``since``. The caller has checked that the user may see ``org`` (:func:`may_view`)."""
    orgs, subtree_ids = org_table(org, on)
    folding = _Pass(
        subtree_ids=subtree_ids,
        since=since,
        on=on,
        probation=rules.value("dev.probation", "years", org=org),
    )
    folding.run(_event_rows(org, on), _member_rows(org, on))
    changes = Changes(
        rows=list(folding.changes.values()),
        start=folding.start,
        end=folding.end,
        admitted=folding.admitted,
    )
    return Statistics(
        org=org,
        on=on,
        since=since,
        register=folding.end,
        tables=_member_tables(folding.tallies),
        changes=changes,
        orgs=orgs,
        notes=[orgs.note],
    )
