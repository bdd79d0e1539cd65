"""Writes of 党务居务公开: publishing an activity, a service or a theme day on the community's
public board, changing its public words and photos, withdrawing it — each atomic and audited,
only by those who may change the community.

The public words are the community's own: a title (prefilled from the record) and a summary
(never prefilled — minutes and participants' names are not copied). Photos are chosen among
the record's own photos.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.commitments.models_board import PublicBoard
from dangjian.commitments.services_board import board_update
from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.forms import too_long
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update, user_or_none
from dangjian.deeds.models import Deed
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import selectors
from .models import ItemKind, PublicItem, PublicPhoto

TITLE_MAX = 100
SUMMARY_MAX = 2000


def _check_may_change(acting_user: Any, community: Organisation) -> None:
    if community.kind not in COMMUNITY_KINDS or not community.is_active:
        raise ValidationError(_("只有在用的社区党组织才有公开栏。"))
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织可以发布或修改公开栏的内容。"))


def _clean_words(title: Any, summary: Any) -> tuple[str, str]:
    title, summary = str(title or "").strip(), str(summary or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("请填写公开标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = too_long(title, TITLE_MAX, _("公开标题"))
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = too_long(summary, SUMMARY_MAX, _("公开说明"))
    if errors:
        raise ValidationError(errors)
    return title, summary


def _photo_rows(
    *, deed: Deed | None, meeting: Meeting | None, ids: Iterable[Any]
) -> list[dict[str, Any]]:
    """The chosen photos as PublicPhoto fields; each must be one of the record's photos."""
    try:
        wanted = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise ValidationError({"photos": _("照片选择有误。")}) from None
    own = {p.pk: p for p in selectors.record_photos(deed=deed, meeting=meeting)}
    if any(i not in own for i in wanted):
        raise ValidationError({"photos": _("只能选择这条记录自己的照片。")})
    key = "cobuild_photo" if deed is not None else "meeting_file"
    rows, seen = [], set()
    for i in wanted:
        if i in seen:
            continue
        seen.add(i)
        caption = getattr(own[i], "caption", "") or ""
        rows.append({key: own[i], "caption": caption[:100]})
    return rows


@transaction.atomic
def item_publish(
    *,
    acting_user: Any,
    community: Organisation,
    deed: Deed | None = None,
    meeting: Meeting | None = None,
    title: str,
    summary: str = "",
    photos: Iterable[Any] = (),
    rating_open: bool = True,
) -> PublicItem:
    """Publish one deed (co-building activity, volunteer service) or one meeting (theme day and
    the like) of the community on its board."""
    _check_may_change(acting_user, community)
    if (deed is None) == (meeting is None):
        raise ValidationError({"source": _("请选择一条活动、服务或组织生活记录。")})
    if deed is not None:
        deed = Deed.objects.select_for_update().filter(pk=deed.pk).first()
        if deed is None or deed.community_id != community.pk:
            raise ValidationError({"source": _("这条记录不属于本社区。")})
        kind = selectors.kind_of_deed(deed)
    else:
        meeting = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        ok = Meeting.objects.filter(
            subtree_q("org__path", community.path), pk=getattr(meeting, "pk", None)
        )
        if meeting is None or not ok.exists():
            raise ValidationError({"source": _("这次组织生活不属于本社区。")})
        if meeting.cancelled:
            raise ValidationError({"source": _("这次组织生活已取消，不能公开。")})
        if meeting.kind not in selectors.PUBLISHABLE_MEETING_KINDS:
            raise ValidationError({"source": _("这类会议不在公开栏公开。")})
        kind = ItemKind.ORG_LIFE
    src = {"deed": deed} if deed is not None else {"meeting": meeting}
    if PublicItem.objects.filter(**src).exists():
        raise ValidationError({"source": _("这条记录已经公开过了，请在已发布的内容里修改。")})
    title, summary = _clean_words(title, summary)
    rows = _photo_rows(deed=deed, meeting=meeting, ids=photos)
    try:
        with transaction.atomic():
            item = PublicItem.objects.create(
                community=community,
                kind=kind,
                title=title,
                summary=summary,
                rating_open=bool(rating_open),
                published_by=user_or_none(acting_user),
                **src,
            )
    except IntegrityError:
        raise ValidationError(
            {"source": _("这条记录已经公开过了，请在已发布的内容里修改。")}
        ) from None
    for r in rows:
        PublicPhoto.objects.create(item=item, **r)
    audit.record_create(item, acting_user=acting_user)
    return item


@transaction.atomic
def item_update(
    item: PublicItem,
    *,
    acting_user: Any,
    title: str,
    summary: str = "",
    photos: Iterable[Any] | None = None,
    rating_open: bool = True,
    expected_version: int | None = None,
) -> PublicItem:
    """Change the public words, the photos (``None``: keep them) and whether ratings are open."""
    _check_may_change(acting_user, item.community)
    title, summary = _clean_words(title, summary)
    rows = None
    if photos is not None:
        rows = _photo_rows(deed=item.deed, meeting=item.meeting, ids=photos)
    before = sorted(
        item.photos.values_list("cobuild_photo_id", "meeting_file_id"),
        key=lambda t: (t[0] or 0, t[1] or 0),
    )
    item = audited_update(
        item,
        data={"title": title, "summary": summary, "rating_open": bool(rating_open)},
        acting_user=acting_user,
        expected_version=expected_version,
    )
    if rows is not None:
        after = sorted(
            (
                (
                    getattr(r.get("cobuild_photo"), "pk", None),
                    getattr(r.get("meeting_file"), "pk", None),
                )
                for r in rows
            ),
            key=lambda t: (t[0] or 0, t[1] or 0),
        )
        if after != before:
            item.photos.all().delete()
            for r in rows:
                PublicPhoto.objects.create(item=item, **r)
            audit.record(
                action=AuditEntry.Action.UPDATE,
                obj=item,
                acting_user=acting_user,
                field="photos",
                changes={"photos": [len(before), len(after)]},
            )
    return item


@transaction.atomic
def item_withdraw(
    item: PublicItem, *, acting_user: Any, reason: str, expected_version: int | None = None
) -> PublicItem:
    """Take an item off the board (kept, with the reason; its ratings stay counted)."""
    _check_may_change(acting_user, item.community)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明撤下原因。")})
    if len(reason) > 200:
        raise ValidationError({"reason": too_long(reason, 200, _("撤下原因"))})
    if item.withdrawn_at is not None:
        raise ValidationError(_("这条内容已经撤下了。"))
    return audited_update(
        item,
        data={"withdrawn_at": timezone.now(), "withdraw_reason": reason},
        acting_user=acting_user,
        expected_version=expected_version,
    )


def board_set_stars(
    board: PublicBoard, *, acting_user: Any, show_stars: bool, expected_version: int | None = None
) -> PublicBoard:
    """Whether the board shows the year's stars of resident units (the community's choice)."""
    return board_update(
        board, acting_user=acting_user, show_stars=show_stars, expected_version=expected_version
    )
