"""Organisations, places, office holders and resident units (SPEC §1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class OrgKind(models.TextChoices):
    COUNTY = "county", _("区/县委")
    STREET = "street", _("街道党工委")
    TOWN = "town", _("镇党委")
    COMMUNITY_COMMITTEE = "community_committee", _("社区党委")
    GENERAL_BRANCH = "general_branch", _("社区党总支")
    COMMUNITY_BRANCH = "community_branch", _("社区党支部")
    BRANCH = "branch", _("党支部")
    BUILDING_BRANCH = "building_branch", _("楼栋党支部")
    GRID_BRANCH = "grid_branch", _("网格党支部")
    OFFICE_BUILDING_BRANCH = "office_building_branch", _("楼宇党支部")
    MARKET_BRANCH = "market_branch", _("市场党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    GROUP = "group", _("楼道党小组")
    UNIT_ORG = "unit_org", _("驻区单位党组织")


#: Kinds that are a community's own party organisation (the root of a community).
COMMUNITY_KINDS = {OrgKind.COMMUNITY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.COMMUNITY_BRANCH}
#: Kinds that are a branch in the sense of the branch work regulations (they hold members).
BRANCH_KINDS = {
    OrgKind.COMMUNITY_BRANCH,
    OrgKind.BRANCH,
    OrgKind.BUILDING_BRANCH,
    OrgKind.GRID_BRANCH,
    OrgKind.OFFICE_BUILDING_BRANCH,
    OrgKind.MARKET_BRANCH,
    OrgKind.JOINT_BRANCH,
}
#: Kinds that supervise communities from above.
UPPER_KINDS = {OrgKind.COUNTY, OrgKind.STREET, OrgKind.TOWN}
#: Kinds that have no organisations below them (a group is the smallest unit of a branch).
LEAF_KINDS = {OrgKind.GROUP}


class OrganisationQuerySet(ScopedQuerySet):
    scope_path = "path"
    member_org_lookup = "path"


class Organisation(Versioned):
    """A party organisation in the tree, any depth: county → street/town → community → branch → group.

    ``path`` is a materialised path ("000001/000007/") so that a subtree is one indexed prefix
    filter; it is maintained by ``orgs.services`` and never edited by hand.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.CharField(_("组织类型"), max_length=32, choices=OrgKind.choices)
    name = models.CharField(_("组织名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(
        _("组织代码"),
        max_length=32,
        unique=True,
        help_text=_("本地唯一编码，导入和接口用它指代组织。"),
        error_messages={"unique": _("这个组织代码已被其他组织使用，请换一个。")},
    )
    is_county_seat = models.BooleanField(
        _("县城所在地"), default=False, help_text=_("配备和经费标准按县城所在地社区执行。")
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    places = models.ManyToManyField(
        "Place", verbose_name=_("覆盖区域"), blank=True, related_name="covering_orgs"
    )
    sort = models.PositiveIntegerField(_("排序"), default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.path

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @property
    def is_community(self) -> bool:
        return self.kind in COMMUNITY_KINDS

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def ancestor_codes(self) -> list[str]:
        """Codes of this organisation and its ancestors, root first (for rule overrides)."""
        ids = self.ancestor_ids()
        codes = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "code"))
        return [codes[i] for i in ids if i in codes]

    def ancestors(self) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(pk__in=self.ancestor_ids()[:-1]).order_by("depth")

    def community(self) -> Organisation | None:
        """The community organisation this one is in (itself if it is one)."""
        if self.is_community:
            return self
        return (
            Organisation.objects.filter(pk__in=self.ancestor_ids(), kind__in=COMMUNITY_KINDS)
            .order_by("-depth")
            .first()
        )


class PlaceKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格/片区")
    BUILDING = "building", _("楼栋")
    CORRIDOR = "corridor", _("单元/楼道")
    HOUSEHOLD = "household", _("户")


PLACE_CHILD_KIND = {
    PlaceKind.COMMUNITY: PlaceKind.GRID,
    PlaceKind.GRID: PlaceKind.BUILDING,
    PlaceKind.BUILDING: PlaceKind.CORRIDOR,
    PlaceKind.CORRIDOR: PlaceKind.HOUSEHOLD,
}


class PlaceQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class Place(Versioned):
    """A place in a community: community → grid → building → corridor → household.

    ``community`` is the community party organisation responsible for the place; ``path`` is the
    place tree's own materialised path.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=PlaceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("所属社区党组织"),
        on_delete=models.PROTECT,
        related_name="community_places",
    )
    population = models.PositiveIntegerField(_("居民人数"), default=0)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        indexes = [models.Index(fields=["community", "kind"])]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path

    def clean(self) -> None:
        if self.parent_id and self.parent and PLACE_CHILD_KIND.get(self.parent.kind) != self.kind:
            raise ValidationError(
                {
                    "kind": _("“%(p)s”下只能建“%(c)s”。")
                    % {
                        "p": self.parent.get_kind_display(),
                        "c": PlaceKind(
                            PLACE_CHILD_KIND.get(self.parent.kind, PlaceKind.HOUSEHOLD)
                        ).label,
                    }
                }
            )


class OfficeQuerySet(ScopedQuerySet):
    scope_path = "org__path"
    member_org_lookup = "org__path"

    def current(self, on: dt.date) -> OfficeQuerySet:
        """Offices held on ``on``: not left yet. A holder whose term has ended stays in office
        until the election (the structural warnings remind of that)."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=on))

    def past(self, on: dt.date) -> OfficeQuerySet:
        return self.filter(left_on__lte=on)


class Office(Versioned):
    """An office held in an organisation for a term: 书记、副书记、委员、组织员、楼栋长…"""

    class Title(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY = "deputy", _("副书记")
        COMMITTEE = "committee", _("委员")
        ORGANISER = "organiser", _("组织委员")
        PROPAGANDA = "propaganda", _("宣传委员")
        DISCIPLINE = "discipline", _("纪检委员")
        GROUP_LEADER = "group_leader", _("党小组长")
        BUILDING_HEAD = "building_head", _("楼栋长")

    COMMITTEE_TITLES = {"secretary", "deputy", "committee", "organiser", "propaganda", "discipline"}

    org = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="offices"
    )
    title = models.CharField(_("职务"), max_length=16, choices=Title.choices)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices",
    )
    holder_name = models.CharField(
        _("姓名"), max_length=50, help_text=_("任职人是本系统党员时自动填写。")
    )
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"), null=True, blank=True)
    left_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["org", "title", "term_start"]

    def __str__(self) -> str:
        return f"{self.org} {self.get_title_display()} {self.holder_name}"

    def audit_scope_path(self) -> str:
        return self.org.path

    def clean(self) -> None:
        errors = {}
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("任期届满日期不能早于任期开始日期。")
        if self.term_start and self.left_on and self.left_on < self.term_start:
            errors["left_on"] = _("离任日期不能早于任期开始日期。")
        if errors:
            raise ValidationError(errors)

    def is_current(self, on: dt.date) -> bool:
        return self.left_on is None or self.left_on > on


