"""Putting many members on the register at once (a roster import): the same rows as
``member_register`` writes one by one — the member, their categories, the REGISTERED event that
opens their timeline and an audit entry — written in batches. The caller has validated every
row and holds the transaction; nothing here checks again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType

from dangjian.core import audit
from dangjian.core.models import AuditEntry

from .models import EventKind, Member, MemberCategory, MemberEvent

BATCH = 2000


def bulk_register(
    *, acting_user: Any, members: Sequence[Member], categories: Sequence[list[str]], note: str = ""
) -> list[Member]:
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    Member.objects.bulk_create(members, batch_size=BATCH)
    MemberCategory.objects.bulk_create(
        [
            MemberCategory(member=m, category=c)
            for m, cats in zip(members, categories, strict=True)
            for c in cats
        ],
        batch_size=BATCH,
    )
    MemberEvent.objects.bulk_create(
        [
            MemberEvent(
                member=m,
                kind=EventKind.REGISTERED,
                date=m.joined_on,
                seq=1,
                org=m.org,
                status=m.status,
                state=m.state,
                mode=m.mode,
                categories=cats,
                note=note,
                recorded_by=user,
            )
            for m, cats in zip(members, categories, strict=True)
        ],
        batch_size=BATCH,
    )
    ct = ContentType.objects.get_for_model(Member)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                action=AuditEntry.Action.CREATE,
                content_type=ct,
                object_id=str(m.pk),
                object_repr=str(m)[:200],
                changes=audit.diff({}, audit.snapshot(m)),
                scope_path=m.org.path,
            )
            for m in members
        ],
        batch_size=BATCH,
    )
    return list(members)
