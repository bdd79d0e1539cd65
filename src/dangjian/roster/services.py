"""Roster import: every row checked first, then all written in one transaction — or nothing.

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
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto, idcard, rules
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.search import search_key
from dangjian.members.models import Member, Status
from dangjian.members.services_bulk import bulk_register
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, Organisation

from . import likely, parse, selectors
from .bounds import MAX_ROWS
from .columns import FIELDS, REQUIRED
from .models import ImportRun, OrgAlias

#: distinct unknown organisation names that get a proposal (and are offered for mapping)
MAX_NAMES_SUGGESTED = 200


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


def _cell(row: list[Any], i: int | None) -> Any:
    return row[i] if i is not None and i < len(row) else None


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
) -> tuple[Outcome, list[tuple[dict[str, Any], list[str]]]]:
    """Check every row; the members to create (their field values, their categories) when all
    are good. ``names``: organisation names as written → the organisation meant, for this
    import; each must be one the rows may go to (else ValidationError, nothing checked)."""
    today = today or timezone.localdate()
    if not scope_for(acting_user).reaches_path(org.path, CHANGE):
        raise PermissionDenied(_("只能导入到您负责的党组织。"))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("一次最多导入 %(n)d 行，请分批导入。") % {"n": MAX_ROWS})
    ctx = _Context(org=org, acting_user=acting_user, today=today, names=names or {})
    col = {f: i for i, f in mapping.items()}
    label = {
        f: (headers[i] if i < len(headers) and headers[i] else FIELDS[f][0]) for f, i in col.items()
    }
    out = Outcome(rows=len(rows))
    missing = [FIELDS[f][0] for f in REQUIRED if f not in col]
    if missing:
        out.problems.append(
            Problem(
                header_row,
                "、".join(missing),
                _("缺少必需的列：%(c)s。") % {"c": "、".join(missing)},
            )
        )
        return out, []
    if "org" not in col and not ctx.holds_members:
        out.problems.append(
            Problem(
                header_row, FIELDS["org"][0], _("导入到街道、镇一级时，表中须有“所在党组织”一列。")
            )
        )
        return out, []

    parsed: list[tuple[int, dict[str, Any]]] = []
    for n, row in enumerate(rows, start=header_row + 1):
        values = {f: _cell(row, i) for f, i in col.items()}
        if not any(parse.text(v) for v in values.values()):
            continue  # an empty line in the middle
        parsed.append((n, values))

    hashes: dict[str, int] = {}
    numbers: dict[int, idcard.IdInfo] = {}
    masked: dict[int, str] = {}
    records: list[tuple[int, dict[str, Any], list[str]]] = []
    for n, v in parsed:
        problems: list[Problem] = []

        bad_fields: set[str] = set()

        def bad(f: str, reason: str) -> None:
            bad_fields.add(f)  # noqa: B023
            problems.append(Problem(n, label.get(f, FIELDS[f][0]), reason))  # noqa: B023

        name = parse.text(v.get("name"))
        if not name:
            bad("name", _("姓名为空。"))
        raw_id = parse.text(v.get("id_number")).replace(" ", "")
        info = None
        if "*" in raw_id:
            masked[n] = raw_id.upper()
        else:
            try:
                info = idcard.parse(raw_id)
                numbers[n] = info
            except ValidationError as exc:
                bad("id_number", exc.messages[0])
        fields: dict[str, Any] = {"name": name}
        month_only: set[str] = set()
        for f in ("birth_date", "joined_on", "full_on"):
            try:
                d, only_month = parse.dated(v.get(f))
                if only_month:
                    month_only.add(f)
            except ValueError:
                bad(
                    f,
                    _("无法识别的日期“%(v)s”，请写成 1985-03-01 或 1985.03。")
                    % {"v": parse.text(v.get(f))},
                )
                continue
            if d and d > today:
                bad(f, _("日期不能晚于今天。"))
            fields[f] = d
        g = parse.text(v.get("gender"))
        if g and g not in parse.GENDERS:
            bad("gender", _("性别应为“男”或“女”。"))
        fields["gender"] = parse.GENDERS.get(g)
        if info is not None:
            given = fields.get("birth_date")
            if (
                given
                and "birth_date" in month_only
                and given.replace(day=1) == info.birth_date.replace(day=1)
            ):
                given = info.birth_date  # 出生年月 1985.03 agrees with the ID's 1985-03-17
            for msg in idcard.check_consistency(info, birth_date=given, gender=fields["gender"]):
                bad("birth_date" if "出生" in msg else "gender", msg)
            fields["birth_date"] = info.birth_date
            fields["gender"] = fields["gender"] or info.gender
        if fields.get("joined_on") is None and "joined_on" not in bad_fields:
            bad("joined_on", _("入党时间为空。"))
        birth, joined = fields.get("birth_date"), fields.get("joined_on")
        if birth and joined and joined < _add_years(birth, ctx.min_age):
            bad(
                "joined_on",
                _("入党时不满 %(n)d 周岁，请核对入党时间和出生日期。") % {"n": ctx.min_age},
            )
        full = fields.get("full_on")
        if full and joined and full < joined:
            bad("full_on", _("转正时间早于入党时间。"))
        st = parse.text(v.get("status"))
        if st and st not in parse.STATUSES:
            bad("status", _("党员身份应为“正式党员”或“预备党员”。"))
        fields["status"] = parse.STATUSES.get(st) or (
            Status.FULL
            if full or not joined or _add_years(joined, 1) <= today
            else Status.PROBATIONARY
        )
        edu = parse.text(v.get("education"))
        if edu and edu not in parse.EDUCATION:
            bad("education", _("无法识别的学历“%(v)s”。") % {"v": edu})
        fields["education"] = parse.EDUCATION.get(edu, "")
        try:
            cats = parse.categories(v.get("categories"))
        except ValueError as exc:
            bad("categories", _("无法识别的党员类别“%(v)s”。") % {"v": exc.args[0]})
            cats = []
        mode = parse.text(v.get("mode"))
        if mode and mode not in parse.MODES:
            bad("mode", _("管理方式应为“自管党员”或“双重管理”。"))
        fields["mode"] = parse.MODES.get(mode, "self")
        org_name = parse.text(v.get("org"))
        target = ctx.org_for(org_name, out) if org_name else (org if ctx.holds_members else None)
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
        fields["org"] = target
        for f in ("ethnicity", "work_unit", "phone", "address"):
            fields[f] = parse.text(v.get(f))
        fields["ethnicity"] = fields["ethnicity"] or "汉族"
        if info is not None:
            h = crypto.blind_index(info.number)
            if h in hashes:
                bad("id_number", _("与第 %(r)d 行的身份证号重复。") % {"r": hashes[h]})
            hashes.setdefault(h, n)
            fields["_hash"] = h
        out.problems.extend(problems)
        if not problems:
            records.append((n, fields, cats))

    # the register as it stands, for the file's people only (chunked: bounded query size)
    existing: dict[str, tuple[str, str]] = {}
    keys = list(hashes)
    for i in range(0, len(keys), 900):
        for h, name, path in Member.objects.filter(id_hash__in=keys[i : i + 900]).values_list(
            "id_hash", "name", "org__path"
        ):
            existing[h] = (name, path)
    masked_rows: dict[tuple[str, str], list[str]] = {}
    if masked:
        for mask, name, birth, path in (
            Member.objects.visible_to(acting_user)
            .filter(id_masked__in=set(masked.values()))
            .values_list("id_masked", "name", "birth_date", "org__path")
        ):
            masked_rows.setdefault((mask, name), []).append(f"{birth}|{path}")

    to_create: list[tuple[dict[str, Any], list[str]]] = []
    new_rows: list[tuple[int, dict[str, Any]]] = []
    for n, fields, cats in records:
        h = fields.pop("_hash", None)
        org_of_row: Organisation = fields["org"]
        if n in masked:
            hits = masked_rows.get((masked[n], fields["name"]), [])
            if any(x.split("|")[0] == str(fields.get("birth_date")) for x in hits):
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
        if h in existing:
            name, path = existing[h]
            if name == fields["name"] and path.startswith(org.path):
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
        info = numbers[n]
        fields.update(
            id_cipher=crypto.encrypt(info.number),
            id_hash=h,
            id_masked=idcard.mask(info.number),
            search_key=search_key(fields["name"]),
            org=org_of_row,
        )
        to_create.append((fields, cats))
        new_rows.append((n, fields))
    out.warnings = likely.warnings(
        acting_user=acting_user, rows=new_rows, label=label, problem=Problem
    )
    if out.problems:
        out.problems.sort(key=lambda p: (p.row, p.column))
        return out, []
    out.to_create = len(to_create)
    return out, to_create


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
) -> Outcome:
    """Check, then write every new member in one transaction; any bad row writes nothing.
    ``names``: see ``check``; with ``remember``, those the file used are remembered for the next
    import into ``org`` (in the same transaction: a failed import remembers nothing)."""
    out, to_create = check(
        acting_user=acting_user,
        org=org,
        headers=headers,
        rows=rows,
        mapping=mapping,
        header_row=header_row,
        today=today,
        names=names,
    )
    if not out.ok or dry_run:
        return out
    if remember and out.mapped:
        alias_remember(acting_user=acting_user, scope=org, names=out.mapped)
    bulk_register(
        acting_user=acting_user,
        members=[m for m, _c in to_create],
        categories=[c for _m, c in to_create],
        note=_("名册导入：%(f)s") % {"f": filename[:100]},
    )
    out.created = len(to_create)
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