class ResidentUnitQuerySet(ScopedQuerySet):
    """A unit belongs to its community; one that sits in several communities (a hospital
    between two) is also seen by the secretaries of the others it is listed in."""

    scope_path = "community__path"

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        from .access_units import also_in_q

        base = super()._restrict(user, action)
        extra = also_in_q(user, action)
        if extra is None:
            return base
        return (base | self.filter(extra)).distinct()


class ResidentUnit(Versioned):
    """A resident unit (驻区单位): a government office, school, hospital or firm in a community."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("机关")
        INSTITUTION = "institution", _("事业单位")
        ENTERPRISE = "enterprise", _("企业")
        SCHOOL = "school", _("学校")
        HOSPITAL = "hospital", _("医院")
        SOCIAL = "social", _("社会组织")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices)
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("所在社区"),
        on_delete=models.PROTECT,
        related_name="resident_units",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    party_org = models.ForeignKey(
        Organisation,
        verbose_name=_("单位党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    head = models.CharField(_("负责人"), max_length=50, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    member_count = models.PositiveIntegerField(_("党员人数"), default=0)
    also_in = models.ManyToManyField(
        Organisation,
        verbose_name=_("同时所在的其他社区"),
        blank=True,
        related_name="shared_units",
    )

    objects = ResidentUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻区单位")
        verbose_name_plural = _("驻区单位")
        ordering = ["community", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path
