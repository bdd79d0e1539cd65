"""Writes of the staff roster. Linking a community worker to their member record: the worker
who is a party member is one person with one record (issue 14), not a second copy of their
name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.services import audited_update
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation

from .models import Staff


@dataclass
class LinkResult:
    linked: list[Staff] = field(default_factory=list)
    #: staff whose name (and birth date, if given) fits more than one member: not guessed
    ambiguous: list[tuple[Staff, list[Member]]] = field(default_factory=list)
    unmatched: list[Staff] = field(default_factory=list)

    def report(self) -> str:
        lines = [_("已关联 %(n)d 名社区工作者。") % {"n": len(self.linked)}]
        for s, ms in self.ambiguous:
            lines.append(
                _("“%(s)s”对应多名党员（%(m)s），请人工确认。")
                % {"s": s.name, "m": "、".join(f"{m.name}（{m.org.name}）" for m in ms)}
            )
        return "\n".join(lines)


@transaction.atomic
def staff_link_members(
    *,
    community: Organisation,
    acting_user: Any,
    birth_dates: Mapping[int, dt.date] | None = None,
) -> LinkResult:
    """Link each unlinked worker of ``community`` to the one active member of the community with
    the same name — and the same birth date when one is given for the worker (``birth_dates``:
    staff id → date, e.g. from the staff sheet). Two or more such members: reported, not guessed;
    none: left alone (not every worker is a party member)."""
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区可以关联社区工作者的党员档案。"))
    birth_dates = birth_dates or {}
    staff = list(
        Staff.objects.select_for_update()
        .filter(community=community, member__isnull=True)
        .order_by("pk")
    )
    by_name: dict[str, list[Member]] = {}
    for m in (
        Member.objects.filter(
            subtree_q("org__path", community.path),
            state=State.ACTIVE,
            name__in={s.name.strip() for s in staff},
        )
        .select_related("org")
        .order_by("pk")
    ):
        by_name.setdefault(m.name, []).append(m)
    taken = set(
        Staff.objects.filter(community=community, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    out = LinkResult()
    for s in staff:
        found = [m for m in by_name.get(s.name.strip(), []) if m.pk not in taken]
        born = birth_dates.get(s.pk)
        if born is not None:
            found = [m for m in found if m.birth_date == born]
        if len(found) == 1:
            audited_update(s, data={"member": found[0]}, acting_user=acting_user)
            taken.add(found[0].pk)
            out.linked.append(s)
        elif found:
            out.ambiguous.append((s, found))
        else:
            out.unmatched.append(s)
    return out
