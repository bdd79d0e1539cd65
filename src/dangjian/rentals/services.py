"""Writes to the register of rented housing and floating population: atomic, audited, with
optimistic locking (``version``). Nothing is written unless every check passes.

Reach is need-to-know (:mod:`dangjian.grid.access`): the household of a dwelling must be one the
acting user reaches through a changing grant on its community or a grid cadre's duty on its area.
The full ID number of a tenant is shown only through :func:`tenant_reveal_id`, which is logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update
from dangjian.grid.access import AreaScopedQuerySet
from dangjian.members.services import id_fields
from dangjian.orgs.models import Place, PlaceKind

from .models import Dwelling, Tenant

DWELLING_FIELDS = (
    "landlord_name",
    "landlord_phone",
    "rented_since",
    "police_registered_on",
    "note",
)
TENANT_FIELDS = (
    "name",
    "phone",
    "move_in",
    "move_out",
    "permit_number",
    "permit_expires",
    "origin",
)


class HouseholdQuerySet(AreaScopedQuerySet):
    """Households of the places tree, scoped like grid records."""

    scope_path = "community__path"
    place_path = "path"


def households_reachable(user: Any) -> HouseholdQuerySet:
    """The households the user may register a dwelling on (need-to-know)."""
    return HouseholdQuerySet(model=Place).changeable_by(user).filter(kind=PlaceKind.HOUSEHOLD)


def _check_household(household: Place, acting_user: Any) -> None:
    if household.kind != PlaceKind.HOUSEHOLD:
        raise ValidationError({"household": _("出租房屋须是区域中的“户”。")})
    if not households_reachable(acting_user).filter(pk=household.pk).exists():
        raise PermissionDenied(_("只能登记您负责的社区或网格中的房屋。"))


def _check_dwelling(dwelling: Dwelling, acting_user: Any) -> None:
    if not Dwelling.objects.changeable_by(acting_user).filter(pk=dwelling.pk).exists():
        raise PermissionDenied(_("只能修改您负责的社区或网格中的出租房屋。"))


def _not_future(field: str, day: dt.date | None, today: dt.date) -> None:
    if day and day > today:
        raise ValidationError({field: _("日期不能晚于今天。")})


def tenant_id_fields(raw: str) -> dict[str, Any]:
    """The stored fields of an ID number — encrypted and masked exactly as a member's; an invalid
    number is refused with the reason (field ``id_number``)."""
    if not (raw or "").strip():
        raise ValidationError({"id_number": _("请填写身份证号。")})
    try:
        return id_fields(raw)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None


@transaction.atomic
def dwelling_register(*, acting_user: Any, household: Place, **data: Any) -> Dwelling:
    """Register a household as rented out (出租房屋)."""
    unknown = set(data) - set(DWELLING_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _check_household(household, acting_user)
    if Dwelling.objects.filter(household=household).exists():
        raise ValidationError({"household": _("这户已登记为出租房屋。")})
    today = timezone.localdate()
    _not_future("police_registered_on", data.get("police_registered_on"), today)
    dwelling = Dwelling(household=household, **data)
    dwelling.full_clean()
    dwelling.save()
    audit.record_create(dwelling, acting_user=acting_user)
    return dwelling


@transaction.atomic
def dwelling_update(
    dwelling: Dwelling, *, data: dict[str, Any], acting_user: Any, expected_version: int | None
) -> Dwelling:
    unknown = set(data) - set(DWELLING_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _check_dwelling(dwelling, acting_user)
    _not_future("police_registered_on", data.get("police_registered_on"), timezone.localdate())
    return audited_update(
        dwelling, data=data, acting_user=acting_user, expected_version=expected_version
    )


def _tenant_checks(tenant: Tenant, today: dt.date) -> None:
    _not_future("move_in", tenant.move_in, today)
    _not_future("move_out", tenant.move_out, today)


def _not_living_there(dwelling: Dwelling, id_hash: str, exclude: int | None = None) -> None:
    qs = Tenant.objects.filter(dwelling=dwelling, id_hash=id_hash, move_out__isnull=True)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ValidationError({"id_number": _("此人已登记在这处出租房屋中，请勿重复登记。")})


def tenant_build(*, dwelling: Dwelling, id_number: str, **data: Any) -> Tenant:
    """A tenant checked but not saved (used by the form and by the import)."""
    unknown = set(data) - set(TENANT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    ids: dict[str, Any] = {}
    try:
        ids = tenant_id_fields(id_number)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    tenant = Tenant(dwelling=dwelling, **ids, **data)
    try:
        _tenant_checks(tenant, timezone.localdate())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        tenant.full_clean(exclude=["dwelling", "id_cipher", "id_hash", "id_masked"])
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, v)
    if errors:
        raise ValidationError(errors)
    return tenant


@transaction.atomic
def tenant_add(*, acting_user: Any, dwelling: Dwelling, id_number: str, **data: Any) -> Tenant:
    """Register a tenant of a dwelling (流动人口登记)."""
    _check_dwelling(dwelling, acting_user)
    tenant = tenant_build(dwelling=dwelling, id_number=id_number, **data)
    _not_living_there(dwelling, tenant.id_hash)
    tenant.save()
    audit.record_create(tenant, acting_user=acting_user)
    return tenant


@transaction.atomic
def tenant_update(
    tenant: Tenant, *, data: dict[str, Any], acting_user: Any, expected_version: int | None
) -> Tenant:
    """Change a tenant's details; ``id_number`` replaces the stored number."""
    data = dict(data)
    raw_id = data.pop("id_number", None)
    unknown = set(data) - set(TENANT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _check_dwelling(tenant.dwelling, acting_user)
    if raw_id:
        ids = tenant_id_fields(raw_id)
        if ids["id_hash"] != tenant.id_hash:
            _not_living_there(tenant.dwelling, ids["id_hash"], exclude=tenant.pk)
            data.update(ids)
    probe = Tenant(
        **{f: data.get(f, getattr(tenant, f)) for f in ("move_in", "move_out")},
    )
    _tenant_checks(probe, timezone.localdate())
    return audited_update(
        tenant, data=data, acting_user=acting_user, expected_version=expected_version
    )


def tenant_move_out(
    tenant: Tenant, *, move_out: dt.date, acting_user: Any, expected_version: int | None
) -> Tenant:
    """Record that a tenant moved out (搬离)."""
    if tenant.move_out:
        raise ValidationError({"move_out": _("已登记搬离，无需重复登记。")})
    return tenant_update(
        tenant,
        data={"move_out": move_out},
        acting_user=acting_user,
        expected_version=expected_version,
    )


def tenant_reveal_id(tenant: Tenant, *, acting_user: Any, ip: str | None = None) -> str:
    """The full ID number, for a deliberate reveal; every call is logged."""
    _check_dwelling(tenant.dwelling, acting_user)
    audit.record(
        action=AuditEntry.Action.REVEAL,
        obj=tenant,
        acting_user=acting_user,
        field="id_number",
        ip=ip,
    )
    return full_id(tenant)


def full_id(tenant: Tenant) -> str:
    """The decrypted ID number; the mask when the ciphertext cannot be read (a key changed or a
    row edited by hand) — never a crash of a page or a ledger."""
    try:
        return crypto.decrypt(tenant.id_cipher)
    except (InvalidToken, ValueError):
        return tenant.id_masked
