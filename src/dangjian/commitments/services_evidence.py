"""践诺: while the commitment is on display, the member (or their branch) counts what they did
for it — by picking deeds already recorded (a team's service, a deed in the community they
checked in to) or by recording a new one once, in the deeds of :mod:`dangjian.deeds`. A deed
attached by mistake is detached, not deleted: it still happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dangjian.core.access import scope_for
from dangjian.deeds import selectors as deed_selectors
from dangjian.deeds.models import Deed
from dangjian.deeds.services import deed_attach, deed_detach, deed_record
from dangjian.orgs.models import Organisation

from . import workflow as who
from .models import Commitment, State


def _acting(c: Commitment, acting_user: Any) -> Commitment:
    c = Commitment.objects.select_related("org", "member").get(pk=c.pk)
    if scope_for(acting_user).member_id != c.member_id and not who.is_the_branch(c, acting_user):
        raise PermissionDenied(_("践诺情况由党员本人或所在支部记录。"))
    if c.state != State.PUBLISHED:
        raise ValidationError(_("承诺公开示诺后、评诺之前记录践诺情况。"))
    return c


def community_of(c: Commitment) -> Organisation:
    """Where the commitment's deeds are recorded: the community the branch is in."""
    community = c.org.community()
    if community is None:
        raise ValidationError(_("承诺所在支部不属于任何社区，请由支部联系上级党组织处理。"))
    return community


def pickable(c: Commitment, *, user: Any) -> QuerySet[Deed]:
    """The member's deeds of the commitment's year, as the user may see them, not yet counted
    for this commitment."""
    return deed_selectors.pickable(
        user=user, member=c.member, start=dt.date(c.year, 1, 1), end=dt.date(c.year, 12, 31)
    ).exclude(commitments=c)


@transaction.atomic
def evidence_record(
    c: Commitment, *, acting_user: Any, date: dt.date | None, text: str, today: Any = None
) -> Deed:
    """A deed not recorded before: recorded once, with the member as the one who did it, and
    counted for the commitment."""
    c = _acting(c, acting_user)
    return deed_record(
        acting_user=acting_user,
        community=community_of(c),
        date=date,
        title=text,
        members=[c.member_id],
        commitments=[c],
        today=today,
    )


@transaction.atomic
def evidence_pick(c: Commitment, *, acting_user: Any, deed_ids: Iterable[Any]) -> list[Deed]:
    """Count deeds already recorded (ticked from :func:`pickable`) for the commitment."""
    c = _acting(c, acting_user)
    ids = {int(d) for d in deed_ids if str(d).isdigit()}
    if not ids:
        raise ValidationError(_("请勾选要记为践诺情况的实事。"))
    deeds = list(pickable(c, user=acting_user).filter(pk__in=ids))
    if len(deeds) != len(ids):
        raise ValidationError(_("只能选择本人在承诺年度内参加、尚未记入的实事。"))
    return [deed_attach(d, acting_user=acting_user, commitment=c) for d in deeds]


@transaction.atomic
def evidence_detach(c: Commitment, *, acting_user: Any, deed: Deed) -> Deed:
    """No longer count a deed for the commitment (the deed itself stays)."""
    c = _acting(c, acting_user)
    if not c.deeds.filter(pk=deed.pk).exists():
        raise ValidationError(_("这件事没有记入这条承诺。"))
    return deed_detach(deed, acting_user=acting_user, commitment=c)
