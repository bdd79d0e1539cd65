"""Import of the 出租房屋/流动人口 registers communities already keep in Excel — with the roster
import's machinery (:mod:`dangjian.roster`), not a second importer:

* the file is read by ``roster.reader`` (python-calamine for .xlsx/.xls, the csv module for .csv,
  every cap of ``roster.bounds`` checked before anything is built);
* cells are read by ``roster.parse`` (dates as people type them, full-width digits, Excel serials);
* headers are compared after ``roster.columns.norm_header``;
* problems are ``roster.services.Problem`` (row as Excel shows it, column as the file names it,
  the reason in Chinese), shown with the same table as the roster preview.

One sheet: a row per tenant, with the dwelling (the household's name or address in the community
imported into), the landlord, the tenant's name and ID number, move-in and the residence permit.
Every row is checked first; if any row fails nothing is written. A tenant already registered in
that dwelling (same ID number, not moved out) is skipped, so importing a file again is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organisation
from dangjian.roster import parse, reader
from dangjian.roster.bounds import MAX_ROWS
from dangjian.roster.columns import norm_header
from dangjian.roster.services import Problem

from . import services
from .models import Dwelling, Tenant

#: field → (the header we write, the variants we recognise)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "household": (
        "房屋地址",
        (
            "房屋地址",
            "出租房屋地址",
            "出租房屋",
            "房屋",
            "住户",
            "户",
            "门牌号",
            "地址",
            "租住地址",
        ),
    ),
    "landlord_name": ("房东姓名", ("房东姓名", "房东", "房主", "房主姓名", "出租人")),
    "landlord_phone": ("房东电话", ("房东电话", "房东联系电话", "房主电话", "出租人电话")),
    "name": ("姓名", ("姓名", "租户姓名", "承租人", "承租人姓名", "流动人口姓名")),
    "id_number": (
        "身份证号",
        ("身份证号", "身份证号码", "公民身份号码", "身份证", "居民身份证号码"),
    ),
    "phone": ("联系电话", ("联系电话", "租户电话", "手机", "手机号", "电话", "手机号码")),
    "move_in": ("入住日期", ("入住日期", "入住时间", "租住日期", "来本地日期")),
    "move_out": ("搬离日期", ("搬离日期", "搬离时间", "退租日期")),
    "permit_number": ("居住证号", ("居住证号", "居住证编号", "居住证号码")),
    "permit_expires": (
        "居住证有效期至",
        ("居住证有效期至", "居住证有效期", "居住证到期日期", "居住证到期", "有效期至"),
    ),
    "origin": ("户籍地", ("户籍地", "户籍地址", "户籍所在地", "籍贯")),
}
REQUIRED = ("household", "name", "id_number", "move_in")
MIN_KNOWN = 3
DATE_FIELDS = ("move_in", "move_out", "permit_expires")

_LOOKUP = {norm_header(v): f for f, (_label, variants) in FIELDS.items() for v in variants}


def detect(headers: list[Any]) -> dict[int, str]:
    """Column index → field, for the headers we recognise (the first of a duplicate wins)."""
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        f = _LOOKUP.get(norm_header(h))
        if f and f not in out.values():
            out[i] = f
    return out


def read(data: bytes, filename: str) -> reader.Sheet:
    """The sheet, read by the roster's reader with this register's columns: the header row is
    the first of the first ten that names at least three of them (the roster's rule)."""
    return reader.read(
        data,
        filename,
        detect=detect,
        missing=_(
            "没有找到表头：前 10 行中没有一行包含“房屋地址”“姓名”“身份证号”“入住日期”等列名。"
        ),
    )


@dataclass
class Outcome:
    rows: int
    created: int = 0
    dwellings_created: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _key(text: str) -> str:
    return "".join(parse.text(text).split())


def _households(acting_user: Any, community: Organisation) -> dict[str, Any]:
    """Name or address (without spaces) → household, for the households the user reaches."""
    index: dict[str, Any] = {}
    qs = services.households_reachable(acting_user).filter(community=community)
    for h in qs.only("pk", "name", "address", "path", "community_id"):
        for k in (_key(h.name), _key(h.address)):
            if k:
                index.setdefault(k, h)
    return index


@dataclass
class _Row:
    n: int
    household: Any
    landlord: dict[str, Any]
    tenant: Tenant


def check(
    *, acting_user: Any, community: Organisation, sheet: reader.Sheet
) -> tuple[Outcome, list[_Row]]:
    """Every row checked; the rows to write when all are good."""
    if len(sheet.rows) > MAX_ROWS:
        raise ValidationError(_("一次最多导入 %(n)d 行，请分批导入。") % {"n": MAX_ROWS})
    mapping = detect(sheet.headers)
    col = {f: i for i, f in mapping.items()}
    label = {f: (sheet.headers[i] or FIELDS[f][0]) for f, i in col.items()}
    out = Outcome(rows=0)
    missing = [FIELDS[f][0] for f in REQUIRED if f not in col]
    if missing:
        out.problems.append(
            Problem(
                sheet.header_row,
                "、".join(missing),
                _("缺少必需的列：%(c)s。") % {"c": "、".join(missing)},
            )
        )
        return out, []
    households = _households(acting_user, community)
    existing = {
        d.household_id: d
        for d in Dwelling.objects.filter(household__community=community).select_related("household")
    }
    living: set[tuple[int, str]] = set(
        Tenant.objects.filter(
            dwelling__household__community=community, move_out__isnull=True
        ).values_list("dwelling__household_id", "id_hash")
    )
    seen: dict[tuple[int, str], int] = {}
    landlords: dict[int, dict[str, Any]] = {}
    good: list[_Row] = []
    for n, row in enumerate(sheet.rows, start=sheet.header_row + 1):
        values = {f: (row[i] if i < len(row) else None) for f, i in col.items()}
        if not any(parse.text(v) for v in values.values()):
            continue
        out.rows += 1
        problems: list[Problem] = []

        def bad(f: str, reason: str) -> None:
            problems.append(Problem(n, label.get(f, FIELDS[f][0]), reason))  # noqa: B023

        where = parse.text(values.get("household"))
        household = households.get(_key(where)) if where else None
        if not where:
            bad("household", _("请填写房屋地址。"))
        elif household is None:
            bad(
                "household",
                _("在%(c)s中找不到“%(w)s”这一户（或不在您负责的网格中）。")
                % {"c": community.name, "w": where},
            )
        data: dict[str, Any] = {}
        for f in DATE_FIELDS:
            if f in values:
                try:
                    data[f] = parse.date(values[f])
                except ValueError:
                    bad(f, _("“%(v)s”不是可识别的日期。") % {"v": parse.text(values[f])})
        for f in ("name", "phone", "permit_number", "origin"):
            if f in values:
                data[f] = parse.text(values[f])
        landlord = {
            "landlord_name": parse.text(values.get("landlord_name")),
            "landlord_phone": parse.text(values.get("landlord_phone")),
        }
        if household is not None and household.pk not in existing:
            if landlord["landlord_name"]:
                landlords.setdefault(household.pk, landlord)
            elif household.pk not in landlords:
                bad("landlord_name", _("这户尚未登记为出租房屋，请填写房东姓名。"))
        tenant = None
        date_ok = not any(p.column == label.get("move_in") for p in problems)
        if date_ok and not data.get("move_in"):
            bad("move_in", _("请填写入住日期。"))
            date_ok = False
        raw_id = parse.text(values.get("id_number"))
        try:
            if date_ok:
                dwelling = existing.get(household.pk) if household is not None else None
                tenant = services.tenant_build(
                    dwelling=dwelling or Dwelling(), id_number=raw_id, **data
                )
            else:
                services.tenant_id_fields(raw_id)
        except ValidationError as exc:
            for f, msgs in exc.message_dict.items():
                for m in msgs:
                    bad(f if f in FIELDS else "name", m)
        if tenant is not None and household is not None:
            key = (household.pk, tenant.id_hash)
            if key in seen:
                bad(
                    "id_number",
                    _("与第 %(r)d 行是同一人、同一处房屋，重复了。") % {"r": seen[key]},
                )
            seen.setdefault(key, n)
        if problems:
            out.problems.extend(problems)
            continue
        if (household.pk, tenant.id_hash) in living:
            out.skipped += 1
            continue
        good.append(_Row(n, household, landlord, tenant))
    return out, good


@transaction.atomic
def import_sheet(
    *,
    acting_user: Any,
    community: Organisation,
    sheet: reader.Sheet,
    filename: str,
    dry_run: bool = False,
) -> Outcome:
    """Check every row, then write them all in one transaction — or nothing at all."""
    out, good = check(acting_user=acting_user, community=community, sheet=sheet)
    if not out.ok or dry_run:
        return out
    landlords: dict[int, dict[str, Any]] = {}
    for r in good:
        if r.landlord["landlord_name"]:
            landlords.setdefault(r.household.pk, r.landlord)
    dwellings = {d.household_id: d for d in Dwelling.objects.filter(household__community=community)}
    for r in good:
        dwelling = dwellings.get(r.household.pk)
        if dwelling is None:
            dwelling = services.dwelling_register(
                acting_user=acting_user,
                household=r.household,
                rented_since=r.tenant.move_in,
                **landlords[r.household.pk],
            )
            dwellings[r.household.pk] = dwelling
            out.dwellings_created += 1
        t = r.tenant
        t.dwelling = dwelling
        t.save()
        audit.record_create(t, acting_user=acting_user)
        out.created += 1
    audit.record(
        action=AuditEntry.Action.CREATE,
        obj=None,
        acting_user=acting_user,
        field="rentals.import",
        changes={
            "file": filename[:100],
            "rows": out.rows,
            "created": out.created,
            "dwellings": out.dwellings_created,
            "skipped": out.skipped,
        },
        scope_path=community.path,
    )
    return out


def import_file(
    *, acting_user: Any, community: Organisation, data: bytes, filename: str, dry_run: bool = False
) -> Outcome:
    """Read the file with the roster's reader, then :func:`import_sheet`."""
    from dangjian.core.access import scope_for
    from dangjian.grid.access import duty_area_paths

    scope = scope_for(acting_user)
    if not (scope.everything or scope.change_paths or duty_area_paths(acting_user)):
        raise PermissionDenied(_("您没有登记出租房屋的权限。"))
    sheet = read(data, filename)
    return import_sheet(
        acting_user=acting_user,
        community=community,
        sheet=sheet,
        filename=filename,
        dry_run=dry_run,
    )
