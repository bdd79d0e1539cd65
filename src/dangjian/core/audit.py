"""Writing the audit trail. Services call these inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry

# Fields never written into the audit in clear: their changes are recorded as "changed".
SECRET_FIELDS = {"id_cipher", "id_hash", "password", "key_hash"}
SKIP_FIELDS = {"version", "created_at", "updated_at", "search_key"}


def plain(value: Any) -> Any:
    """A field's value as JSON-friendly data (dates as ISO text, rows as their key)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, as JSON-friendly data."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in SKIP_FIELDS:
            continue
        data[f.name] = plain(getattr(obj, f.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            if key in SECRET_FIELDS:
                out[key] = {"before": "***", "after": "***(已修改)"}
            else:
                out[key] = {"before": old, "after": new}
    return out


def scope_path_of(obj: Any) -> str:
    """The organisation path an object belongs to (for scoping who may read its audit)."""
    getter = getattr(obj, "audit_scope_path", None)
    if callable(getter):
        return getter() or ""
    return ""


def record(
    *,
    action: str,
    obj: models.Model | None,
    acting_user: Any,
    changes: dict[str, Any] | None = None,
    field: str = "",
    ip: str | None = None,
    scope_path: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(
            object_repr if object_repr is not None else str(obj) if obj is not None else ""
        )[:200],
        field=field,
        changes=changes or {},
        scope_path=scope_path
        if scope_path is not None
        else (scope_path_of(obj) if obj is not None else ""),
        ip=ip,
    )


def record_create(obj: models.Model, *, acting_user: Any) -> AuditEntry:
    return record(
        action=AuditEntry.Action.CREATE,
        obj=obj,
        acting_user=acting_user,
        changes=diff({}, snapshot(obj)),
    )


def record_delete(obj: models.Model, *, acting_user: Any) -> AuditEntry:
    return record(
        action=AuditEntry.Action.DELETE,
        obj=obj,
        acting_user=acting_user,
        changes=diff(snapshot(obj), {}),
    )


def record_read(obj: models.Model, *, acting_user: Any, ip: str | None = None) -> AuditEntry:
    """A read of a record of personal detail (a household, a case, a tenant — SPEC §8 need-to-know):
    who opened what, and when. Not only changes are audited here; the object column holds the
    model's ``__str__``, which for such records never carries the personal detail itself."""
    return record(action=AuditEntry.Action.READ, obj=obj, acting_user=acting_user, ip=ip)
