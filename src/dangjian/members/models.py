"""The member register (SPEC §2): the record, categories, management mode and the timeline."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core import rules
from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Status(models.TextChoices):
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


class State(models.TextChoices):
    """Whether the member is on this register now; changes only through timeline events."""

    ACTIVE = "active", _("在册")
    TRANSFERRED_OUT = "transferred_out", _("已转出")
    SUSPENDED = "suspended", _("停止党籍")
    DECEASED = "deceased", _("已去世")
    LEFT = "left", _("已出党")


class Mode(models.TextChoices):
    SELF = "self", _("自管党员")
    DUAL = "dual", _("在职党员（双重管理）")


class Category(models.TextChoices):
    IN_SERVICE = "in_service", _("在职")
    RETIRED = "retired", _("离退休")
    UNEMPLOYED = "unemployed", _("下岗失业")
    MOBILE = "mobile", _("流动")
    DIFFICULTY = "difficulty", _("困难")
    GRADUATE = "graduate", _("大学毕业生")
    MIGRANT = "migrant", _("务工经商")
    ELDERLY = "elderly", _("年老体弱")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")


class MemberQuerySet(ScopedQuerySet):
    scope_path = "org__path"
    self_lookup = "pk"


class Member(Versioned):
    """A party member on the register. State, organisation, status, mode and categories are a
    cache of the timeline (``MemberEvent``) and change only through ``members.services``."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_cipher = models.TextField(_("身份证号（密文）"), editable=False)
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    joined_on = models.DateField(_("入党时间"))
    full_on = models.DateField(_("转正时间"), null=True, blank=True)
    status = models.CharField(_("党员身份"), max_length=16, choices=Status.choices)
    state = models.CharField(
        _("在册状态"), max_length=16, choices=State.choices, default=State.ACTIVE
    )
    mode = models.CharField(_("管理方式"), max_length=8, choices=Mode.choices, default=Mode.SELF)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    household = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("家庭住址（户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    employer_unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("工作单位（驻区单位）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employees",
    )
    work_unit = models.CharField(
        _("工作单位"), max_length=100, blank=True, help_text=_("不是登记的驻区单位时填写。")
    )
    address = models.CharField(
        _("现居住地址"), max_length=200, blank=True, help_text=_("住户未在区域中登记时填写。")
    )
    search_key = models.CharField(max_length=200, editable=False, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["org", "name", "id"]
        indexes = [
            # the register of one organisation, in name order
            models.Index(fields=["org", "state", "name"]),
            # search over the whole scope: a covering index the LIKE can scan without the rows.
            # (No other index starts with ``state``: without statistics SQLite would pick any
            # of them for ``state = 'active'`` and then read every row through it.)
            models.Index(fields=["state", "search_key"], name="member_state_search"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.org.path

    # One fact, one place (issue 14): the employer is the resident unit when it is one, the text
    # only otherwise; the home is the household on the places tree, the text only otherwise.
    # Lists that show these select_related ``EMPLOYER_RELATED`` / ``HOME_RELATED``.

    @property
    def employer_label(self) -> str:
        """Where the member works: the resident unit's name, else the text."""
        return self.employer_unit.name if self.employer_unit_id else self.work_unit

    @property
    def employer_party_org_label(self) -> str:
        """The employer's party organisation, known only for a registered resident unit."""
        unit = self.employer_unit if self.employer_unit_id else None
        return unit.party_org.name if unit is not None and unit.party_org_id else ""

    @property
    def home_label(self) -> str:
        """Where the member lives: the household's full place path (社区 网格 楼栋 单元 户), else
        the text."""
        if not self.household_id:
            return self.address
        names, node, hops = [], self.household, 0
        while node is not None and hops < 6:
            names.append(node.name)
            node, hops = node.parent if node.parent_id else None, hops + 1
        return " ".join(reversed(names))

    def clean(self) -> None:
        """Facts that cannot all be true at once are refused with the field they concern."""
        errors: dict[str, str] = {}
        today = timezone.localdate()
        for name in ("birth_date", "joined_on", "full_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = gettext("日期不能晚于今天。")
        if self.birth_date and self.joined_on and "joined_on" not in errors:
            min_age = rules.value("dev.min_age", "years")
            if self.joined_on < add_years(self.birth_date, min_age):
                errors["joined_on"] = gettext(
                    "入党时不满 %(n)d 周岁，请核对入党时间和出生日期。"
                ) % {"n": min_age}
        if self.full_on and self.joined_on and self.full_on < self.joined_on:
            errors.setdefault("full_on", gettext("转正时间不能早于入党时间。"))
        if self.status == Status.PROBATIONARY and self.full_on:
            errors.setdefault("full_on", gettext("预备党员还没有转正，转正时间应留空。"))
        if errors:
            raise ValidationError(errors)


#: ``select_related`` paths for :attr:`Member.employer_label` / :attr:`Member.home_label`.
EMPLOYER_RELATED = "employer_unit__party_org"
HOME_RELATED = "household__parent__parent__parent__parent"


class MemberCategory(models.Model):
    """One category a member is in now (several at once); history lives in the events."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("党员类别"), max_length=16, choices=Category.choices)

    class Meta:
        verbose_name = _("党员类别")
        constraints = [
            models.UniqueConstraint(fields=["member", "category"], name="member_category_once")
        ]
        indexes = [models.Index(fields=["category", "member"])]

    def __str__(self) -> str:
        return self.get_category_display()


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("建档登记")
    TRANSFER_IN = "transfer_in", _("组织关系转入")
    TRANSFER_OUT = "transfer_out", _("组织关系转出")
    INTERNAL_MOVE = "internal_move", _("调整所在支部")
    STATUS_CHANGE = "status_change", _("转为正式党员")
    CATEGORY_CHANGE = "category_change", _("类别变更")
    MODE_CHANGE = "mode_change", _("管理方式变更")
    CHECK_IN = "check_in", _("到社区报到")
    CHECK_OUT = "check_out", _("报到解除")
    GOING_OUT = "going_out", _("外出流动")
    RETURNED = "returned", _("流动返回")
    LOST_CONTACT = "lost_contact", _("失联、停止党籍")
    RESTORED = "restored", _("恢复党籍")
    DEATH = "death", _("去世")
    LEFT = "left", _("出党")


class MemberEventQuerySet(ScopedQuerySet):
    scope_path = "org__path"
    self_lookup = "member_id"


class MemberEvent(models.Model):
    """One change on a member's timeline, with the state it left the member in.

    Events are only added. Each row carries the resulting organisation, status, state, mode and
    categories, so the register of any organisation at any past date is "each member's latest
    event on or before that date" — see ``members.selectors.register_on``.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("日期"))
    seq = models.PositiveIntegerField(default=0, help_text="orders events of one member on one day")
    # the resulting state
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("党员身份"), max_length=16, choices=Status.choices)
    state = models.CharField(_("在册状态"), max_length=16, choices=State.choices)
    mode = models.CharField(_("管理方式"), max_length=8, choices=Mode.choices)
    categories = models.JSONField(_("党员类别"), default=list)
    # details of the change
    from_org_name = models.CharField(_("转出/原单位"), max_length=100, blank=True)
    to_org_name = models.CharField(_("转入/去往单位"), max_length=100, blank=True)
    letter_no = models.CharField(_("介绍信编号"), max_length=50, blank=True)
    letter_valid_until = models.DateField(_("介绍信有效期至"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = MemberEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员变动事项")
        verbose_name_plural = _("党员变动事项")
        ordering = ["member", "date", "seq", "id"]
        indexes = [models.Index(fields=["member", "date", "seq"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def category_labels(self) -> str:
        """The categories the member had after this event, in words ("离退休、困难")."""
        names = dict(Category.choices)
        return "、".join(str(names.get(c, c)) for c in self.categories or [])

    def audit_scope_path(self) -> str:
        return self.org.path
