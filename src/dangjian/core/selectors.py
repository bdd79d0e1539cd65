"""Reads of the audit trail, scoped like everything else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .access import scope_for
from .models import AuditEntry


def _digits(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def audit_visible(
    *, user: Any, ct: str | None = None, object_id: str | None = None, actor: str | None = None
) -> QuerySet[AuditEntry]:
    """Entries the user may read: those about what they manage (``scope_path`` in their
    subtrees) and, always, their own actions. Per object (``ct`` + ``object_id``) or per user
    (``actor``): the filters narrow that set and never widen it, so asking for another
    community's user shows only what that user did inside the reader's own scope."""
    scope = scope_for(user)
    if scope.everything:
        qs = AuditEntry.objects.all()
    elif getattr(user, "is_authenticated", False):
        # One query: the rows in the reader's subtrees OR the reader's own rows.
        qs = AuditEntry.objects.visible_to(user) | AuditEntry.objects.filter(actor_id=user.pk)
    else:
        return AuditEntry.objects.none()
    actor_id = _digits(actor)
    if actor is not None and str(actor).strip() and actor_id is None:
        return AuditEntry.objects.none()
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    ct_id = _digits(ct)
    if ct is not None and str(ct).strip() and ct_id is None:
        return AuditEntry.objects.none()
    if ct_id is not None:
        qs = qs.filter(content_type_id=ct_id)
    if object_id:
        qs = qs.filter(object_id=str(object_id)[:64])
    return qs.select_related("actor", "content_type").order_by("-at", "-id")
