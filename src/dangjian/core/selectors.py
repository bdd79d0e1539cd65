"""Reads of the audit trail, scoped like everything else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .access import scope_for
from .models import AuditEntry


def audit_visible(
    *, user: Any, ct: str | None = None, object_id: str | None = None, actor: str | None = None
) -> QuerySet[AuditEntry]:
    """Entries about what the user manages; a user may always read their own actions."""
    scope = scope_for(user)
    qs = AuditEntry.objects.visible_to(user)
    if actor and str(actor).isdigit():
        if str(actor) == str(user.pk) and not scope.everything:
            qs = AuditEntry.objects.filter(actor_id=user.pk)
        else:
            qs = qs.filter(actor_id=int(actor))
    if ct and str(ct).isdigit():
        qs = qs.filter(content_type_id=int(ct))
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    return qs.select_related("actor", "content_type")
