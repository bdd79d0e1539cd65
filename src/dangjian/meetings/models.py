"""Organisational life and deliberation bodies (SPEC §3, §4): one machinery for everything that meets.

A :class:`Meeting` is held by an organisation (a branch, a group, a community, a town, the
county). Meetings of a deliberation body (:class:`Body`, e.g. the community's 联席会) also name
the body; study sessions name their :class:`StudyGroup`. Attendance is one row per person
(:class:`Attendance` with ``member``) or per member unit of a body (``seat``). Everything
derived — cadence, the six-month list, criticism counts, ledgers — is computed from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class MeetingKind(models.TextChoices):
    BRANCH_GENERAL = "branch_general", _("支部党员大会")
    BRANCH_COMMITTEE = "branch_committee", _("支部委员会")
    GROUP = "group", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    ORG_LIFE = "org_life", _("组织生活会")
    MEMBER_APPRAISAL = "member_appraisal", _("民主评议党员")
    COUNCIL = "council", _("议事协调会议")
    STUDY = "study", _("分类学习")
    LEADER_VISIT = "leader_visit", _("县领导督导")


#: The 三会一课 and related kinds a branch (or group) holds; the others are held by bodies.
PARTY_LIFE_KINDS = (
    MeetingKind.BRANCH_GENERAL,
    MeetingKind.BRANCH_COMMITTEE,
    MeetingKind.GROUP,
    MeetingKind.PARTY_LECTURE,
    MeetingKind.THEME_DAY,
    MeetingKind.ORG_LIFE,
    MeetingKind.MEMBER_APPRAISAL,
)


class BodyKind(models.TextChoices):
    GUIDANCE = "guidance", _("社区大党建指导委员会")
    COORDINATION = "coordination", _("社区党建协调委员会")
    JOINT = "joint", _("社区党建联席会")
    MEMBER_COUNCIL = "member_council", _("党员议事会")
    MEMBER_CONGRESS = "member_congress", _("社区党员代表大会")
    RESIDENT_CONGRESS = "resident_congress", _("社区成员代表大会")
    HEARING = "hearing", _("重大事项听证会")


#: Bodies whose members are units (委员制): attendance per unit, criticism for absence.
UNIT_BODY_KINDS = (BodyKind.GUIDANCE, BodyKind.COORDINATION, BodyKind.JOINT)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


#: Attendance that counts as taking part in organisational life (leave only when excused).
COUNTS_AS_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED)


# ---- bodies --------------------------------------------------------------------------------
class BodyQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class Body(Versioned):
    """A deliberation or coordination body (§4), led by an organisation at its level."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("牵头党组织"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    kind = models.CharField(_("机构类型"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("议事协调机构")
        verbose_name_plural = _("议事协调机构")
        ordering = ["org", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.org.path

    @property
    def has_unit_seats(self) -> bool:
        return self.kind in UNIT_BODY_KINDS


class SeatQuerySet(ScopedQuerySet):
    scope_path = "body__org__path"


class Seat(Versioned):
    """A member unit of a body (委员制): a resident unit or an organisation, and its head."""

    body = models.ForeignKey(
        Body, verbose_name=_("议事协调机构"), on_delete=models.CASCADE, related_name="seats"
    )
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("驻区单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
    )
    member_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("成员党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
    )
    name = models.CharField(_("成员单位"), max_length=100)
    head = models.CharField(_("单位负责人（委员）"), max_length=50, blank=True)
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["body", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "unit"],
                condition=Q(left_on__isnull=True, unit__isnull=False),
                name="seat_unit_once_per_body",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.body.org.path

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("退出日期不能早于加入日期。")})


