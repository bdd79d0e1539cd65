"""发展党员 (SPEC §2): the people on their way into the Party and each step they take.

A :class:`Candidate` is one person from the application to 转正; the dates of every step are on
the record (what the pipeline and the ledger read), and each step is also a :class:`StageEvent`
row, added and never changed, with the warnings the timing rules gave when it was recorded.
On admission the person becomes a :class:`~dangjian.members.models.Member` (``member``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned
from dangjian.members.models import Education, Gender


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    STOPPED = "stopped", _("停止培养")


#: The stages shown as columns of the pipeline, in order.
PIPELINE_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY)


class Step(models.TextChoices):
    """What can be recorded about a person; some steps move them to the next stage."""

    APPLIED = "applied", _("递交入党申请书")
    TALKED = "talked", _("谈话")
    ACTIVIST = "activist", _("确定为入党积极分子")
    CANDIDATE = "candidate", _("确定为发展对象")
    INTRODUCERS = "introducers", _("确定入党介绍人")
    TRAINING = "training", _("集中培训")
    REVIEW = "review", _("政治审查")
    NOTICE = "notice", _("公示")
    ADMITTED = "admitted", _("支部大会接收为预备党员")
    APPROVED = "approved", _("上级党委审批")
    EXTENDED = "extended", _("延长预备期")
    FULL = "full", _("转为正式党员")
    STOPPED = "stopped", _("停止培养")


class CandidateQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class Candidate(Versioned):
    """A person on the way in: application, activist, development candidate, probationary and
    full member. Personal data is kept as on the member register (ID encrypted, shown masked)."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_cipher = models.TextField(_("身份证号（密文）"), editable=False)
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    address = models.CharField(_("现居住地址"), max_length=200, blank=True)
    search_key = models.CharField(max_length=200, editable=False, db_index=True)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("培养党组织"),
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    stage = models.CharField(
        _("发展阶段"), max_length=16, choices=Stage.choices, default=Stage.APPLICANT
    )
    # applicant
    applied_on = models.DateField(_("递交入党申请书日期"))
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    talked_by = models.CharField(_("谈话人"), max_length=50, blank=True)
    # activist
    activist_on = models.DateField(_("确定为入党积极分子日期"), null=True, blank=True)
    activist_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("确定积极分子的会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # candidate
    candidate_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    candidate_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("确定发展对象的会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    introducer_1 = models.ForeignKey(
        "members.Member",
        verbose_name=_("入党介绍人一"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    introducer_1_name = models.CharField(_("入党介绍人一（姓名）"), max_length=50, blank=True)
    introducer_2 = models.ForeignKey(
        "members.Member",
        verbose_name=_("入党介绍人二"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    introducer_2_name = models.CharField(_("入党介绍人二（姓名）"), max_length=50, blank=True)
    training_days = models.PositiveSmallIntegerField(_("培训天数"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("培训学时"), null=True, blank=True)
    training_completed_on = models.DateField(_("培训结业日期"), null=True, blank=True)
    review_done_on = models.DateField(_("政治审查完成日期"), null=True, blank=True)
    review_conclusion = models.CharField(_("政审结论"), max_length=200, blank=True)
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_to = models.DateField(_("公示结束"), null=True, blank=True)
    # probationary
    admitted_on = models.DateField(_("支部大会接收日期"), null=True, blank=True)
    admission_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("接收预备党员的支部大会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_on = models.DateField(_("上级党委审批日期"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("审批党委"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    probation_extended_until = models.DateField(_("预备期延长至"), null=True, blank=True)
    # full
    full_on = models.DateField(_("转正日期"), null=True, blank=True)
    full_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("讨论转正的支部大会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stopped_on = models.DateField(_("停止培养日期"), null=True, blank=True)
    stop_reason = models.CharField(_("停止培养原因"), max_length=200, blank=True)
    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="development",
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展对象（入党申请人）")
        verbose_name_plural = _("发展党员")
        ordering = ["org", "applied_on", "id"]
        indexes = [models.Index(fields=["org", "stage", "applied_on"])]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.org.path

    @property
    def introducer_1_label(self) -> str:
        return self.introducer_1.name if self.introducer_1_id else self.introducer_1_name

    @property
    def introducer_2_label(self) -> str:
        return self.introducer_2.name if self.introducer_2_id else self.introducer_2_name


class StageEventQuerySet(ScopedQuerySet):
    scope_path = "candidate__org__path"


class StageEvent(models.Model):
    """One recorded step of a person's development, with the stage it left them in and what the
    timing rules said about it. Rows are only added."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("发展对象"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("事项"), max_length=16, choices=Step.choices)
    date = models.DateField(_("日期"))
    stage = models.CharField(_("所处阶段"), max_length=16, choices=Stage.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("内容"), max_length=300, blank=True)
    findings = models.JSONField(_("规则提示"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = StageEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员记录")
        verbose_name_plural = _("发展党员记录")
        ordering = ["candidate", "date", "id"]
        indexes = [models.Index(fields=["candidate", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_step_display()}"

    def audit_scope_path(self) -> str:
        return self.candidate.org.path
