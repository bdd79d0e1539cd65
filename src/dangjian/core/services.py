"""Generic writes shared by every app: audited create/update/delete with optimistic locking."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEntry


class ConflictError(ValidationError):
    """Someone else saved the record since the user opened it."""


@transaction.atomic
def user_or_none(acting_user: Any) -> Any:
    """The user to record as author (``recorded_by``, ``created_by`` …): None for scripts, the
    demo and tests that act without a logged-in user."""
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def audited_create(model: type[models.Model], *, data: dict[str, Any], acting_user: Any) -> Any:
    obj = model(**data)
    obj.full_clean()
    obj.save()
    audit.record_create(obj, acting_user=acting_user)
    return obj


@transaction.atomic
def audited_update(
    obj: models.Model,
    *,
    data: dict[str, Any],
    acting_user: Any,
    expected_version: int | None = None,
) -> Any:
    """Apply ``data`` to ``obj`` if nobody changed it meanwhile; audit the difference.

    ``expected_version`` is the version the user's form was built from. When it no longer
    matches, nothing is written and :class:`ConflictError` explains what to do.
    """
    model = type(obj)
    current = model._default_manager.select_for_update().get(pk=obj.pk)
    if (
        expected_version is not None
        and hasattr(current, "version")
        and current.version != expected_version
    ):
        raise ConflictError(
            _(
                "该记录已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再保存。"
            )
            % {"mine": expected_version, "now": current.version},
            code="conflict",
        )
    before = audit.snapshot(current)
    for key, val in data.items():
        setattr(current, key, val)
    current.full_clean()
    after = audit.snapshot(current)
    changes = audit.diff(before, after)
    if not changes:
        return current
    update_fields = list(data)
    if hasattr(current, "version"):
        current.version += 1
        update_fields += ["version", "updated_at"]
    current.save(update_fields=update_fields)
    audit.record(
        action=AuditEntry.Action.UPDATE, obj=current, acting_user=acting_user, changes=changes
    )
    return current


@transaction.atomic
def audited_delete(obj: models.Model, *, acting_user: Any) -> None:
    audit.record_delete(obj, acting_user=acting_user)
    obj.delete()
