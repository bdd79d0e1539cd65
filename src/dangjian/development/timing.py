"""The timing rules of member development (SPEC §13), as pure functions of dates.

Each check returns a list of :class:`Finding` — nothing when all is well. A finding's level comes
from the rule's ``enforcement`` in the rules table (``block`` refuses the step, ``warn`` records it
and lets it through); an approval later than the outer limit is ``serious`` (shown in red). The
numbers come from :class:`DevRules`, read from the rules table once per organisation, so these
functions touch no database and are tested at every boundary.

Periods counted in years or months end on the same calendar day; a day the target month does
not have becomes its last day (29 February + 1 year = 28 February), as the Civil Code counts
periods (《民法典》第二百零三条: 没有对应日的，月末日为期间的最后一日). A step on the last day of a
period is on time; "at least one year" is met on the anniversary itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dangjian.core import rules

BLOCK = "block"
SERIOUS = "serious"
WARN = "warn"
INFO = "info"
LEVELS = (BLOCK, SERIOUS, WARN, INFO)


@dataclass(frozen=True)
class Finding:
    level: str  # block | serious | warn | info
    message: str
    rule: str = ""  # the rules-table id, empty for a procedural check

    @property
    def blocks(self) -> bool:
        return self.level == BLOCK

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "message": self.message, "rule": self.rule}


@dataclass(frozen=True)
class Due:
    """What a person in the pipeline needs next: ``text`` in words, due ``on`` a date (or None);
    ``overdue`` when that date has passed (shown in red)."""

    text: str
    on: dt.date | None = None
    overdue: bool = False


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the last day of the month when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def cn_date(day: dt.date, *, today: dt.date | None = None) -> str:
    """A date as people write it: 6月3日 this year, 2027年5月1日 otherwise."""
    if today is not None and day.year == today.year:
        return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


@dataclass(frozen=True)
class DevRules:
    """The numbers and enforcement of the dev.* rules for one organisation."""

    min_age: int
    min_age_level: str
    talk_days: int
    talk_level: str
    activist_years: int
    activist_level: str
    training_days: int
    training_hours: int
    training_level: str
    approval_months: int
    approval_max_months: int
    approval_level: str
    probation_years: int
    probation_level: str
    extension_min_months: int
    extension_max_months: int
    extension_level: str

    @classmethod
    def for_org(cls, org=None) -> DevRules:  # noqa: ANN001 - an Organisation or None
        def v(rule_id: str, key: str) -> int:
            return int(rules.value(rule_id, key, org=org))

        def level(rule_id: str) -> str:
            return BLOCK if rules.get(rule_id).enforcement == "block" else WARN

        return cls(
            min_age=v("dev.min_age", "years"),
            min_age_level=level("dev.min_age"),
            talk_days=v("dev.applicant_talk", "within_days"),
            talk_level=level("dev.applicant_talk"),
            activist_years=v("dev.activist_period", "min_years"),
            activist_level=level("dev.activist_period"),
            training_days=v("dev.candidate_training", "min_days"),
            training_hours=v("dev.candidate_training", "min_hours"),
            training_level=level("dev.candidate_training"),
            approval_months=v("dev.approval", "within_months"),
            approval_max_months=v("dev.approval", "max_months"),
            approval_level=level("dev.approval"),
            probation_years=v("dev.probation", "years"),
            probation_level=level("dev.probation"),
            extension_min_months=v("dev.probation_extension", "min_months"),
            extension_max_months=v("dev.probation_extension", "max_months"),
            extension_level=level("dev.probation_extension"),
        )


# ---- one check per rule ------------------------------------------------------------------------
def check_age(*, birth_date: dt.date, applied_on: dt.date, r: DevRules) -> list[Finding]:
    """dev.min_age: 18 on the day of applying (the 18th birthday itself is old enough)."""
    of_age = add_years(birth_date, r.min_age)
    if applied_on >= of_age:
        return []
    return [
        Finding(
            r.min_age_level,
            _("申请入党时未满 %(n)d 周岁（%(d)s才满 %(n)d 周岁），不能受理入党申请。")
            % {"n": r.min_age, "d": cn_date(of_age)},
            "dev.min_age",
        )
    ]


def talk_due(*, applied_on: dt.date, r: DevRules) -> dt.date:
    """The last day of the talk after applying (within one month = ``talk_days`` days)."""
    return applied_on + dt.timedelta(days=r.talk_days)


def check_talk(*, applied_on: dt.date, talked_on: dt.date, r: DevRules) -> list[Finding]:
    """dev.applicant_talk: the talk within a month of the application."""
    due = talk_due(applied_on=applied_on, r=r)
    if talked_on <= due:
        return []
    return [
        Finding(
            r.talk_level,
            _(
                "谈话晚于规定：收到入党申请书后应在 %(n)d 天内谈话（%(d)s前），实际晚了 %(late)d 天。"
            )
            % {"n": r.talk_days, "d": cn_date(due), "late": (talked_on - due).days},
            "dev.applicant_talk",
        )
    ]


def candidate_from(*, activist_on: dt.date, r: DevRules) -> dt.date:
    """The first day an activist may become a development candidate."""
    return add_years(activist_on, r.activist_years)


def check_activist_period(
    *, activist_on: dt.date, candidate_on: dt.date, r: DevRules
) -> list[Finding]:
    """dev.activist_period: at least a year as activist (the anniversary itself is enough)."""
    first = candidate_from(activist_on=activist_on, r=r)
    if candidate_on >= first:
        return []
    return [
        Finding(
            r.activist_level,
            _("入党积极分子培养教育不满 %(n)d 年（%(a)s 列为积极分子），%(d)s起才能列为发展对象。")
            % {"n": r.activist_years, "a": cn_date(activist_on), "d": cn_date(first)},
            "dev.activist_period",
        )
    ]


def training_enough(*, days: int | None, hours: int | None, r: DevRules) -> bool:
    return (days or 0) >= r.training_days or (hours or 0) >= r.training_hours


def check_training(
    *,
    days: int | None,
    hours: int | None,
    completed_on: dt.date | None,
    admitted_on: dt.date,
    r: DevRules,
) -> list[Finding]:
    """dev.candidate_training, checked before admission: at least 3 days or 24 class hours,
    finished by the day of the branch general meeting."""
    if completed_on is None or not (days or hours):
        return [
            Finding(
                r.training_level,
                _(
                    "发展对象尚未参加短期集中培训（不少于 %(d)d 天或 %(h)d 学时），不能接收为预备党员。"
                )
                % {"d": r.training_days, "h": r.training_hours},
                "dev.candidate_training",
            )
        ]
    out = []
    if not training_enough(days=days, hours=hours, r=r):
        out.append(
            Finding(
                r.training_level,
                _(
                    "培训时间不足：只有 %(days)s 天、%(hours)s 学时，应不少于 %(d)d 天或 %(h)d 学时。"
                )
                % {
                    "days": days or 0,
                    "hours": hours or 0,
                    "d": r.training_days,
                    "h": r.training_hours,
                },
                "dev.candidate_training",
            )
        )
    if completed_on > admitted_on:
        out.append(
            Finding(
                r.training_level,
                _("培训结业（%(c)s）晚于支部大会（%(a)s），应先完成培训。")
                % {"c": cn_date(completed_on), "a": cn_date(admitted_on)},
                "dev.candidate_training",
            )
        )
    return out


def approval_due(*, admitted_on: dt.date, r: DevRules) -> tuple[dt.date, dt.date]:
    """The last day of approval (3 months) and the outer limit (6 months)."""
    return (
        add_months(admitted_on, r.approval_months),
        add_months(admitted_on, r.approval_max_months),
    )


def check_approval(*, admitted_on: dt.date, approved_on: dt.date, r: DevRules) -> list[Finding]:
    """dev.approval: the street/town committee approves within 3 months, at most 6."""
    due, limit = approval_due(admitted_on=admitted_on, r=r)
    if approved_on <= due:
        return []
    if approved_on <= limit:
        return [
            Finding(
                r.approval_level,
                _("审批晚于规定：应在支部大会通过后 %(n)d 个月内（%(d)s前）审批。")
                % {"n": r.approval_months, "d": cn_date(due)},
                "dev.approval",
            )
        ]
    return [
        Finding(
            BLOCK if r.approval_level == BLOCK else SERIOUS,
            _("审批超过最长期限：支部大会通过后最长 %(n)d 个月（%(d)s）内必须审批，请说明原因。")
            % {"n": r.approval_max_months, "d": cn_date(limit)},
            "dev.approval",
        )
    ]


def probation_ends(*, admitted_on: dt.date, extended_until: dt.date | None, r: DevRules) -> dt.date:
    """The day 转正 may be discussed: the anniversary of admission, or the end of an extension."""
    return extended_until or add_years(admitted_on, r.probation_years)


def check_full(
    *,
    admitted_on: dt.date,
    full_on: dt.date,
    extended_until: dt.date | None,
    r: DevRules,
) -> list[Finding]:
    """dev.probation: 转正 on or after the end of probation (the anniversary itself is allowed)."""
    ends = probation_ends(admitted_on=admitted_on, extended_until=extended_until, r=r)
    if full_on >= ends:
        if full_on > ends:
            return [
                Finding(
                    INFO,
                    _("预备期已于 %(d)s届满，转正讨论晚了 %(n)d 天。")
                    % {"d": cn_date(ends), "n": (full_on - ends).days},
                    "dev.probation",
                )
            ]
        return []
    what = (
        _("延长的预备期") if extended_until else _("预备期（%(n)d 年）") % {"n": r.probation_years}
    )
    return [
        Finding(
            r.probation_level,
            _("%(what)s还没有满，%(d)s起才能讨论转正。") % {"what": what, "d": cn_date(ends)},
            "dev.probation",
        )
    ]


def extension_bounds(*, admitted_on: dt.date, r: DevRules) -> tuple[dt.date, dt.date]:
    """The earliest and latest end of an extended probation (6 to 12 months past the year)."""
    anniversary = add_years(admitted_on, r.probation_years)
    return (
        add_months(anniversary, r.extension_min_months),
        add_months(anniversary, r.extension_max_months),
    )


def check_extension(*, admitted_on: dt.date, until: dt.date, r: DevRules) -> list[Finding]:
    """dev.probation_extension: at least half a year, at most one year beyond the first year."""
    low, high = extension_bounds(admitted_on=admitted_on, r=r)
    if low <= until <= high:
        return []
    return [
        Finding(
            r.extension_level,
            _("延长预备期不能少于 %(a)d 个月、不能超过 %(b)d 个月：应延至 %(lo)s 至 %(hi)s 之间。")
            % {
                "a": r.extension_min_months,
                "b": r.extension_max_months,
                "lo": cn_date(low),
                "hi": cn_date(high),
            },
            "dev.probation_extension",
        )
    ]


def check_order(
    *, earlier: dt.date | None, later: dt.date, what: str, before: str
) -> list[Finding]:
    """A step dated before the step it follows (a typing mistake, refused)."""
    if earlier is None or later >= earlier:
        return []
    return [
        Finding(
            BLOCK,
            _("%(what)s日期不能早于%(before)s日期（%(d)s）。")
            % {"what": what, "before": before, "d": cn_date(earlier)},
        )
    ]


# ---- what is due next --------------------------------------------------------------------------
def next_due(c, *, today: dt.date, r: DevRules) -> Due | None:  # noqa: ANN001 - a Candidate
    """What the person needs next and by when, from the dates on the record (no queries)."""
    from .models import Stage  # the model module imports this one

    stage = c.stage
    if stage == Stage.APPLICANT:
        if c.talked_on is None:
            due = talk_due(applied_on=c.applied_on, r=r)
            return Due(
                _("%(d)s前谈话") % {"d": cn_date(due, today=today)}, due, overdue=today > due
            )
        return Due(_("待支委会研究确定为入党积极分子"))
    if stage == Stage.ACTIVIST:
        first = candidate_from(activist_on=c.activist_on, r=r)
        if today < first:
            return Due(_("%(d)s起可列为发展对象") % {"d": cn_date(first, today=today)}, first)
        return Due(_("已满培养期，可研究列为发展对象"), first)
    if stage == Stage.CANDIDATE:
        missing = []
        if not (c.introducer_1_label and c.introducer_2_label):
            missing.append(_("确定入党介绍人"))
        if c.review_done_on is None:
            missing.append(_("政治审查"))
        if c.training_completed_on is None or not training_enough(
            days=c.training_days, hours=c.training_hours, r=r
        ):
            missing.append(_("集中培训"))
        if c.notice_to is None:
            missing.append(_("公示"))
        if missing:
            return Due(_("待%(w)s") % {"w": "、".join(str(m) for m in missing)})
        return Due(_("可提交支部大会讨论接收"))
    if stage == Stage.PROBATIONARY:
        if c.approved_on is None:
            due, limit = approval_due(admitted_on=c.admitted_on, r=r)
            return Due(
                _("%(d)s前报上级党委审批") % {"d": cn_date(due, today=today)},
                due,
                overdue=today > due,
            )
        ends = probation_ends(
            admitted_on=c.admitted_on, extended_until=c.probation_extended_until, r=r
        )
        if today < ends:
            return Due(_("%(d)s起可讨论转正") % {"d": cn_date(ends, today=today)}, ends)
        return Due(
            _("预备期已于%(d)s届满，请及时讨论转正") % {"d": cn_date(ends, today=today)},
            ends,
            overdue=today > ends,
        )
    return None
