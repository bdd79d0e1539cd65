"""Training records (SPEC §7 学技能、增党性 and §9 干部培训): one design for every course.

A :class:`Course` is one course run by an organisation (a community, a town, the county party
school) at a level — 县委党校, 乡镇党校, 社区, 技能培训 — with its start date, length in days and
hours. An :class:`Attendance` is one person on it: a member of the register, or a resident named
in words (a laid-off resident learning a trade), never both; completed or not. The county and
town party school rules (``training.county`` / ``training.town``: times per year, days per
course) are counted from these rows (``selectors.staff_compliance``). A community worker who is a
party member attends as that member; one who is not attends as the worker (``staff``) — one
training record for staff and members alike.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class Level(models.TextChoices):
    COUNTY = "county", _("县委党校")
    TOWN = "town", _("乡镇党校")
    COMMUNITY = "community", _("社区")
    SKILLS = "skills", _("技能培训")


class CourseQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class Course(Versioned):
    """One course: who ran it, at which level, on what, when, how long and where."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("举办组织"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    level = models.CharField(_("培训类别"), max_length=16, choices=Level.choices)
    topic = models.CharField(_("培训内容"), max_length=200)
    start = models.DateField(_("开始日期"))
    days = models.PositiveSmallIntegerField(_("天数"), default=1)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-start", "-pk"]
        indexes = [models.Index(fields=["org", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1),
                name="training_course_days_positive",
                violation_error_message=_("培训天数至少 1 天。"),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0),
                name="training_course_hours_positive",
                violation_error_message=_("学时须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start} {self.topic[:30]}"

    def audit_scope_path(self) -> str:
        return self.org.path


class AttendanceQuerySet(ScopedQuerySet):
    scope_path = "course__org__path"
    self_lookup = "member_id"


class Attendance(models.Model):
    """One person on a course: a member of the register or a resident by name — one of the two."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )

    class Kind(models.TextChoices):
        MEMBER = "member", _("党员")
        RESIDENT = "resident", _("居民")
        STAFF = "staff", _("社区工作者（非党员）")

    #: a community worker who is not a party member (a worker who is one attends as the member)
    staff = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("社区工作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )

    #: which of the two the row is; the check below holds the row to it. (A kind rather than
    #: "name empty iff member": the name is free text, and a rule on free text alone breaks
    #: whenever the text is rewritten — see tests/api/test_export_formulas.py.)
    kind = models.CharField(_("人员类别"), max_length=8, choices=Kind.choices)
    resident_name = models.CharField(_("居民姓名"), max_length=50, blank=True)
    completed = models.BooleanField(_("已结业"), default=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("参训人员")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="member") & Q(member__isnull=False) & Q(staff__isnull=True))
                | (
                    Q(kind="resident")
                    & Q(member__isnull=True)
                    & Q(staff__isnull=True)
                    & ~Q(resident_name="")
                )
                | (Q(kind="staff") & Q(member__isnull=True) & Q(staff__isnull=False)),
                name="training_attendance_one_kind_of_person",
                violation_error_message=_(
                    "参训人员须是一名党员、一位社区工作者或一位居民（填姓名），只能选一种。"
                ),
            ),
            models.UniqueConstraint(
                fields=["course", "staff"],
                condition=Q(staff__isnull=False),
                name="training_attendance_staff_once",
            ),
            models.UniqueConstraint(
                fields=["course", "member"],
                condition=Q(member__isnull=False),
                name="training_attendance_member_once",
            ),
        ]
        indexes = [models.Index(fields=["member", "course"])]

    def __str__(self) -> str:
        return self.resident_name or str(self.member_id or f"staff {self.staff_id}")

    def audit_scope_path(self) -> str:
        return self.course.org.path
