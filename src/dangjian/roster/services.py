"""Roster import: every row checked and every new member written in one transaction — or
nothing. The rows are checked a chunk at a time, each good chunk written while the next is
checked; a problem anywhere rolls back what was written, and every problem is still reported.

A row's problems are reported with its row number as Excel shows it, the column as the file
names it, and the reason: a bad ID checksum, a birth date or gender that disagrees with the ID,
a date that cannot be read or lies in the future, joining before 18, a duplicate within the file
or of a member elsewhere, an organisation that is not under the one imported into. A row whose
ID is already on the register with the same name under that organisation is the same person
(re-importing a file, or importing an export back): skipped, not an error. An export's masked
ID (1101**********123X) is matched the same way, by mask, name and birth date.

An organisation is found by its name, short name or code; else by a mapping the user gives for
this import (``names``), else by one remembered from an earlier import (``OrgAlias``). A name
found by none of them is reported once per row and listed, with the closest organisation, in
``Outcome.unknown`` / ``Outcome.suggested``, so the preview and the command line can ask for the
mapping once per name instead of refusing the sheet.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto, idcard, rules
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.bulk import built_ahead, write
from dangjian.core.models import AuditEntry
from dangjian.core.search import search_key
from dangjian.members.models import Member, Status
from dangjian.members.services_bulk import BulkRegister, Made
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, Organisation

from . import likely, parse, selectors
from .bounds import MAX_ROWS
from .columns import FIELDS, REQUIRED
from .models import ImportRun, OrgAlias
from .reader import SHORT_TEXT

#: distinct unknown organisation names that get a proposal (and are offered for mapping)
MAX_NAMES_SUGGESTED = 200
#: SQLite's page cache (KiB) for the connection while an import writes (``_bulk_cache``)
BULK_CACHE_KIB = 16 * 1024


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str
    #: the organisation name as written, when that is the problem (it can be mapped)
    org_name: str = ""


@dataclass
class Outcome:
    rows: int
    created: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    run: ImportRun | None = None
    #: members the import creates (a dry run: would create) when every row is good
    to_create: int = 0
    #: organisation names found nowhere → their rows
    unknown: dict[str, list[int]] = field(default_factory=dict)
    #: for each of those, the organisation it most likely means (None: no proposal)
    suggested: dict[str, Organisation | None] = field(default_factory=dict)
    #: written name → organisation, by a mapping given for this import (``names``) …
    mapped: dict[str, Organisation] = field(default_factory=dict)
    #: … or by one remembered from an earlier import (``OrgAlias``)
    remembered: dict[str, Organisation] = field(default_factory=dict)
    #: likely duplicates (same name and birth date, another ID number): shown, never blocking
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def other_problems(self) -> list[Problem]:
        """The problems a mapping of organisation names would not solve."""
        return [p for p in self.problems if not p.org_name]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class _Context:
    """What every row is checked against, read once for the whole file."""

    def __init__(
        self,
        *,
        org: Organisation,
        acting_user: Any,
        today: dt.date,
        names: dict[str, Organisation],
    ) -> None:
        self.org, self.today = org, today
        self.min_age = int(rules.value("dev.min_age", "years", org=org))
        self.targets = list(selectors.import_targets(user=acting_user, org=org))
        by_pk = {o.pk: o for o in self.targets}
        self.orgs: dict[str, Organisation] = {}
        for o in self.targets:
            for key in (o.name, o.short_name, o.code):
                if key:
                    self.orgs.setdefault(unicodedata.normalize("NFKC", key).strip(), o)
        outside = [w for w, o in names.items() if o.pk not in by_pk]
        if outside:
            raise ValidationError(
                [
                    _("“%(w)s”不能对应到%(o)s下您负责的党支部或社区党组织以外的组织。")
                    % {"w": w, "o": org.name}
                    for w in outside
                ]
            )
        self.names = {parse.text(w): o for w, o in names.items()}
        self.aliases = selectors.aliases_for(org=org, targets=by_pk)
        self.holds_members = org.kind in BRANCH_KINDS or org.kind in COMMUNITY_KINDS

    def org_for(self, name: str, out: Outcome) -> Organisation | None:
        """The organisation a written name means; a mapping used is noted in ``out``."""
        found = self.orgs.get(name)
        if found is None and name in self.names:
            found = out.mapped[name] = self.names[name]
        if found is None and name in self.aliases:
            found = out.remembered[name] = self.aliases[name]
        return found


#: rows of the file checked, made into members and written at a time: a second thread checks a
#: chunk and makes its members' rows (cipher, masked number, search key …) while the importing
#: thread writes the chunk before, so only two chunks' members are held at a time, never a
#: second full copy of the file; 1,000 rather than 2,000: 5 MB less at the peak, no slower
WRITE_CHUNK = 1000

_UNREADABLE = object()
_FULL, _PROBATIONARY = Status.FULL.value, Status.PROBATIONARY.value


class _Checked(NamedTuple):
    """A row with no problem: what its member is made of, compact until it is written."""

    n: int  # the row number as Excel shows it
    name: str
    gender: str | None
    birth_date: dt.date | None
    joined_on: dt.date | None
    full_on: dt.date | None
    status: str
    education: str
    mode: str
    org: Organisation
    ethnicity: str
    work_unit: str
    phone: str
    address: str
    categories: list[str]
    number: str  # the ID number, normalised
    hash: str  # its blind index, as the register keeps it


#: distinct short texts an import keeps cleaned (``_Cleaned``): a few MB at most
CLEANED_KEPT = 50_000


class _Cleaned(dict):
    """``cleaned[cell]`` is ``parse.text(cell)``, a short text cleaned once per import: a roster
    repeats them on every line (男, 本科, 离退休, its organisations, dates written 1985.03, the
    common names), and the reader keeps each once (``reader.SHORT_TEXT``). Only texts are kept,
    so that no other value equal to one (``True == 1``) can take its place."""

    def __init__(self) -> None:
        super().__init__({None: ""})

    def __missing__(self, value: Any) -> str:
        clean = parse.text(value)
        if type(value) is str and len(value) <= SHORT_TEXT and len(self) < CLEANED_KEPT:
            self[value] = clean
        return clean


class _Checker:
    """Checks the rows of a file a chunk at a time (``chunk``), in order, and says which members
    to create. Everything a row is checked against — the user's organisations, the register's
    holders of the file's ID numbers, masked numbers and names — is read from the database when
    the checker is made, on the importing thread; ``chunk`` touches no database, so it can run
    on a thread of its own while the chunk before is written (``import_rows``).

    ``refused``: a column is missing — nothing to check (the problem is in ``out``)."""

    def __init__(
        self,
        *,
        acting_user: Any,
        org: Organisation,
        headers: list[str],
        rows: list[list[Any]],
        mapping: dict[int, str],
        header_row: int,
        today: dt.date | None,
        names: dict[str, Organisation] | None,
        release: bool = False,
    ) -> None:
        if not scope_for(acting_user).reaches_path(org.path, CHANGE):
            raise PermissionDenied(_("只能导入到您负责的党组织。"))
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("一次最多导入 %(n)d 行，请分批导入。") % {"n": MAX_ROWS})
        self.today = today or timezone.localdate()
        self.org, self.rows, self.header_row, self.release = org, rows, header_row, release
        self.ctx = ctx = _Context(
            org=org, acting_user=acting_user, today=self.today, names=names or {}
        )
        col = {f: i for i, f in mapping.items()}
        self.label = {
            f: (headers[i] if i < len(headers) and headers[i] else FIELDS[f][0])
            for f, i in col.items()
        }
        self.out = out = Outcome(rows=len(rows))
        self.upper = 0
        self.refused = True
        missing = [FIELDS[f][0] for f in REQUIRED if f not in col]
        if missing:
            out.problems.append(
                Problem(
                    header_row,
                    "、".join(missing),
                    _("缺少必需的列：%(c)s。") % {"c": "、".join(missing)},
                )
            )
            return
        if "org" not in col and not ctx.holds_members:
            out.problems.append(
                Problem(
                    header_row,
                    FIELDS["org"][0],
                    _("导入到街道、镇一级时，表中须有“所在党组织”一列。"),
                )
            )
            return
        self.refused = False
        # the mapped cells of a row, in this order, then a None (its text ""): an unmapped field
        # reads position -1, i.e. an empty cell
        mapped = list(col)
        self.where = [col[f] for f in mapped]
        self.pos = {f: (mapped.index(f) if f in col else -1) for f in FIELDS}
        self.read_dates: dict[str, Any] = {}  # text → (date, month only) or _UNREADABLE
        self.read_cats: dict[str, Any] = {}  # text → categories or the part not known
        self.hashes: dict[bytes, int] = {}  # the file's ID hashes → the first row holding each
        self.births: dict[dt.date, dt.date] = {}  # one date object per birth date (3 MB less)
        self.cleaned = _Cleaned()
        self._look_up(acting_user, col["id_number"], col["name"])

    def _look_up(self, acting_user: Any, i_id: int, i_name: int) -> None:
        """One pass over the ID and name cells (cleaned as ``chunk`` cleans them), then what the
        register holds for them: the members holding these numbers (``_registered``), these
        masked numbers (an export imported back), and, visible to the user, these names (the
        likely duplicates). The register as it stands before anything is written."""
        text, normalise, blind_index = parse.text, idcard.normalise, crypto.blind_index
        cleaned = self.cleaned
        # by row: the hash of its number if it has 18 characters — as bytes, kept for the whole
        # file: half the size of its text (5 MB less at a hundred thousand rows)
        numbered: list[bytes | None] = []
        masks: set[str] = set()
        names: set[str] = set()
        for row in self.rows:
            size = len(row)
            value = row[i_id] if i_id < size else None
            if type(value) is str and value.isascii() and value.isalnum():
                raw_id = value  # as clean as text() would make it: the usual case, faster
            else:
                raw_id = text(value).replace(" ", "")
            h = None
            if "*" in raw_id:
                masks.add(raw_id.upper())
            elif raw_id:
                number = normalise(raw_id)
                if len(number) == 18:
                    h = bytes.fromhex(blind_index(number))
            numbered.append(h)
            if i_name < size and (name := cleaned[row[i_name]]):
                names.add(name)
        self.numbered = numbered
        self.registered = {
            bytes.fromhex(h): holder
            for h, holder in _registered({h.hex() for h in numbered if h is not None}).items()
        }
        # an upper bound of the members to create: the rows with a number the register lacks
        self.upper = sum(1 for h in numbered if h is not None and h not in self.registered)
        self.masked_rows: dict[tuple[str, str], list[str]] = {}
        if masks:
            for mask, name, birth, path in (
                Member.objects.visible_to(acting_user)
                .filter(id_masked__in=masks)
                .values_list("id_masked", "name", "birth_date", "org__path")
            ):
                self.masked_rows.setdefault((mask, name), []).append(f"{birth}|{path}")
        self.likely = likely.Finder(likely.on_register(acting_user, sorted(names)))

    def chunk(self, start: int, stop: int) -> list[_Checked]:
        """Check rows ``start``–``stop`` (indexes into the file's rows): their problems go to
        ``out``, and the members they would create are returned. No database."""
        out, ctx, label, today, org = self.out, self.ctx, self.label, self.today, self.org
        pos, where, numbered = self.pos, self.where, self.numbered
        p_name, p_id, p_gender, p_status = (
            pos["name"],
            pos["id_number"],
            pos["gender"],
            pos["status"],
        )
        p_edu, p_cats, p_mode, p_org = pos["education"], pos["categories"], pos["mode"], pos["org"]
        p_eth, p_unit, p_phone, p_addr = (
            pos[f] for f in ("ethnicity", "work_unit", "phone", "address")
        )
        dates = tuple((f, pos[f]) for f in ("birth_date", "joined_on", "full_on"))
        cleaned = self.cleaned
        min_age = ctx.min_age
        home = org if ctx.holds_members else None
        read_dates, read_cats = self.read_dates, self.read_cats
        hashes, births, registered = self.hashes, self.births, self.registered
        created: list[_Checked] = []
        first_n = self.header_row + 1
        rows, release = self.rows, self.release
        for i in range(start, stop):
            row = rows[i]
            if release:
                rows[i] = None  # type: ignore[call-overload]  # checked: let go (``release_rows``)
            n = first_n + i
            size = len(row)
            raw = [row[j] if j < size else None for j in where]
            raw.append(None)
            cells = [cleaned[v] for v in raw]
            if not any(cells):
                continue  # an empty line in the middle
            problems: list[Problem] = []
            bad_fields: set[str] = set()

            def bad(f: str, reason: str) -> None:
                bad_fields.add(f)  # noqa: B023
                problems.append(Problem(n, label.get(f, FIELDS[f][0]), reason))  # noqa: B023

            name = cells[p_name]
            if not name:
                bad("name", _("姓名为空。"))
            raw_id = cells[p_id].replace(" ", "")
            info = None
            mask = None
            if "*" in raw_id:
                mask = raw_id.upper()
            else:
                try:
                    info = idcard.parse(raw_id)
                except ValidationError as exc:
                    bad("id_number", exc.messages[0])
            read: dict[str, dt.date | None] = {}
            month_only: set[str] = set()
            for f, p in dates:
                value = raw[p]
                if value is None:
                    read[f] = None
                    continue
                if type(value) is str:
                    hit = read_dates.get(value)
                    if hit is None:
                        try:
                            hit = parse.dated(value)
                        except ValueError:
                            hit = _UNREADABLE
                        read_dates[value] = hit
                else:
                    try:
                        hit = parse.dated(value)
                    except ValueError:
                        hit = _UNREADABLE
                if hit is _UNREADABLE:
                    bad(
                        f,
                        _("无法识别的日期“%(v)s”，请写成 1985-03-01 或 1985.03。")
                        % {"v": cells[p]},
                    )
                    continue
                d, only_month = hit
                if only_month:
                    month_only.add(f)
                if d and d > today:
                    bad(f, _("日期不能晚于今天。"))
                read[f] = d
            g = cells[p_gender]
            if g and g not in parse.GENDERS:
                bad("gender", _("性别应为“男”或“女”。"))
            gender = parse.GENDERS.get(g)
            birth = read.get("birth_date")
            if info is not None:
                given = birth
                if (
                    given
                    and "birth_date" in month_only
                    and given.replace(day=1) == info.birth_date.replace(day=1)
                ):
                    given = info.birth_date  # 出生年月 1985.03 agrees with the ID's 1985-03-17
                for msg in idcard.check_consistency(info, birth_date=given, gender=gender):
                    bad("birth_date" if "出生" in msg else "gender", msg)
                birth = births.setdefault(info.birth_date, info.birth_date)
                gender = gender or info.gender
            joined = read.get("joined_on")
            if joined is None and "joined_on" not in bad_fields:
                bad("joined_on", _("入党时间为空。"))
            if birth and joined and joined < _add_years(birth, min_age):
                bad(
                    "joined_on",
                    _("入党时不满 %(n)d 周岁，请核对入党时间和出生日期。") % {"n": min_age},
                )
            full = read.get("full_on")
            if full and joined and full < joined:
                bad("full_on", _("转正时间早于入党时间。"))
            st = cells[p_status]
            if st and st not in parse.STATUSES:
                bad("status", _("党员身份应为“正式党员”或“预备党员”。"))
            status = parse.STATUSES.get(st) or (
                _FULL if full or not joined or _add_years(joined, 1) <= today else _PROBATIONARY
            )
            edu = cells[p_edu]
            if edu and edu not in parse.EDUCATION:
                bad("education", _("无法识别的学历“%(v)s”。") % {"v": edu})
            cat_text = cells[p_cats]
            cats = read_cats.get(cat_text)
            if cats is None:
                try:
                    cats = parse.categories(cat_text)
                except ValueError as exc:
                    cats = exc.args[0]
                read_cats[cat_text] = cats
            if type(cats) is str:
                bad("categories", _("无法识别的党员类别“%(v)s”。") % {"v": cats})
                cats = []
            mode = cells[p_mode]
            if mode and mode not in parse.MODES:
                bad("mode", _("管理方式应为“自管党员”或“双重管理”。"))
            org_name = cells[p_org]
            target = ctx.org_for(org_name, out) if org_name else home
            if target is None:
                reason = _("“%(v)s”不是%(o)s下您负责的党支部或社区党组织。") % {
                    "v": org_name,
                    "o": org.name,
                }
                if org_name:
                    if org_name not in out.suggested:
                        # bounded: a column of junk must not cost a comparison per name and target
                        out.suggested[org_name] = (
                            selectors.suggest(org_name, ctx.targets)
                            if len(out.suggested) < MAX_NAMES_SUGGESTED
                            else None
                        )
                    near = out.suggested[org_name]
                    if near is not None:
                        reason += _("最接近的是“%(n)s”（编码 %(c)s）。") % {
                            "n": near.name,
                            "c": near.code,
                        }
                    out.unknown.setdefault(org_name, []).append(n)
                bad_fields.add("org")
                problems.append(Problem(n, label.get("org", FIELDS["org"][0]), reason, org_name))
            h = b""
            if info is not None:
                # the hash made for the look-ups (of the same normalised number)
                h = numbered[i] or bytes.fromhex(crypto.blind_index(info.number))
                if h in hashes:
                    bad("id_number", _("与第 %(r)d 行的身份证号重复。") % {"r": hashes[h]})
                hashes.setdefault(h, n)
            if problems:
                out.problems.extend(problems)
                continue
            # a good row: on the register already (the same person: skipped), or new
            if mask is not None:
                hits = self.masked_rows.get((mask, name), ())
                if any(x.split("|")[0] == str(birth) for x in hits):
                    out.skipped += 1
                else:
                    out.problems.append(
                        Problem(
                            n,
                            label["id_number"],
                            _(
                                "身份证号被遮蔽（导出文件），且在册党员中找不到同一人；新党员请填写完整的身份证号。"
                            ),
                        )
                    )
                continue
            holder = registered.get(h)
            if holder is not None:
                if holder[0] == name and holder[1].startswith(org.path):
                    out.skipped += 1
                else:
                    out.problems.append(
                        Problem(
                            n,
                            label["id_number"],
                            _("与已在册党员重复（该身份证号已登记为其他人或在其他党组织）。"),
                        )
                    )
                continue
            number = info.number  # type: ignore[union-attr]  # not masked: parsed above
            hashed = h.hex()  # as the register keeps it
            self.likely.add(n, name, birth, hashed)
            created.append(
                _Checked(
                    n,
                    name,
                    gender,
                    birth,
                    joined,
                    full,
                    status,
                    parse.EDUCATION.get(edu, ""),
                    parse.MODES.get(mode, "self"),
                    target,  # type: ignore[arg-type]  # not None: else a problem above
                    cells[p_eth] or "汉族",
                    cells[p_unit],
                    cells[p_phone],
                    cells[p_addr],
                    cats,
                    number,
                    hashed,
                )
            )
        return created

    def finish(self, created: int) -> Outcome:
        """``out`` once every row is checked: its warnings, its problems in row order."""
        out = self.out
        out.warnings = self.likely.warnings(label=self.label, problem=Problem)
        if out.problems:
            out.problems.sort(key=lambda p: (p.row, p.column))
        else:
            out.to_create = created
        return out


def check(
    *,
    acting_user: Any,
    org: Organisation,
    headers: list[str],
    rows: list[list[Any]],
    mapping: dict[int, str],
    header_row: int = 1,
    today: dt.date | None = None,
    names: dict[str, Organisation] | None = None,
) -> tuple[Outcome, list[_Checked]]:
    """Check every row, writing nothing; the members to create when all are good. ``names``:
    organisation names as written → the organisation meant, for this import; each must be one
    the rows may go to (else ValidationError, nothing checked).

    One pass over the rows, each cell cleaned once; dates and categories, which repeat through a
    roster, are read once per distinct text."""
    checker = _Checker(
        acting_user=acting_user,
        org=org,
        headers=headers,
        rows=rows,
        mapping=mapping,
        header_row=header_row,
        today=today,
        names=names,
    )
    if checker.refused:
        return checker.out, []
    to_create: list[_Checked] = []
    for start in range(0, len(rows), WRITE_CHUNK):
        to_create += checker.chunk(start, min(start + WRITE_CHUNK, len(rows)))
    out = checker.finish(len(to_create))
    return out, (to_create if out.ok else [])


def _registered(hashes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The register as it stands, for the file's people only: ID hash → (name, organisation
    path) of the members holding these numbers. One query per 900 numbers (bounded size),
    written out: the ORM prepares every value of an ``IN`` list one by one, which at a hundred
    thousand numbers costs more than the database's lookups."""
    quote = connection.ops.quote_name
    members, orgs = Member._meta, Organisation._meta
    head = (
        f"SELECT m.{quote('id_hash')}, m.{quote('name')}, o.{quote('path')} "
        f"FROM {quote(members.db_table)} m JOIN {quote(orgs.db_table)} o "
        f"ON o.{quote(orgs.pk.column)} = m.{quote(members.get_field('org').column)} "
        f"WHERE m.{quote('id_hash')} IN "
    )
    found: dict[str, tuple[str, str]] = {}
    with connection.cursor() as cur:
        numbers = iter(hashes)
        while chunk := list(islice(numbers, 900)):
            cur.execute(head + "(" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
            for h, name, path in cur.fetchall():
                found[h] = (name, path)
    return found


def _columns(chunk: list[_Checked]) -> dict[str, list[Any]]:
    """Checked rows as ``BulkRegister.make`` takes them: a column of values per field, the ID
    number encrypted and masked (its hash made when it was checked), the name's search key
    (``search_key`` caches them)."""
    col = dict(zip(_Checked._fields, (list(c) for c in zip(*chunk, strict=True)), strict=True))
    keys = [search_key(name) for name in col["name"]]
    numbers = col.pop("number")
    for gone in ("n", "categories"):
        del col[gone]
    col["id_cipher"] = [crypto.encrypt(number) for number in numbers]
    col["id_hash"] = col.pop("hash")
    col["id_masked"] = [idcard.mask(number) for number in numbers]
    col["search_key"] = keys
    return col


class _Part(NamedTuple):
    stop: int  # the rows checked so far
    made: Made | None  # the members of the chunk, made (None: none, or the file is refused)


class _Refused(Exception):
    """A problem in the file: what was written is rolled back, the outcome returned."""


@transaction.atomic
def import_rows(
    *,
    acting_user: Any,
    org: Organisation,
    headers: list[str],
    rows: list[list[Any]],
    mapping: dict[int, str],
    filename: str,
    header_row: int = 1,
    dry_run: bool = False,
    today: dt.date | None = None,
    names: dict[str, Organisation] | None = None,
    remember: bool = False,
    progress: Callable[[int, int], None] | None = None,
    release_rows: bool = False,
) -> Outcome:
    """Check, then write every new member in one transaction; any bad row writes nothing.
    ``names``: see ``check``; with ``remember``, those the file used are remembered for the next
    import into ``org`` (in the same transaction: a failed import remembers nothing).

    The rows are checked a chunk at a time on a second thread (``core.bulk.built_ahead``), which
    also makes each good chunk's members while this thread writes the chunk before: checking,
    making and the database's inserts overlap. Until a problem is found the chunks are written
    as they come; once one is, the rest is only checked (every problem is reported) and what was
    written is rolled back — the outcome is the same as checking everything first.

    ``progress(done, total)``: called after each chunk, with how many of the file's ``total``
    rows are checked (and, while the file is good, their members written) — not for a dry run.
    It runs inside the import's transaction — uncommitted, and on SQLite holding the write
    lock — so progress meant for others must not go to the database.

    ``release_rows``: for a caller that has no more use for ``rows`` (the background import):
    each row is let go once it is checked (``None`` in its place) and the list is emptied once
    the members are written, so the sheet is not held while they are (~35 MB less at the peak
    for a hundred thousand rows). A dry run keeps them."""
    if dry_run:
        out, _to_create = check(
            acting_user=acting_user,
            org=org,
            headers=headers,
            rows=rows,
            mapping=mapping,
            header_row=header_row,
            today=today,
            names=names,
        )
        return out
    checker = _Checker(
        acting_user=acting_user,
        org=org,
        headers=headers,
        rows=rows,
        mapping=mapping,
        header_row=header_row,
        today=today,
        names=names,
        release=release_rows,
    )
    out = checker.out
    if checker.refused:
        return out
    note = _("名册导入：%(f)s") % {"f": filename[:100]}
    total = len(rows)
    language = translation.get_language()
    try:
        with transaction.atomic():  # rolled back, and only that, when the file is refused
            register = BulkRegister(acting_user=acting_user, count=checker.upper, note=note)

            def step(start: int) -> _Part:  # on the builder thread: no database here
                stop = min(start + WRITE_CHUNK, total)
                with translation.override(language):  # the messages in the user's language
                    good = checker.chunk(start, stop)
                if out.problems or not good:
                    return _Part(stop, None)
                made = register.make(
                    members=_columns(good), categories=[rec.categories for rec in good]
                )
                return _Part(stop, made)

            created = 0
            with _bulk_cache(), closing(built_ahead(step, range(0, total, WRITE_CHUNK))) as parts:
                for part in parts:
                    if part.made is not None:
                        write(part.made.batch)
                        created += len(part.made.ids)
                    if progress is not None:
                        progress(part.stop, total)
            checker.finish(created)
            if not out.ok:
                raise _Refused
            register.give_back()  # the ids reserved and not used (rows skipped)
    except _Refused:
        return out
    if release_rows:
        rows.clear()
    if remember and out.mapped:
        alias_remember(acting_user=acting_user, scope=org, names=out.mapped)
    out.created = created
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    out.run = ImportRun.objects.create(
        org=org,
        filename=filename[:200],
        rows=out.rows,
        created=out.created,
        skipped=out.skipped,
        by=user,
    )
    audit.record(
        action=AuditEntry.Action.CREATE,
        obj=out.run,
        acting_user=acting_user,
        changes={"rows": out.rows, "created": out.created, "skipped": out.skipped},
    )
    return out


@contextmanager
def _bulk_cache() -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while the rows are written (its
    default 2 MB is outgrown by the indexes of a big import, and each insert with a random key
    then reads pages back); the setting as it was afterwards. Durability is not touched."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        (before,) = cur.fetchone()
        cur.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


# ---- remembered organisation names -------------------------------------------------------------


@transaction.atomic
def alias_remember(
    *, acting_user: Any, scope: Organisation, names: dict[str, Organisation]
) -> list[OrgAlias]:
    """Remember, for imports into ``scope`` (and below it), which organisation each written name
    means. Every target must be one the rows of such an import may go to; one that is not makes
    the whole call a ValidationError that writes nothing. A name remembered before is pointed at
    the new organisation (audited as a change)."""
    if not scope_for(acting_user).reaches_path(scope.path, CHANGE):
        raise PermissionDenied(_("只能为您负责的党组织记住名称对应。"))
    allowed = set(
        selectors.import_targets(user=acting_user, org=scope).values_list("pk", flat=True)
    )
    wanted: dict[str, Organisation] = {}
    errors: list[str] = []
    for raw, target in names.items():
        written = parse.text(raw)
        if not written or len(written) > OrgAlias._meta.get_field("written").max_length:
            errors.append(_("“%(w)s”不是可以记住的名称（为空或太长）。") % {"w": raw})
        elif target.pk not in allowed:
            # the same words for a missing and a forbidden organisation: nothing is revealed
            errors.append(
                _("“%(w)s”不能对应到%(o)s下您负责的党支部或社区党组织以外的组织。")
                % {"w": written, "o": scope.name}
            )
        else:
            wanted[written] = target
    if errors:
        raise ValidationError(errors)
    existing = {
        a.written: a
        for a in OrgAlias.objects.select_for_update().filter(scope=scope, written__in=list(wanted))
    }
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    out: list[OrgAlias] = []
    for written, target in wanted.items():
        alias = existing.get(written)
        if alias is None:
            alias = OrgAlias.objects.create(scope=scope, written=written, org=target, by=user)
            audit.record_create(alias, acting_user=acting_user)
        elif alias.org_id != target.pk:
            before = audit.snapshot(alias)
            alias.org, alias.by = target, user
            alias.save(update_fields=["org", "by"])
            audit.record(
                action=AuditEntry.Action.UPDATE,
                obj=alias,
                acting_user=acting_user,
                changes=audit.diff(before, audit.snapshot(alias)),
            )
        out.append(alias)
    return out


@transaction.atomic
def alias_delete(*, acting_user: Any, alias: OrgAlias) -> None:
    """Forget a remembered name: the next import that writes it asks again."""
    alias = OrgAlias.objects.select_related("scope", "org").get(pk=alias.pk)
    if not scope_for(acting_user).reaches_path(alias.scope.path, CHANGE):
        raise PermissionDenied(_("只能删除您负责的党组织的名称对应。"))
    audit.record_delete(alias, acting_user=acting_user)
    alias.delete()


def resolve_codes(
    *, acting_user: Any, org: Organisation, pairs: dict[str, str]
) -> dict[str, Organisation]:
    """Written name → organisation code (the command line's ``--map``) as written name →
    organisation, each one the rows of an import into ``org`` may go to. A code that names no
    such organisation — missing, or outside the user's part of the tree, the same answer — makes
    it a ValidationError listing every bad pair."""
    targets = {
        o.code: o
        for o in selectors.import_targets(user=acting_user, org=org).filter(
            code__in={c.strip() for c in pairs.values()}
        )
    }
    out: dict[str, Organisation] = {}
    errors: list[str] = []
    for written, code in pairs.items():
        target = targets.get(code.strip())
        if not parse.text(written) or target is None:
            errors.append(
                _("对应“%(w)s=%(c)s”无效：%(o)s下没有您负责的、编码为 %(c)s 的党支部或社区党组织。")
                % {"w": written, "c": code.strip(), "o": org.name}
            )
        else:
            out[parse.text(written)] = target
    if errors:
        raise ValidationError(errors)
    return out
