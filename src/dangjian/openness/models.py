"""党务居务公开 (SPEC §11, §14): what a community chooses to show residents on its public board
beyond notices and commitments — activities and services (co-building activities and volunteer
services are deeds; organisational life is a meeting), each with the public words the community
writes and the photos it chose — and residents' ratings of them.

The board itself (its unguessable address, its QR code) is the community's
:class:`~dangjian.commitments.models_board.PublicBoard`: one board per community. Nothing here
holds a resident's personal data: a rating keeps a keyed hash of the phone number (one rating
per resident per item) and of the address (the rate limit), never the number or address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class ItemKind(models.TextChoices):
    ACTIVITY = "activity", _("共建活动")
    SERVICE = "service", _("志愿服务")
    ORG_LIFE = "org_life", _("组织生活")


class PublicItemQuerySet(ScopedQuerySet):
    scope_path = "community__path"

    def shown(self) -> PublicItemQuerySet:
        """On the board now: published and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class PublicItem(Versioned):
    """An activity or service the community published on its board: the record it comes from
    (a deed or a meeting — its date and place are read from there), and the words residents
    read, which the community writes (minutes and participants' names are never copied)."""

    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="public_items",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=ItemKind.choices)
    deed = models.ForeignKey(
        "deeds.Deed",
        verbose_name=_("活动或服务记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_items",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("组织生活"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_items",
    )
    title = models.CharField(_("公开标题"), max_length=100)
    summary = models.TextField(_("公开说明"), max_length=2000, blank=True)
    rating_open = models.BooleanField(_("接受居民评价"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤下原因"), max_length=200, blank=True)

    objects = PublicItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开活动")
        verbose_name_plural = _("公开活动")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(deed__isnull=False) & Q(meeting__isnull=True))
                | (Q(deed__isnull=True) & Q(meeting__isnull=False)),
                name="public_item_one_source",
            ),
            models.UniqueConstraint(
                fields=["deed"], condition=Q(deed__isnull=False), name="public_item_deed_once"
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(meeting__isnull=False),
                name="public_item_meeting_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_scope_path(self) -> str:
        return self.community.path


class PublicPhotoQuerySet(ScopedQuerySet):
    scope_path = "item__community__path"


class PublicPhoto(models.Model):
    """A photo the community chose to show with a published item: one of the activity's photos
    (co-building) or of the meeting's attachments that is a photo. Served on the board only
    while the item is shown."""

    item = models.ForeignKey(PublicItem, on_delete=models.CASCADE, related_name="photos")
    cobuild_photo = models.ForeignKey(
        "cobuild.Photo", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting_file = models.ForeignKey(
        "meetings.MeetingFile", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    objects = PublicPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开照片")
        verbose_name_plural = _("公开照片")
        ordering = ["item", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(cobuild_photo__isnull=False) & Q(meeting_file__isnull=True))
                | (Q(cobuild_photo__isnull=True) & Q(meeting_file__isnull=False)),
                name="public_photo_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or str(self.pk)

    def audit_scope_path(self) -> str:
        return self.item.community.path


class ItemRatingQuerySet(ScopedQuerySet):
    scope_path = "item__community__path"

    def counted(self) -> ItemRatingQuerySet:
        return self.filter(voided_at__isnull=True)


class ItemRating(models.Model):
    """A resident's rating of a published activity or service, on the scale of a service
    request's rating (5 非常满意 … 3 基本满意 … 1 不满意): one per resident (a keyed hash of the
    phone number) per item. A voided (作废) rating is kept, not counted."""

    item = models.ForeignKey(PublicItem, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("满意度"))
    comment = models.CharField(_("意见建议"), max_length=200, blank=True)
    resident_key = models.CharField(max_length=64, editable=False)
    resident_addr = models.CharField(max_length=64, blank=True, editable=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = ItemRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民评价")
        verbose_name_plural = _("居民评价")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["resident_addr", "at"], name="item_rating_addr_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="item_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["item", "resident_key"], name="item_rating_once_per_resident"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.score}"

    def audit_scope_path(self) -> str:
        return self.item.community.path
