"""Community staff (社区工作者, SPEC §9): the roster the quota rules are checked against."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class StaffQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class Staff(Versioned):
    """A community worker, by kind of post (行政编制、事业编制、公益性岗位、聘用)."""

    class Kind(models.TextChoices):
        ADMIN = "admin", _("行政编制")
        INSTITUTION = "institution", _("事业编制")
        PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
        HIRED = "hired", _("聘用")

    name = models.CharField(_("姓名"), max_length=50)
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在社区"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    kind = models.CharField(_("编制类型"), max_length=16, choices=Kind.choices)
    post = models.CharField(_("岗位"), max_length=50, blank=True)
    is_seconded = models.BooleanField(_("下派干部"), default=False)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区工作者")
        verbose_name_plural = _("社区工作者")
        ordering = ["community", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path