# ---- county leaders ------------------------------------------------------------------------
class LeaderLinkQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class LeaderLink(Versioned):
    """A county leader linked to a community (县领导联系社区), for a span of time."""

    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("联系社区"),
        on_delete=models.PROTECT,
        related_name="leader_links",
    )
    name = models.CharField(_("县领导姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    since = models.DateField(_("联系开始"))
    until = models.DateField(_("联系结束"), null=True, blank=True)

    objects = LeaderLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("县领导联系社区")
        verbose_name_plural = _("县领导联系社区")
        ordering = ["community", "since", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name

    def audit_scope_path(self) -> str:
        return self.community.path

    def clean(self) -> None:
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": _("联系结束日期不能早于开始日期。")})


# ---- study groups --------------------------------------------------------------------------
class StudyGroupQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class StudyGroup(Versioned):
    """A study group of members of one category (分类学习), kept by a community or branch."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属党组织"),
        on_delete=models.PROTECT,
        related_name="study_groups",
    )
    name = models.CharField(_("学习小组名称"), max_length=100)
    category = models.CharField(
        _("党员类别"),
        max_length=16,
        blank=True,
        help_text=_("按类别分组学习，例如离退休、在职、流动党员。"),
    )
    members = models.ManyToManyField(
        "members.Member", verbose_name=_("成员"), blank=True, related_name="study_groups"
    )
    is_active = models.BooleanField(_("有效"), default=True)

    objects = StudyGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习小组")
        verbose_name_plural = _("学习小组")
        ordering = ["org", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.org.path


# ---- meetings ------------------------------------------------------------------------------
class MeetingQuerySet(ScopedQuerySet):
    scope_path = "org__path"
    member_org_lookup = "org__path"

    def held(self) -> MeetingQuerySet:
        return self.filter(cancelled=False)


class Meeting(Versioned):
    """A meeting, lecture, theme day, council session, study session or leader visit."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("召开组织"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    body = models.ForeignKey(
        Body,
        verbose_name=_("议事协调机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    study_group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("学习小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    recorder = models.CharField(_("记录人"), max_length=50, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    decisions = models.TextField(_("决定事项"), blank=True)
    leaders = models.ManyToManyField(
        LeaderLink, verbose_name=_("参加的县领导"), blank=True, related_name="meetings"
    )
    # Who gave a party lecture (党课): the member record, so the secretary's own lecture a year
    # (rule meeting.party_lecture, secretary_per_year) is counted from the one fact.
    lecturer = models.ForeignKey(
        "members.Member",
        verbose_name=_("讲课人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lectures",
    )
    cancelled = models.BooleanField(_("已取消"), default=False)
    attendance_taken_at = models.DateTimeField(_("登记考勤时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["org", "kind", "date"]),
            models.Index(fields=["date", "org"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"

    def audit_scope_path(self) -> str:
        return self.org.path

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == MeetingKind.COUNCIL and not self.body_id:
            errors["body"] = _("议事协调会议请选择议事协调机构。")
        if self.kind != MeetingKind.COUNCIL and self.body_id:
            errors["body"] = _("只有议事协调会议才选择议事协调机构。")
        if self.kind == MeetingKind.STUDY and not self.study_group_id:
            errors["study_group"] = _("分类学习请选择学习小组。")
        if self.lecturer_id and self.kind != MeetingKind.PARTY_LECTURE:
            errors["lecturer"] = _("只有党课才登记讲课人。")
        if errors:
            raise ValidationError(errors)


class MeetingFileQuerySet(ScopedQuerySet):
    scope_path = "meeting__org__path"


class MeetingFile(models.Model):
    """An attachment of a meeting (sign-in sheet scan, slides, a resolution). Served only through
    a view that checks access — never from a public media URL."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("附件"), upload_to="meetings/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = MeetingFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["meeting", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.meeting.org.path


class AttendanceQuerySet(ScopedQuerySet):
    scope_path = "meeting__org__path"
    self_lookup = "member_id"


class Attendance(models.Model):
    """Who (a member) or which member unit (a seat) was present, on excused leave or absent."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    seat = models.ForeignKey(
        Seat,
        verbose_name=_("成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    status = models.CharField(_("出勤"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("请假/缺席原因"), max_length=200, blank=True)
    attendee = models.CharField(
        _("实际参会人"), max_length=50, blank=True, help_text=_("成员单位派人参加时填写。")
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="attendance_member_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "seat"],
                condition=Q(seat__isnull=False),
                name="attendance_seat_once",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, seat__isnull=True)
                | Q(member__isnull=True, seat__isnull=False),
                name="attendance_member_xor_seat",
            ),
        ]
        indexes = [models.Index(fields=["member", "status", "meeting"])]

    def __str__(self) -> str:
        return f"{self.meeting} {self.get_status_display()}"

    def audit_scope_path(self) -> str:
        return self.meeting.org.path


class LeaveState(models.TextChoices):
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已准假")
    REFUSED = "refused", _("未准假")
    WITHDRAWN = "withdrawn", _("已撤回")


class LeaveRequestQuerySet(ScopedQuerySet):
    scope_path = "meeting__org__path"
    self_lookup = "member_id"


class LeaveRequest(Versioned):
    """A member asks for leave from a meeting, with a reason; the secretary approves or not.
    Approved leave becomes an excused absence when attendance is taken."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="leave_requests"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="leave_requests",
    )
    reason = models.CharField(_("请假原因"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=LeaveState.choices, default=LeaveState.PENDING
    )
    answer = models.CharField(_("答复"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("批复时间"), null=True, blank=True)

    objects = LeaveRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["meeting", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(state__in=["pending", "approved"]),
                name="leave_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_state_display()}"

    def audit_scope_path(self) -> str:
        return self.meeting.org.path


# ---- consequences --------------------------------------------------------------------------
class CriticismQuerySet(ScopedQuerySet):
    scope_path = "meeting__org__path"


class Criticism(models.Model):
    """A notice of criticism (通报批评) for a member unit's unexcused absence from a body's meeting.

    Created when the absence is recorded; withdrawn (never deleted) when the absence is corrected.
    Two or more in a calendar year (rule ``council.absence_criticism``) cost the unit and its head
    that year's award eligibility — see ``meetings.selectors.criticism``.
    """

    attendance = models.OneToOneField(
        Attendance, on_delete=models.PROTECT, related_name="criticism"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="criticisms"
    )
    seat = models.ForeignKey(
        Seat, verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="criticisms"
    )
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("驻区单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criticisms",
    )
    head = models.CharField(_("单位负责人"), max_length=50, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    issued_on = models.DateField(_("通报日期"))
    text = models.TextField(_("通报内容"))
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = CriticismQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报批评")
        verbose_name_plural = _("通报批评")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["year", "seat"]), models.Index(fields=["year", "unit"])]

    def __str__(self) -> str:
        return f"{self.year} {self.seat}"

    def audit_scope_path(self) -> str:
        return self.meeting.org.path


class NoLifeHandling(models.TextChoices):
    TALK = "talk", _("谈话提醒")
    DEADLINE = "deadline", _("限期改正")
    JUSTIFIED = "justified", _("有正当理由（如病重、外出）")
    RESUMED = "resumed", _("已恢复参加组织生活")
    REMOVAL = "removal", _("按自行脱党除名，报上级审批")


class NoLifeCaseQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class NoLifeCase(Versioned):
    """How a branch handled a member listed for six months without organisational life
    (Party constitution art. 9). The list itself is derived; this records the handling."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="no_life_cases",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("处理支部"),
        on_delete=models.PROTECT,
        related_name="no_life_cases",
    )
    last_attended = models.DateField(_("最后参加组织生活"), null=True, blank=True)
    handling = models.CharField(_("处理方式"), max_length=12, choices=NoLifeHandling.choices)
    handled_on = models.DateField(_("处理日期"))
    note = models.TextField(_("情况说明"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NoLifeCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("不参加组织生活处理")
        verbose_name_plural = _("不参加组织生活处理")
        ordering = ["-handled_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_handling_display()}"

    def audit_scope_path(self) -> str:
        return self.org.path


# Models of the §13 rules kept in their own modules, registered with the app from here.
from .models_kept import CadenceKept, CadenceStamp  # noqa: E402, F401
from .models_lost import LostContact, LostContactDecision, LostDecisionKind  # noqa: E402, F401
from .models_talks import HeartTalk  # noqa: E402, F401
from .models_votes import Vote  # noqa: E402, F401
