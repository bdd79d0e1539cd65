"""Writes of 设岗定责 and 一人一职: setting up a community's posts, members taking and leaving
them, and their duty logs — deeds picked or recorded once and linked to the holding. Audited;
refused in plain Chinese with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.checkin.models import CheckIn
from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.services import audited_update
from dangjian.deeds import selectors as deed_selectors
from dangjian.deeds.models import Deed
from dangjian.deeds.services import deed_attach, deed_detach, deed_record
from dangjian.members.models import Category, Member, State
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from .models_posts import SEED_POSTS, SEED_ROLES, Post, PostHolder, PostKind


def _check_community(community: Organisation, acting_user: Any) -> None:
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError(_("岗位设在社区党组织一级。"))
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织可以设置岗位。"))


def _check_room(community: Organisation, kind: str) -> None:
    if kind != PostKind.POST:
        return
    most = rules.value("commitment.posts", "max_posts", org=community)
    if Post.objects.filter(community=community, kind=kind, is_active=True).count() >= most:
        raise ValidationError(
            _("每个社区最多设 %(n)d 个党员岗位；请先停用不再需要的岗位。") % {"n": most}
        )


@transaction.atomic
def post_create(
    *,
    acting_user: Any,
    community: Organisation,
    name: str,
    duties: str = "",
    kind: str = PostKind.POST,
) -> Post:
    _check_community(community, acting_user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写岗位名称。")})
    if kind not in PostKind.values:
        raise ValidationError({"kind": _("请选择类别。")})
    if Post.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("本社区已有“%(n)s”。") % {"n": name}})
    _check_room(community, kind)
    order = Post.objects.filter(community=community, kind=kind).count() + 1
    post = Post.objects.create(
        community=community, kind=kind, name=name, duties=duties.strip(), order=order
    )
    audit.record_create(post, acting_user=acting_user)
    return post


@transaction.atomic
def posts_seed(*, acting_user: Any, community: Organisation) -> list[Post]:
    """The seven posts and two roles of seed [002], for a community that has none of them."""
    _check_community(community, acting_user)
    have = set(Post.objects.filter(community=community).values_list("name", flat=True))
    made = []
    for kind, rows in ((PostKind.POST, SEED_POSTS), (PostKind.ROLE, SEED_ROLES)):
        for name, duties in rows:
            if name not in have:
                made.append(
                    post_create(
                        acting_user=acting_user,
                        community=community,
                        name=name,
                        duties=duties,
                        kind=kind,
                    )
                )
    return made


@transaction.atomic
def post_set_active(post: Post, *, acting_user: Any, active: bool) -> Post:
    _check_community(post.community, acting_user)
    if active and not post.is_active:
        _check_room(post.community, post.kind)
    return audited_update(post, data={"is_active": active}, acting_user=acting_user)


def _may_act_for(member: Member, acting_user: Any) -> bool:
    scope = scope_for(acting_user)
    return scope.member_id == member.pk or scope.reaches_path(member.org.path, CHANGE)


@transaction.atomic
def post_take(
    post: Post,
    *,
    member: Member,
    acting_user: Any,
    since: dt.date | None = None,
    skill: str = "",
) -> PostHolder:
    """A member chooses a post (选择一岗) or a retired member claims a role (一人一职): one of
    each at a time."""
    post = Post.objects.select_related("community").get(pk=post.pk)
    member = Member.objects.select_related("org").get(pk=member.pk)
    checked_in = CheckIn.objects.filter(
        member=member, community=post.community, ended_on__isnull=True
    ).exists()
    if not (
        _may_act_for(member, acting_user)
        or (checked_in and scope_for(acting_user).reaches_path(post.community.path, CHANGE))
    ):
        raise PermissionDenied(_("只有党员本人、所在党组织或报到社区可以为其选岗。"))
    if not post.is_active:
        raise ValidationError(_("这个岗位已停用。"))
    in_community = member.org.path.startswith(post.community.path) or checked_in
    if member.state != State.ACTIVE or not in_community:
        raise ValidationError(_("只有本社区在册党员或在本社区报到的在职党员可以选择本社区的岗位。"))
    if (
        post.kind == PostKind.ROLE
        and not member.categories.filter(category=Category.RETIRED).exists()
    ):
        raise ValidationError(_("“一人一职”角色由离退休党员认领。"))
    current = (
        PostHolder.objects.filter(member=member, post__kind=post.kind, until__isnull=True)
        .select_related("post")
        .first()
    )
    if current is not None:
        raise ValidationError(
            _("已在“%(p)s”，一人选一岗；如需换岗，请先办理离岗。") % {"p": current.post.name}
        )
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise ValidationError({"since": _("上岗日期不能晚于今天。")})
    holder = PostHolder.objects.create(post=post, member=member, since=since, skill=skill.strip())
    audit.record_create(holder, acting_user=acting_user)
    return holder


@transaction.atomic
def post_leave(holder: PostHolder, *, acting_user: Any, until: dt.date | None = None) -> PostHolder:
    holder = PostHolder.objects.select_related("member__org").get(pk=holder.pk)
    if not _may_act_for(holder.member, acting_user):
        raise PermissionDenied(_("只有党员本人或所在党组织可以办理离岗。"))
    until = until or timezone.localdate()
    if holder.until is not None:
        raise ValidationError(_("已经离岗。"))
    if until < holder.since:
        raise ValidationError({"until": _("离岗日期不能早于上岗日期。")})
    return audited_update(holder, data={"until": until}, acting_user=acting_user)


def _holder_acting(holder: PostHolder, acting_user: Any) -> PostHolder:
    holder = PostHolder.objects.select_related("member__org", "post__community").get(pk=holder.pk)
    if not _may_act_for(holder.member, acting_user):
        raise PermissionDenied(_("履职情况由党员本人或所在党组织记录。"))
    return holder


def duty_pickable(holder: PostHolder, *, user: Any) -> QuerySet[Deed]:
    """The member's deeds while on the post, as the user may see them, not yet counted for it."""
    end = min(holder.until or timezone.localdate(), timezone.localdate())
    return deed_selectors.pickable(
        user=user, member=holder.member, start=holder.since, end=end
    ).exclude(holdings=holder)


