"""The rules table: every quota, cadence, percentage and deadline the platform enforces (SPEC §13).

Each rule has an id, its numbers (named values), a unit, its source and a plain Chinese explanation.
Code refers to a rule by id and reads a number with :func:`value`; no number of §13 is written
anywhere else. A locality changes its numbers in configuration, without code changes: the JSON file
named by the setting ``DANGJIAN_RULES_FILE``::

    {"default": {"funds.office_activity": {"county_seat_yuan": 80000}},
     "orgs": {"C0103": {"cadre.residents_per_cadre": {"max_residents": 400}}}}

``default`` overrides apply everywhere; ``orgs`` overrides apply to the organisation with that code
and everything below it (the nearest one wins). Figures from national regulations were checked
against the regulation's text where noted in ``source``; local figures come from the seeds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Rule:
    """One rule: numbers with names, the unit they are in, where the rule comes from, and why."""

    id: str
    title: str
    values: Mapping[str, Any]
    unit: str
    source: str
    explain: str
    area: str = ""
    enforcement: str = "warn"  # warn | block | flag | info
    tags: tuple[str, ...] = field(default_factory=tuple)


def _r(id, title, values, unit, source, explain, area, enforcement="warn"):  # noqa: A002
    return Rule(id, title, values, unit, source, explain, area, enforcement)


BRANCH_REGS = "《中国共产党支部工作条例（试行）》（2018）"
DEV_RULES = "《中国共产党发展党员工作细则》（2014）"
DUES_REGS = "《关于中国共产党党费收缴、使用和管理的规定》（2008）"
EDU_REGS = "《中国共产党党员教育管理工作条例》（2019）"
CONSTITUTION = "《中国共产党章程》"
SEED_002 = "seed [002] 社区党建工作问题的探析（3621 工作模式）"
SEED_001 = "seed [001]"

RULES: tuple[Rule, ...] = (
    # --- §1 structure --------------------------------------------------------------------------
    _r(
        "org.branch_min_full_members",
        "支部正式党员最少人数",
        {"min": 3},
        "名正式党员",
        f"{CONSTITUTION} 第三十条；{BRANCH_REGS} 第五条",
        "正式党员 3 人以上的，应当成立党支部；不足 3 人的支部系统给出提醒，不拒绝。",
        "orgs",
    ),
    _r(
        "org.branch_committee_threshold",
        "支部委员会设立门槛",
        {"min_full_members": 7},
        "名正式党员",
        f"{BRANCH_REGS} 第九条",
        "正式党员 7 人以上的支部设立支部委员会；不足 7 人的只设书记（必要时设副书记）。",
        "orgs",
    ),
    _r(
        "org.general_branch_threshold",
        "设立党总支的通常人数",
        {"members_over": 50},
        "名党员",
        f"{BRANCH_REGS} 第五条（通常做法）",
        "党员超过 50 人的，一般设立党的总支部委员会。系统提醒，不拒绝。",
        "orgs",
    ),
    _r(
        "org.party_committee_threshold",
        "设立基层党委的通常人数",
        {"members_over": 100},
        "名党员",
        f"{CONSTITUTION} 第三十条（通常做法）",
        "党员超过 100 人的，一般设立党的基层委员会。系统提醒，不拒绝。",
        "orgs",
    ),
    _r(
        "org.branch_committee_size",
        "支部委员会人数与任期",
        {
            "min": 3,
            "max_usual": 5,
            "max": 7,
            "term_years_community": 5,
            "term_years_other": 3,
            "remind_days_before_end": 90,
        },
        "人 / 年",
        f"{BRANCH_REGS} 第九条、第十条",
        "支部委员会一般由 3 至 5 人组成，最多不超过 7 人；社区党支部每届 5 年，其他 3 年；届满前提醒换届。",
        "orgs",
    ),
    _r(
        "org.coverage",
        "楼栋支部、楼道小组全覆盖",
        {"building_branch": 1, "corridor_group": 1},
        "个",
        f"{SEED_001} 纵向到底、横向到边、全面覆盖",
        "每个楼栋应有支部，每个楼道（单元）应有党小组；系统列出空白点。",
        "orgs",
    ),
    # --- §3 organisational life ------------------------------------------------------------------
    _r(
        "meeting.branch_general",
        "支部党员大会",
        {"min_count": 1, "period": "quarter"},
        "次/季度",
        f"{BRANCH_REGS} 第十一条",
        "支部党员大会一般每季度召开 1 次。",
        "meetings",
    ),
    _r(
        "meeting.branch_committee",
        "支部委员会会议",
        {"min_count": 1, "period": "month"},
        "次/月",
        f"{BRANCH_REGS} 第十三条",
        "支部委员会会议一般每月召开 1 次。",
        "meetings",
    ),
    _r(
        "meeting.group",
        "党小组会",
        {"min_count": 1, "period": "month"},
        "次/月",
        f"{BRANCH_REGS} 第十四条",
        "党小组会一般每月召开 1 次。",
        "meetings",
    ),
    _r(
        "meeting.party_lecture",
        "党课",
        {"min_count": 1, "period": "quarter", "secretary_per_year": 1},
        "次/季度",
        f"地方通行做法；{BRANCH_REGS} 第十五条（支部书记每年至少讲 1 次党课）",
        "党课一般每季度 1 次（地方规定）；支部书记每年至少讲 1 次党课（条例）。",
        "meetings",
    ),
    _r(
        "meeting.theme_day",
        "主题党日",
        {"min_count": 1, "period": "month"},
        "次/月",
        f"{BRANCH_REGS} 第十六条",
        "党支部每月相对固定 1 天开展主题党日。",
        "meetings",
    ),
    _r(
        "meeting.org_life",
        "组织生活会",
        {"min_count": 1, "period": "year", "usual_quarter": 4},
        "次/年",
        f"{BRANCH_REGS} 第十七条",
        "组织生活会一般每年召开 1 次，通常在第四季度。",
        "meetings",
    ),
    _r(
        "meeting.member_appraisal",
        "民主评议党员",
        {"min_count": 1, "period": "year"},
        "次/年",
        f"{BRANCH_REGS} 第十七条",
        "民主评议党员一般每年开展 1 次。",
        "meetings",
    ),
    _r(
        "meeting.heart_talk",
        "谈心谈话",
        {"min_count": 1, "period": "year"},
        "次/年",
        f"{BRANCH_REGS} 第十八条",
        "支部委员与党员之间的谈心谈话每年至少 1 次。",
        "meetings",
    ),
    _r(
        "meeting.general_vote",
        "党员大会表决",
        {"quorum_fraction": 0.5, "approve_fraction": 0.5},
        "比例（超过）",
        f"{BRANCH_REGS} 第十一条",
        "有表决权的到会人数超过应到会人数的半数方可召开；赞成人数超过应到会有表决权党员的半数为通过。",
        "meetings",
        "block",
    ),
    _r(
        "member.no_org_life",
        "不参加组织生活、不交党费、不做党分配工作",
        {"months": 6},
        "个月",
        f"{CONSTITUTION} 第九条",
        "党员连续 6 个月不参加党的组织生活、不交纳党费、不做党所分配的工作，又无正当理由的，"
        "列入“自行脱党”处理名单，由支部处理。",
        "members",
        "flag",
    ),
    _r(
        "member.lost_contact",
        "失联党员",
        {"suspend_after_months": 6, "remove_after_years": 2},
        "个月 / 年",
        f"{EDU_REGS} 第二十四条、第二十五条",
        "失去联系满 6 个月的停止党籍；停止党籍满 2 年仍无法取得联系的，按自行脱党除名。",
        "members",
        "flag",
    ),
    _r(
        "member.mobile_card",
        "流动党员活动证",
        {"max_absence_months": 6},
        "个月",
        EDU_REGS,
        "外出 6 个月以内的发放流动党员活动证；外出时间较长且地点固定的，应转移组织关系。",
        "members",
    ),
    _r(
        "member.mobile_followup",
        "流动党员跟踪联系",
        {"card_warn_days": 30, "contact_every_months": 3},
        "天；个月",
        f"{SEED_002}（结对联系制度）；具体天数、月数为地方做法，地方可调整",
        "流动党员活动证到期前 30 天起提醒换发或收回；结对联系人至少每 3 个月与流动党员联系一次"
        "（传达精神、通报情况、征求意见），超过的列入提醒。",
        "members",
    ),
    _r(
        "care.holiday_visit",
        "节假日慰问",
        {
            "lead_days": 7,
            "holidays": [
                "new_year",
                "spring_festival",
                "tomb_sweeping",
                "labour_day",
                "dragon_boat",
                "mid_autumn",
                "national_day",
            ],
            "count_before_days": 45,
            "count_after_days": 15,
        },
        "天（节前）",
        f"{SEED_002}“建立节假日慰问制度”；提前天数为地方做法，地方可调整",
        "对年老体弱和生活困难党员，在元旦、春节、清明、劳动节、端午、中秋、国庆放假前 7 天起安排上门慰问"
        "（放假日期按国家公布的安排；尚未公布的年份按法定节日推算）；放假前 45 天至假期结束后 15 天内的"
        "节日走访计入该节日。",
        "members",
        "info",
    ),
    _r(
        "care.aid_weighting",
        "党员互助金分配权重",
        {"project_weight": 2, "difficulty_weight": 1},
        "份/人",
        f"{SEED_002}“党员互助金要重点向有发展项目的社区困难党员倾斜”；份数为地方做法，地方可调整",
        "互助金按份数分配：有发展项目的困难党员每人 2 份，其他申请的困难党员每人 1 份。",
        "members",
        "info",
    ),
    # --- §2 dues ---------------------------------------------------------------------------------
    _r(
        "dues.in_service",
        "在职党员党费比例",
        {"brackets": [[3000, 0.005], [5000, 0.01], [10000, 0.015], [None, 0.02]]},
        "月税后工资（元）上限 → 比例",
        f"{DUES_REGS} 第二条",
        "月工资收入（税后）3000 元以下（含）交 0.5%；3000–5000 元（含）交 1%；5000–10000 元（含）交 1.5%；"
        "10000 元以上交 2%。",
        "members",
    ),
    _r(
        "dues.retired",
        "离退休党员党费比例",
        {"brackets": [[5000, 0.005], [None, 0.01]]},
        "月养老金（元）上限 → 比例",
        f"{DUES_REGS} 第四条",
        "离退休费总额 5000 元以下（含）交 0.5%；5000 元以上交 1%。",
        "members",
    ),
    _r(
        "dues.flat",
        "学生、下岗失业、低保党员党费",
        {"yuan_per_month": 0.2},
        "元/月",
        f"{DUES_REGS} 第五条",
        "学生党员、下岗失业党员、领取最低生活保障金的党员每月交 0.2 元。",
        "members",
    ),
    _r(
        "dues.back_payment",
        "党费补交与预备党员",
        {"max_back_months": 6, "from_admission": True},
        "个月",
        DUES_REGS,
        "补交党费一般不超过 6 个月；预备党员从被批准为预备党员之日起交纳党费。",
        "members",
    ),
    # --- §2 development ----------------------------------------------------------------------------
    _r(
        "dev.min_age",
        "申请入党最低年龄",
        {"years": 18},
        "周岁",
        f"{CONSTITUTION} 第一条",
        "年满 18 岁方可申请入党。",
        "members",
        "block",
    ),
    _r(
        "dev.applicant_talk",
        "入党申请人谈话",
        {"within_days": 30},
        "天",
        f"{DEV_RULES} 第七条",
        "党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话。",
        "members",
    ),
    _r(
        "dev.activist_period",
        "入党积极分子培养期",
        {"min_years": 1},
        "年",
        f"{DEV_RULES} 第十三条",
        "入党积极分子经过一年以上培养教育和考察，方可列为发展对象。",
        "members",
        "block",
    ),
    _r(
        "dev.candidate_training",
        "发展对象短期集中培训",
        {"min_days": 3, "min_hours": 24},
        "天 / 学时",
        f"{DEV_RULES} 第十七条",
        "发展对象集中培训时间一般不少于 3 天（或不少于 24 个学时）。",
        "members",
        "block",
    ),
    _r(
        "dev.approval",
        "审批预备党员",
        {"within_months": 3, "max_months": 6, "approver": "street"},
        "个月",
        f"{DEV_RULES} 第二十七条、第二十八条",
        "上级党委（街道/镇党委，而非社区）在 3 个月内审批，最长不超过 6 个月。",
        "members",
    ),
    _r(
        "dev.probation",
        "预备期",
        {"years": 1},
        "年",
        f"{CONSTITUTION} 第七条",
        "预备期为一年，自支部大会通过之日算起；届满按期讨论转正。",
        "members",
        "block",
    ),
    _r(
        "dev.probation_extension",
        "延长预备期",
        {"min_months": 6, "max_months": 12},
        "个月",
        f"{CONSTITUTION} 第七条",
        "需要继续考察的，可以延长预备期，但不能少于半年，最长不超过一年。",
        "members",
        "block",
    ),
    # --- §4 councils -------------------------------------------------------------------------------
    _r(
        "council.joint",
        "社区党建联席会",
        {"min_count": 1, "period": "month"},
        "次/月",
        SEED_002,
        "由社区党组织牵头，原则上每月召开 1 次，可临时召开。",
        "meetings",
    ),
    _r(
        "council.coordination",
        "社区党建协调委员会",
        {"min_count": 1, "period": "half"},
        "次/半年",
        SEED_002,
        "由镇党委牵头，每半年召开 1 次。",
        "meetings",
    ),
    _r(
        "council.guidance",
        "社区大党建指导委员会",
        {"min_count": 1, "period": "year"},
        "次/年",
        SEED_002,
        "县级，每年年底召开 1 次，总结表彰、部署下一年度。",
        "meetings",
    ),
    _r(
        "council.absence_criticism",
        "无故缺席通报批评",
        {"notices_to_lose_awards": 2},
        "次/年",
        SEED_002,
        "成员单位无故不参加会议的通报批评；一年内被通报批评 2 次及以上的，取消年度评先选优资格。",
        "meetings",
        "flag",
    ),
    _r(
        "council.county_leaders",
        "县领导联系社区",
        {"leaders_per_community": 3, "visits_per_quarter": 1, "meetings_per_quarter": 1},
        "名 / 次每季度",
        SEED_002,
        "每个社区确定 3 名县领导，每季度督导 1 次、参加联席会议 1 次。",
        "meetings",
    ),
    # --- §5 co-building --------------------------------------------------------------------------
    _r(
        "cobuild.unit_deeds",
        "驻区单位办实事",
        {"min_per_year": 1},
        "件/年",
        SEED_002,
        "每个驻区单位每年至少为社区办 1 件实事。",
        "cobuild",
    ),
    _r(
        "cobuild.member_deeds",
        "在职党员办实事、结对帮扶",
        {"min_per_year": 1, "max_per_year": 2, "min_households": 1},
        "件/年；户",
        SEED_002,
        "在职党员每年为社区办 1–2 件实事好事，至少联系帮扶 1 户困难居民。",
        "members",
    ),
    _r(
        "households.pairing",
        "困难家庭结对帮扶",
        {"min_members": 1},
        "名在职党员/户",
        f"{SEED_002}（在职党员与困难家庭一对一结对帮扶）",
        "困难家庭台帐中的每一户至少有 1 名在社区报到的在职党员结对帮扶；未结对的户在台帐中标出。",
        "services",
    ),
    _r(
        "cobuild.unit_volunteer_services",
        "驻区单位志愿服务",
        {"min_per_year": 2},
        "次/年",
        SEED_002,
        "驻区单位党员志愿者服务队每年深入社区服务不少于 2 次（义诊、修理、咨询等）。",
        "cobuild",
    ),
    _r(
        "cobuild.assessment_weight",
        "共建成效占单位党建考核比重",
        {"min_fraction": 0.2},
        "比例（不低于）",
        SEED_002,
        "驻区单位参与共驻共建的情况占其党建工作考核的比重不低于 20%。",
        "cobuild",
    ),
    _r(
        "cobuild.stars",
        "星光榜",
        {"min": 1, "max": 5, "period": "year", "good_from": 3},
        "星",
        f"{SEED_002}；“good_from”（计入考核“达标”的最低星级）为本地规则",
        "社区党组织每年对驻区单位评定 1–5 星，五星单位由指导委员会表彰并公布。"
        "“五个好”考核中，3 星及以上的单位计为共建达标。",
        "cobuild",
    ),
    _r(
        "cobuild.star_proposal",
        "星光榜建议星级的依据",
        {"council_attendance": 0.5, "min_activities": 2, "criticism_penalty": 1},
        "比例；次；星/次",
        f"{SEED_002}（“根据驻区单位参与共驻共建活动情况”评定；各项标准地方可调整）",
        "系统按五项记录建议星级，每达到一项得一星（至少一星）：出席联席会不少于应出席次数的一半；"
        "办实事达到规定件数；参加共建活动不少于 2 次；志愿服务队进社区服务达到规定次数；"
        "共建协议中单位承诺事项均已兑现。当年每受 1 次通报批评减 1 星。社区党组织可调整，须写明理由。",
        "cobuild",
    ),
    _r(
        "member.invisible",
        "“隐形党员”提醒",
        {"silent_months": 6},
        "个月",
        "seed [003]（地方可调整）",
        "到社区报到的在职党员连续 N 个月没有任何活动记录的，列入提醒名单，可向其单位党组织发函。",
        "members",
    ),
    # --- §6 commitments ------------------------------------------------------------------------
    _r(
        "commitment.evaluation",
        "党员承诺分层评诺",
        {
            "weights": {"self": 0.1, "peer": 0.3, "resident": 0.3, "org": 0.3},
            "excellent": 90,
            "pass": 75,
            "basic": 60,
        },
        "权重；分（百分制）",
        f"{SEED_002}（“分层评诺”；权重和等次分数线地方可调整）",
        "承诺到期由本人自评、党员互评、居民评议、组织评定，按权重折合百分制：90 分以上优秀，"
        "75 分以上合格，60 分以上基本合格，其余不合格。缺少某一层评价时，按其余各层权重折算。",
        "commitments",
    ),
    _r(
        "commitment.posts",
        "社区党员设岗定责",
        {"max_posts": 14},
        "个岗位",
        SEED_002,
        "社区设立治安巡逻岗、政策宣传岗、义务教育岗、社会公德岗、便民服务岗、纠纷调解岗、参政议政岗等"
        " 14 个岗位，党员根据个人特长、兴趣爱好选择岗位，进行岗位承诺和实事承诺。",
        "commitments",
    ),
    _r(
        "volunteer.rankings",
        "志愿服务排行（自愿开启）",
        {"members": False, "teams": False},
        "开/关",
        "项目约定（反对“指尖上的形式主义”：排名由社区自行决定是否开启）",
        "志愿服务时长按党员、按服务队统计；是否公布排名由各社区自行决定，默认不排名，"
        "可在地方配置中按社区开启。",
        "commitments",
    ),
    # --- §8 grid ---------------------------------------------------------------------------------
    _r(
        "grid.residents_per_cadre",
        "每名社区干部联系居民",
        {"max_residents": 500},
        "人",
        SEED_002,
        "每名社区干部联系居民应在 500 人以内。",
        "grid",
    ),
    _r(
        "grid.area_visits",
        "片区走访",
        {"min_count": 1, "period": "month"},
        "次/月",
        SEED_002,
        "每月走访片区居民不少于 1 次，重点人员由社区书记亲自走访。",
        "grid",
    ),
    _r(
        "grid.liaisons",
        "社情联络员",
        {"residents_per_liaison": 500},
        "人/名",
        SEED_002,
        "每 500 名居民配备 1 名社情联络员。",
        "grid",
    ),
    _r(
        "grid.case_deadline",
        "信访、矛盾纠纷办理时限",
        {"petition": 60, "mediation": 30},
        "天（自受理之日起，按案件类别）",
        "《信访工作条例》（2022）：信访事项自受理之日起 60 日内办结 / 本地规定：民事调解 30 日内调结",
        "信访事项自受理之日起 60 日内办结；民事纠纷调解自受理之日起 30 日内调结。超过时限仍未了结的"
        "案件列入首页待办。各地可按本地规定调整天数。",
        "grid",
        "flag",
    ),
    _r(
        "grid.permit_reminder",
        "居住证到期提醒",
        {"days_before": 30},
        "天",
        "本地规定（社区警务室流动人口管理）",
        "流动人口的居住证在 30 天内到期的，排在流动人口台帐最前并提醒办理续签。",
        "grid",
        "info",
    ),
    # --- §9 capacity ------------------------------------------------------------------------------
    _r(
        "staff.county_seat",
        "县城所在地社区工作者配备",
        {
            "admin": 2,
            "institution": 7,
            "public_welfare": 12,
            "of_which_family_planning": 2,
            "of_which_social_security": 2,
            "of_which_security_info": 8,
        },
        "名（不少于）",
        SEED_002,
        "县城所在地社区：行政编不少于 2 名、事业编不少于 7 名、公益性岗位不少于 12 名"
        "（其中计生专干 2 名、社保协管员 2 名、治安信息员 8 名）。",
        "capacity",
    ),
    _r(
        "staff.other_town",
        "建制镇社区工作者配备",
        {
            "admin": 1,
            "institution": 4,
            "public_welfare": 8,
            "of_which_family_planning": 2,
            "of_which_social_security": 2,
            "of_which_security_info": 4,
        },
        "名（不少于）",
        SEED_002,
        "其他建制镇社区：行政编不少于 1 名、事业编不少于 4 名、公益性岗位不少于 8 名"
        "（其中计生 2 名、社保 2 名、治安信息员 4 名）。",
        "capacity",
    ),
    _r(
        "funds.office_activity",
        "社区办公和活动经费",
        {"county_seat_yuan": 60000, "other_town_yuan": 50000},
        "元/年（不少于）",
        SEED_002,
        "县城所在地社区每年不少于 6 万元，其他建制镇社区不少于 5 万元。",
        "capacity",
    ),
    _r(
        "funds.street_special",
        "街道党建工作专项经费",
        {"min_yuan": 300000},
        "元（不少于）",
        SEED_001,
        "街道党建工作专项经费不少于 30 万元。",
        "capacity",
    ),
    _r(
        "training.county",
        "县委党校培训",
        {"min_times_per_year": 1, "min_days": 20},
        "次/年；天",
        SEED_002,
        "社区干部每年至少到县委党校培训 1 次，每次不少于 20 天。",
        "capacity",
    ),
    _r(
        "training.town",
        "镇党校培训",
        {"min_times_per_year": 2, "min_days": 10},
        "次/年；天",
        SEED_002,
        "镇党校每年至少培训 2 次，每次不少于 10 天。",
        "capacity",
    ),
    _r(
        "office.space_bands",
        "社区办公用房面积分档",
        {"bands_m2": [100, 150, 300]},
        "平方米",
        SEED_001,
        "按 100 以下、100–150、150–300、300 平方米以上分档统计。",
        "capacity",
        "info",
    ),
    _r(
        "staff.seconded_term",
        "下派干部任期",
        {"min_years": 2, "max_years": 3, "remind_days_before": 90},
        "年；提醒提前天数",
        f"{SEED_002} / 本地规定（期满前 90 天提醒）",
        "下派到社区的干部任期 2–3 年；期满前 90 天列入首页待办，提醒办理轮换或延期。",
        "capacity",
        "info",
    ),
    # --- §7 services for residents ----------------------------------------------------------
    _r(
        "service.request_deadline",
        "便民服务工单办理时限",
        {
            "housekeeping": 3,
            "property": 3,
            "care": 5,
            "health": 3,
            "repair": 3,
            "dibao": 15,
            "social": 10,
            "jobs": 10,
            "dispute": 7,
            "other": 5,
        },
        "天（自受理之日起，按服务类别）",
        f"{SEED_002} 全程为民代办 / 本地规定",
        "居民的每件诉求自受理之日起按类别限期办结：家政、物业、医疗保健、日常维修 3 天，"
        "养老托幼、其他 5 天，纠纷 7 天，社保、就业 10 天，低保 15 天；超过时限未办结的工单排在"
        "列表最前并列入首页待办。本规则的各项即社区可选的服务类别，各地在规则配置中按社区（或其"
        "上级）调整：改天数即改时限；某类设为 null 或 0 即本社区不再受理该类（已受理的工单保留"
        '原类别）；新增一项（如 "证明开具": 5）即增加一个本地类别，项名就是显示的类别名称'
        "（不超过 20 个字）。",
        "services",
        "flag",
    ),
    _r(
        "service.rating_link",
        "居民评价链接有效期",
        {"valid_days": 30},
        "天（自打印回执起）",
        f"{SEED_002} 全程为民代办 / 本地规定",
        "回执上的评价链接（二维码）30 天内有效，每张工单只能评价一次；过期或用过的链接不再接受评价，"
        "可由工作人员回访时记录满意度。",
        "services",
        "block",
    ),
)

ASSESS_LOCAL = "本地规则（分值、权重和达标线由各地在规则配置中调整）"
SEED_000 = "seed [000]"

RULES = RULES + (
    # --- §10 assessment ---------------------------------------------------------------------------
    _r(
        "assess.goods",
        "“五个好”各项分值",
        {"leadership": 20, "members": 20, "mechanism": 20, "results": 20, "residents": 20},
        "分（合计 100）",
        f"{SEED_002}（“领导班子好、党员干部队伍好、工作机制好、工作业绩好、群众反映好”）；分值为{ASSESS_LOCAL}",
        "“五个好”社区党组织每年按五项评分：领导班子好、党员队伍好、工作机制好、工作业绩好、群众反映好，"
        "默认各 20 分。每一项的得分由下属指标按权重折算；某项指标当年没有可计数的记录时不计入，"
        "该项按其余指标折算；五项都没有记录的不评分。",
        "assessment",
        "info",
    ),
    _r(
        "assess.weights",
        "“五个好”指标权重",
        {
            "lead.committee": 2,
            "lead.lectures": 1,
            "lead.staffing": 1,
            "lead.training": 1,
            "members.dues": 2,
            "members.development": 1,
            "members.commitments": 1,
            "members.deeds": 1,
            "mech.cadence": 3,
            "mech.coverage": 2,
            "mech.funds": 1,
            "results.cobuild": 2,
            "results.grid_visits": 1,
            "results.cases": 1,
            "results.households": 1,
            "residents.requests": 2,
            "residents.satisfaction": 2,
            "inspect.leadership": 0,
            "inspect.members": 0,
            "inspect.mechanism": 0,
            "inspect.results": 0,
            "inspect.residents": 0,
        },
        "权重（同一项内相对）",
        f"{SEED_002}、{SEED_001}（考核内容）；权重为{ASSESS_LOCAL}",
        "每项“好”内各指标按权重折算。inspect.* 是考核组现场打分（百分制），默认权重 0 即不采用；"
        "采用现场打分的地方把对应权重调高即可，不需要改代码。",
        "assessment",
        "info",
    ),
    _r(
        "assess.targets",
        "“五个好”指标达标线",
        {
            "lead.committee": 1.0,
            "lead.lectures": 1.0,
            "lead.staffing": 1.0,
            "lead.training": 1.0,
            "members.dues": 0.95,
            "members.development": 1.0,
            "members.commitments": 0.9,
            "members.deeds": 0.8,
            "mech.cadence": 0.95,
            "mech.coverage": 1.0,
            "mech.funds": 1.0,
            "results.cobuild": 0.6,
            "results.grid_visits": 0.9,
            "results.cases": 0.9,
            "results.households": 1.0,
            "residents.requests": 0.9,
            "residents.satisfaction": 0.9,
            "inspect.leadership": 1.0,
            "inspect.members": 1.0,
            "inspect.mechanism": 1.0,
            "inspect.results": 1.0,
            "inspect.residents": 1.0,
        },
        "比例（达到即得满分）",
        ASSESS_LOCAL,
        "指标的完成比例达到达标线即得该指标满分，低于达标线的按比例得分（完成比例 ÷ 达标线）。",
        "assessment",
        "info",
    ),
    _r(
        "assess.levels",
        "“五个好”等次",
        {"excellent": 90, "good": 80, "pass": 60},
        "分（不低于）",
        ASSESS_LOCAL,
        "总分 90 分以上为优秀，80 分以上为良好，60 分以上为合格，其余为不合格。",
        "assessment",
        "info",
    ),
    _r(
        "assess.model_community",
        "星级社区党建示范点",
        {"five": 95, "four": 90, "three": 85, "two": 80, "one": 75},
        "分（总分不低于）",
        f"{SEED_001}（以开展星级社区党建示范点为抓手，每年进行一次社区党建工作的讲评）；分数线为{ASSESS_LOCAL}",
        "按当年“五个好”总分建议示范点星级：95 分以上五星，90 分以上四星，85 分以上三星，80 分以上二星，"
        "75 分以上一星；街道（镇）或县（区）党委决定，与建议不同的须写明理由。每年讲评一次。",
        "assessment",
        "info",
    ),
    _r(
        "assess.outstanding_workers",
        "优秀党务工作者评选",
        {"every_years": 2},
        "年一次",
        f"{SEED_001}（每两年开展一次社区优秀党务工作者的评选表彰）",
        "每两年评选表彰一次社区优秀党务工作者：社区推荐，附被推荐人的工作记录，由街道（镇）或县（区）决定。",
        "assessment",
        "info",
    ),
    _r(
        "assess.satisfied",
        "居民评价计为“满意”的分数线",
        {"request_min": 3},
        "分（5 分制，不低于）",
        f"{SEED_002} 全程为民代办（居民评价）；分数线为本地规则（回执上 3 分为“基本满意”）",
        "便民服务工单的满意度按 5 分制评价（5 非常满意、4 满意、3 基本满意、2 不太满意、1 不满意），"
        "“五个好”考核的居民满意度把 3 分及以上计为满意。",
        "assessment",
        "info",
    ),
    _r(
        "targets.sign_by",
        "目标责任书签订时间",
        {"month": 3, "day": 1},
        "月、日（每年此日前签订）",
        f"{SEED_000}（与辖区各党组织书记签订党建工作目标责任书）；日期为本地规则",
        "每年 3 月 1 日前与各社区党组织书记签订当年的党建工作目标责任书；过期未签订的列入上级组织的首页待办。",
        "assessment",
        "info",
    ),
    _r(
        "inspection.followup",
        "督查整改时限",
        {"default_days": 30},
        "天（自督查之日起，可逐项另定）",
        f"{SEED_000}（采取现场会、实地调研、明察暗访等形式考核督察）；时限为本地规则",
        "督查发现的问题逐项落实整改责任人和时限，默认 30 天；逾期未整改完成的列入被督查组织和督查组织的首页待办。",
        "assessment",
        "flag",
    ),
    # --- §11 openness ----------------------------------------------------------------------------
    _r(
        "notices.publish_ahead",
        "通知公告最早可提前发布的天数",
        {"max_days": 366},
        "天（发布日期不晚于今天起这么多天）",
        "本地规则（防止把日期误填到多年以后）",
        "通知公告的发布日期可以提前定好，但最多提前一年；填到更远的日期时提示检查。",
        "openness",
        "info",
    ),
    # --- forms (issue 20, item 8) ----------------------------------------------------------------
    _r(
        "form.far_future_days",
        "活动日期超过多少天以后须确认",
        {"days": 90},
        "天（自今天起）",
        "平台约定（防止把年份或月份填错，例如把 2026 年误填成 2030 年）",
        "会议、学习、培训、场地预约等可以提前登记的日期，填在今天 90 天以后的，表单先提示核对，"
        "勾选“日期无误，确认保存”后再保存；不拒绝。本来就不能填将来日期的（如走访、办实事）照旧不能保存。",
        "meetings",
        "warn",
    ),
)

_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
assert len(_BY_ID) == len(RULES), "duplicate rule id"


class UnknownRule(KeyError):
    pass


@lru_cache(maxsize=1)
def _overrides() -> dict[str, Any]:
    path = getattr(settings, "DANGJIAN_RULES_FILE", "")
    data: dict[str, Any] = {}
    if path:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    extra = getattr(settings, "DANGJIAN_RULES", None)  # settings-level overrides, same shape
    if extra:
        data = {
            "default": {**data.get("default", {}), **extra.get("default", {})},
            "orgs": {**data.get("orgs", {}), **extra.get("orgs", {})},
        }
    for section in ("default", "orgs"):
        data.setdefault(section, {})
    for rid in data["default"]:
        if rid not in _BY_ID:
            raise UnknownRule(f"规则配置中有未知的规则编号：{rid}")
    return data


def reset_cache() -> None:
    """Forget loaded overrides (tests and configuration reloads)."""
    _overrides.cache_clear()


def override_org_codes() -> set[str]:
    """Codes of the organisations that have local numbers of their own (cheap, no database)."""
    return set(_overrides()["orgs"])


def get(rule_id: str) -> Rule:
    try:
        return _BY_ID[rule_id]
    except KeyError as exc:
        raise UnknownRule(rule_id) from exc


def effective(rule_id: str, *, org_codes: tuple[str, ...] = ()) -> dict[str, Any]:
    """The numbers of a rule as they apply, defaults overlaid by locality overrides.

    ``org_codes`` are the codes of an organisation and its ancestors, nearest last; the nearest
    organisation override wins.
    """
    rule = get(rule_id)
    values = dict(rule.values)
    ov = _overrides()
    values.update(ov["default"].get(rule_id, {}))
    for code in org_codes:
        values.update(ov["orgs"].get(code, {}).get(rule_id, {}))
    return values


def value(rule_id: str, key: str, *, org: Any = None) -> Any:
    """One number of a rule, e.g. ``value("org.branch_min_full_members", "min")``.

    Pass ``org`` (an Organisation) to honour overrides configured for it or its ancestors.
    """
    codes: tuple[str, ...] = ()
    if org is not None and _overrides()["orgs"]:
        codes = tuple(org.ancestor_codes())
    values = effective(rule_id, org_codes=codes)
    if key not in values:
        raise UnknownRule(f"{rule_id}.{key}")
    return values[key]


def as_rows() -> list[dict[str, Any]]:
    """The table for display and ``dangjian rules --json``, with effective default numbers."""
    return [
        {
            "id": r.id,
            "title": r.title,
            "values": effective(r.id),
            "unit": r.unit,
            "source": r.source,
            "explain": r.explain,
            "area": r.area,
            "enforcement": r.enforcement,
        }
        for r in RULES
    ]
