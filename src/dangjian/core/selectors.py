"""Reads of the audit trail, scoped like everything else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .access import scope_for
from .models import AuditEntry


def _digits(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


#: What counts as someone looking at a person's data (PIPL's right to know): opening a record of
#: personal detail and revealing a masked field.
LOOKED = (AuditEntry.Action.READ, AuditEntry.Action.REVEAL)


def audit_visible(
    *,
    user: Any,
    ct: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    looked: bool = False,
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
    if looked:
        qs = qs.filter(action__in=LOOKED)
    return qs.select_related("actor", "content_type").order_by("-at", "-id")


def looked_at_me(*, user: Any) -> QuerySet[AuditEntry]:
    """Who opened or revealed the user's own member record — a person's right to know who
    looked at their data. Nothing for a user without a member record."""
    scope = scope_for(user)
    if not scope.member_id:
        return AuditEntry.objects.none()
    from django.contrib.contenttypes.models import ContentType

    from dangjian.members.models import Member

    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Member),
            object_id=str(scope.member_id),
            action__in=LOOKED,
        )
        .select_related("actor", "actor__profile")
        .order_by("-at", "-id")
    )