@transaction.atomic
def duty_record(holder: PostHolder, *, acting_user: Any, date: dt.date | None, text: str) -> Deed:
    """履职: a deed not recorded before, recorded once in the post's community with the member
    as the one who did it, and counted for the holding."""
    holder = _holder_acting(holder, acting_user)
    if date is not None and (date < holder.since or (holder.until and date > holder.until)):
        raise ValidationError({"date": _("日期须在在岗期间，且不晚于今天。")})
    return deed_record(
        acting_user=acting_user,
        community=holder.post.community,
        date=date,
        title=text,
        members=[holder.member_id],
        holdings=[holder],
    )


@transaction.atomic
def duty_pick(holder: PostHolder, *, acting_user: Any, deed_ids: Iterable[Any]) -> list[Deed]:
    """Count deeds already recorded (ticked from :func:`duty_pickable`) for the holding."""
    holder = _holder_acting(holder, acting_user)
    ids = {int(d) for d in deed_ids if str(d).isdigit()}
    if not ids:
        raise ValidationError(_("请勾选要记为履职情况的实事。"))
    deeds = list(duty_pickable(holder, user=acting_user).filter(pk__in=ids))
    if len(deeds) != len(ids):
        raise ValidationError(_("只能选择本人在岗期间参加、尚未记入的实事。"))
    return [deed_attach(d, acting_user=acting_user, holding=holder) for d in deeds]


@transaction.atomic
def duty_detach(holder: PostHolder, *, acting_user: Any, deed: Deed) -> Deed:
    """No longer count a deed for the holding (the deed itself stays)."""
    holder = _holder_acting(holder, acting_user)
    if not holder.deeds.filter(pk=deed.pk).exists():
        raise ValidationError(_("这件事没有记入这个岗位。"))
    return deed_detach(deed, acting_user=acting_user, holding=holder)
