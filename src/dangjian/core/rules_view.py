"""The rules table in plain Chinese: each rule's numbers as labelled lines with their units.

:mod:`dangjian.core.rules` keeps numbers under short English keys (``quorum_fraction``,
``brackets``); a reader of the rules page sees none of them: every key has a Chinese label and a
unit here, fractions are percentages, booleans 是/否 (or 开/关), periods 每月/每季度, lists and
nested lists readable lines. A key without a label (a locality's own addition) is shown by its
value alone under 其他, never as code.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import rules

PERIODS = {
    "month": "每月",
    "quarter": "每季度",
    "half": "每半年",
    "year": "每年",
}

WORDS = {
    "street": "街道（乡镇）党（工）委",
    "new_year": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping": "清明节",
    "labour_day": "劳动节",
    "dragon_boat": "端午节",
    "mid_autumn": "中秋节",
    "national_day": "国庆节",
}

#: The "五个好" indicators (keys of assess.weights / assess.targets).
INDICATORS = {
    "lead.committee": "领导班子好 · 班子健全",
    "lead.lectures": "领导班子好 · 书记讲党课",
    "lead.staffing": "领导班子好 · 社区工作者配备",
    "lead.training": "领导班子好 · 社区干部培训",
    "members.dues": "党员队伍好 · 按时交纳党费",
    "members.development": "党员队伍好 · 发展党员按期",
    "members.commitments": "党员队伍好 · 承诺践诺",
    "members.deeds": "党员队伍好 · 在职党员办实事",
    "mech.cadence": "工作机制好 · 三会一课按期",
    "mech.coverage": "工作机制好 · 楼栋、楼道覆盖",
    "mech.funds": "工作机制好 · 办公和活动经费",
    "results.cobuild": "工作业绩好 · 共驻共建星级",
    "results.grid_visits": "工作业绩好 · 片区走访",
    "results.cases": "工作业绩好 · 矛盾纠纷按时办结",
    "results.households": "工作业绩好 · 困难家庭结对",
    "residents.requests": "群众反映好 · 工单按时办结",
    "residents.satisfaction": "群众反映好 · 居民满意度",
    "inspect.leadership": "考核组现场打分（领导班子好）",
    "inspect.members": "考核组现场打分（党员队伍好）",
    "inspect.mechanism": "考核组现场打分（工作机制好）",
    "inspect.results": "考核组现场打分（工作业绩好）",
    "inspect.residents": "考核组现场打分（群众反映好）",
}

SERVICE_CATEGORIES = {
    "housekeeping": "家政",
    "property": "物业",
    "care": "养老托幼",
    "health": "医疗保健",
    "repair": "日常维修",
    "dibao": "低保",
    "social": "社保",
    "jobs": "就业",
    "dispute": "纠纷",
    "other": "其他",
}

PCT = "%"  # a value shown as a percentage

#: Labels and units of keys that mean the same in every rule.
GENERIC: dict[str, tuple[str, str]] = {
    "min_count": ("最少次数", "次"),
    "period": ("周期", ""),
    "months": ("期限", "个月"),
    "years": ("年限", "年"),
    "min_per_year": ("每年至少", "件"),
    "max_per_year": ("每年至多", "件"),
    "members_over": ("党员人数超过", "名"),
    "min_full_members": ("正式党员人数达到", "名"),
}

#: Per rule: key → (label, unit). Unit ``PCT`` shows a fraction as a percentage.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "org.branch_min_full_members": {"min": ("正式党员至少", "名")},
    "org.branch_committee_size": {
        "min": ("委员至少", "人"),
        "max_usual": ("委员一般不超过", "人"),
        "max": ("委员至多", "人"),
        "term_years_community": ("社区支部委员会任期", "年"),
        "term_years_other": ("其他支部委员会任期", "年"),
        "remind_days_before_end": ("任期届满前提醒", "天"),
    },
    "org.coverage": {
        "building_branch": ("每个楼栋的支部", "个"),
        "corridor_group": ("每个楼道的党小组", "个"),
    },
    "meeting.party_lecture": {"secretary_per_year": ("支部书记每年讲党课", "次")},
    "meeting.org_life": {"usual_quarter": ("通常召开于第几季度", "")},
    "meeting.general_vote": {
        "quorum_fraction": ("到会人数须超过应到会有表决权党员的", PCT),
        "approve_fraction": ("赞成票须超过应到会有表决权党员的", PCT),
    },
    "member.no_org_life": {"months": ("连续时间", "个月")},
    "member.lost_contact": {
        "suspend_after_months": ("失去联系满", "个月后停止党籍"),
        "remove_after_years": ("停止党籍满", "年仍无联系的予以除名"),
    },
    "member.mobile_card": {"max_absence_months": ("外出超过", "个月须持活动证")},
    "member.mobile_followup": {
        "card_warn_days": ("活动证到期前提醒", "天"),
        "contact_every_months": ("每隔", "个月联系一次"),
    },
    "care.holiday_visit": {
        "lead_days": ("节前提前", "天安排慰问"),
        "holidays": ("慰问的节日", ""),
        "count_before_days": ("节前计入慰问的天数", "天"),
        "count_after_days": ("节后计入慰问的天数", "天"),
    },
    "care.aid_weighting": {
        "project_weight": ("参加项目的党员", "份"),
        "difficulty_weight": ("生活困难的党员", "份"),
    },
    "dues.in_service": {"brackets": ("按月税后工资", "")},
    "dues.retired": {"brackets": ("按月养老金", "")},
    "dues.flat": {"yuan_per_month": ("每月交纳", "元")},
    "dues.back_payment": {
        "max_back_months": ("最多补交", "个月"),
        "from_admission": ("预备党员自批准之月起交纳", ""),
    },
    "dev.min_age": {"years": ("年满", "周岁")},
    "dev.applicant_talk": {"within_days": ("收到申请后谈话不超过", "天")},
    "dev.activist_period": {"min_years": ("培养教育至少", "年")},
    "dev.candidate_training": {
        "min_days": ("集中培训至少", "天"),
        "min_hours": ("或至少", "学时"),
    },
    "dev.approval": {
        "within_months": ("一般在", "个月内审批"),
        "max_months": ("最长不超过", "个月"),
        "approver": ("审批机关", ""),
    },
    "dev.probation": {"years": ("预备期", "年")},
    "dev.probation_extension": {
        "min_months": ("延长至少", "个月"),
        "max_months": ("延长至多", "个月"),
    },
    "council.absence_criticism": {"notices_to_lose_awards": ("年内被通报达到", "次取消评先资格")},
    "council.county_leaders": {
        "leaders_per_community": ("每个社区联系的县领导", "名"),
        "visits_per_quarter": ("每季度到社区", "次"),
        "meetings_per_quarter": ("每季度参加会议", "次"),
    },
    "cobuild.member_deeds": {"min_households": ("结对帮扶至少", "户")},
    "households.pairing": {"min_members": ("每户结对在职党员至少", "名")},
    "cobuild.unit_volunteer_services": {"min_per_year": ("每年至少", "次")},
    "cobuild.assessment_weight": {"min_fraction": ("占单位党建考核的比重不低于", PCT)},
    "cobuild.stars": {
        "min": ("最低", "星"),
        "max": ("最高", "星"),
        "period": ("评定周期", ""),
        "good_from": ("达到此星级为“好”", "星"),
    },
    "cobuild.star_proposal": {
        "council_attendance": ("联席会出席率达到", PCT),
        "min_activities": ("活动至少", "次"),
        "criticism_penalty": ("每次通报批评扣", "星"),
    },
    "member.invisible": {"silent_months": ("连续没有任何活动", "个月")},
    "commitment.evaluation": {
        "weights": ("评诺权重", ""),
        "excellent": ("优秀", "分以上"),
        "pass": ("合格", "分以上"),
        "basic": ("基本合格", "分以上"),
    },
    "commitment.posts": {"max_posts": ("设岗至多", "个")},
    "volunteer.rankings": {
        "members": ("党员个人排行", ""),
        "teams": ("服务队排行", ""),
    },
    "grid.residents_per_cadre": {"max_residents": ("每人联系居民不超过", "人")},
    "grid.liaisons": {"residents_per_liaison": ("每名联络员联系居民", "人")},
    "grid.case_deadline": {
        "petition": ("信访件", "天"),
        "mediation": ("矛盾纠纷调解", "天"),
    },
    "grid.permit_reminder": {"days_before": ("到期前提醒", "天")},
    "staff.county_seat": {
        "admin": ("行政编制", "名"),
        "institution": ("事业编制", "名"),
        "public_welfare": ("公益性岗位", "名"),
        "of_which_family_planning": ("其中计生", "名"),
        "of_which_social_security": ("其中社保", "名"),
        "of_which_security_info": ("其中综治信息", "名"),
    },
    "funds.office_activity": {
        "county_seat_yuan": ("县城所在地社区每年", "元"),
        "other_town_yuan": ("建制镇社区每年", "元"),
    },
    "funds.street_special": {"min_yuan": ("每个街道不少于", "元")},
    "training.county": {
        "min_times_per_year": ("每年至少", "次"),
        "min_days": ("每次至少", "天"),
    },
    "office.space_bands": {"bands_m2": ("面积分档", "平方米")},
    "staff.seconded_term": {
        "min_years": ("任期至少", "年"),
        "max_years": ("任期至多", "年"),
        "remind_days_before": ("期满前提醒", "天"),
    },
    "service.rating_link": {"valid_days": ("链接有效", "天")},
    "assess.goods": {
        "leadership": ("领导班子好", "分"),
        "members": ("党员队伍好", "分"),
        "mechanism": ("工作机制好", "分"),
        "results": ("工作业绩好", "分"),
        "residents": ("群众反映好", "分"),
    },
    "assess.levels": {
        "excellent": ("优秀", "分以上"),
        "good": ("良好", "分以上"),
        "pass": ("合格", "分以上"),
    },
    "assess.model_community": {
        "five": ("五星级", "分以上"),
        "four": ("四星级", "分以上"),
        "three": ("三星级", "分以上"),
        "two": ("二星级", "分以上"),
        "one": ("一星级", "分以上"),
    },
    "assess.outstanding_workers": {"every_years": ("每隔", "年评选一次")},
    "assess.satisfied": {"request_min": ("工单评价不低于", "分")},
    "inspection.followup": {"default_days": ("整改期限", "天")},
    "notices.publish_ahead": {"max_days": ("最多提前", "天")},
    "form.far_future_days": {"days": ("超过", "天须确认")},
}
LABELS["staff.other_town"] = LABELS["staff.county_seat"]
LABELS["training.town"] = LABELS["training.county"]
for _key, _label in INDICATORS.items():
    LABELS.setdefault("assess.weights", {})[_key] = (_label, "")
    LABELS.setdefault("assess.targets", {})[_key] = (_label, PCT)
for _key, _label in SERVICE_CATEGORIES.items():
    LABELS.setdefault("service.request_deadline", {})[_key] = (_label, "天")

WEIGHT_PARTS = {"self": "本人自评", "peer": "党员互评", "resident": "群众评议", "org": "组织评定"}


def number(value: Any) -> str:
    """A number as a Chinese reader writes it: no trailing ``.0``."""
    if isinstance(value, float | Decimal):
        text = f"{value:f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return text or "0"
    return str(value)


def percent(value: Any) -> str:
    return f"{number(round(float(value) * 100, 4))}%"


def word(value: Any, *, unit: str = "", switch: bool = False) -> str:
    """One scalar value in plain Chinese."""
    if isinstance(value, bool):
        if switch:
            return "开" if value else "关"
        return "是" if value else "否"
    if value is None:
        return "不限"
    if isinstance(value, str):
        return PERIODS.get(value) or WORDS.get(value) or value
    if unit == PCT:
        return percent(value)
    return f"{number(value)} {unit}".strip() if unit else number(value)


def _brackets(value: list[Any], what: str) -> dict[str, Any]:
    """Dues brackets [[upper, rate], …, [None, rate]] as the lines of a small table."""
    lines = []
    lower = None
    for upper, rate in value:
        if upper is None:
            band = f"{number(lower)} 元以上" if lower is not None else "不限"
        elif lower is None:
            band = f"{number(upper)} 元及以下"
        else:
            band = f"{number(lower)} 元以上至 {number(upper)} 元"
        lines.append({"label": band, "text": percent(rate)})
        lower = upper
    return {"label": what, "text": "", "table": lines, "heads": ("月收入", "交纳比例")}


def _line(rule_id: str, key: str, value: Any, unit_of_rule: str) -> dict[str, Any]:
    label, unit = LABELS.get(rule_id, {}).get(key) or GENERIC.get(key) or ("其他", "")
    switch = "开/关" in unit_of_rule
    if key == "brackets" and isinstance(value, list):
        return _brackets(value, label)
    if isinstance(value, Mapping):
        parts = [
            {"label": WEIGHT_PARTS.get(str(k), str(k)), "text": word(v, unit=PCT)}
            if key == "weights"
            else {"label": WORDS.get(str(k), str(k)), "text": word(v)}
            for k, v in value.items()
        ]
        return {"label": label, "text": "", "table": parts, "heads": ()}
    if isinstance(value, list | tuple):
        items = [word(v) for v in value]
        text = "、".join(items) + (f" {unit}" if unit and unit != PCT else "")
        return {"label": label, "text": text}
    return {"label": label, "text": word(value, unit=unit, switch=switch)}


def lines_of(rule_id: str, values: Mapping[str, Any], unit: str) -> list[dict[str, Any]]:
    """A rule's numbers as ``{"label", "text"}`` lines (``table`` lines for lists of pairs)."""
    values = dict(values)
    out: list[dict[str, Any]] = []
    if "month" in values and "day" in values:
        m, d = values.pop("month"), values.pop("day")
        out.append({"label": "日期", "text": f"每年{number(m)}月{number(d)}日前"})
    for key, value in values.items():
        out.append(_line(rule_id, key, value, unit))
    return out


def rows(table: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The rules page's rows (of ``rules.as_rows()``): title, lines, source, explanation, key."""
    table = rules.as_rows() if table is None else table
    return [{**r, "lines": lines_of(r["id"], r["values"], r["unit"])} for r in table]


def unlabelled() -> list[str]:
    """``rule.key`` of every default value that has no Chinese label (for the tests)."""
    out = []
    for r in rules.RULES:
        for key in r.values:
            if key in ("month", "day"):
                continue
            if key not in LABELS.get(r.id, {}) and key not in GENERIC:
                out.append(f"{r.id}.{key}")
    return out
