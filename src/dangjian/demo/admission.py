"""Demo data of work admission: the county's 16 departments (seed 001: "一般社区的台帐要涉及到16个
部门 … 最多的一个部门要求社区记15本台帐"), the ledgers each demands mapped to this platform's
exports where one prints it, a contact account for the civil affairs bureau, and entrustments
and tasks — some admitted, some not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from dangjian.accounts.models import Profile
from dangjian.admission.models import DemandedLedger, Department, Entrustment, State, Task

from .spec import PASSWORD

if TYPE_CHECKING:
    from .county import Demo

#: department → its demanded ledgers as (name, export key or "" when not derivable yet)
DEPARTMENTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "县委组织部",
        (
            ("党员花名册", "members"),
            ("党组织设置情况", "orgs"),
            ("三会一课记录", "meetings"),
            ("发展党员台帐", "development"),
            ("党费收缴台帐", "dues"),
            ("流动党员台帐", "mobility"),
            ("在职党员进社区报到台帐", "checkin"),
            ("党员承诺践诺台帐", "commitments"),
            ("设岗定责台帐", "posts"),
            ("困难党员帮扶台帐", "care"),
            ("社区工作者花名册", "staff"),
            ("干部培训台帐", "training"),
            ("共驻共建台帐", "cobuild_activities"),
            ("驻区单位党组织台帐", "cobuild_units"),
            ("党建经费使用台帐", "funds"),
        ),
    ),
    (
        "县民政局",
        (
            ("低保户台帐", "households"),
            ("便民服务台帐", "servicedesk"),
            ("社区建设经费台帐", "funds"),
            ("空巢老人台帐", "households"),
        ),
    ),
    (
        "县人力资源和社会保障局",
        (("再就业台帐", "jobs"), ("技能培训台帐", "training"), ("社保代办台帐", "errands")),
    ),
    ("县卫生健康委员会", (("计划生育台帐", ""), ("老年人健康管理台帐", ""))),
    (
        "县委政法委（综治办）",
        (("矛盾纠纷排查调处台帐", "mediation"), ("网格走访台帐", "grid_visits")),
    ),
    ("县公安局", (("出租房屋台帐", "rentals"), ("流动人口台帐", "tenants"))),
    ("县司法局", (("人民调解台帐", "mediation"), ("社区矫正台帐", ""))),
    ("县城市管理局", (("环境卫生巡查台帐", ""),)),
    ("县委宣传部（文明办）", (("志愿服务台帐", "volunteering"), ("文明创建台帐", ""))),
    ("县统计局", (("人口统计台帐", ""),)),
    ("县残疾人联合会", (("残疾人台帐", "households"),)),
    ("县妇女联合会", (("妇女儿童工作台帐", ""),)),
    ("共青团县委", (("青年志愿者台帐", "volunteering"),)),
    ("县总工会", (("困难职工帮扶台帐", ""),)),
    ("县应急管理局", (("安全隐患排查台帐", ""),)),
    ("县市场监督管理局", (("食品安全协管台帐", ""),)),
)

_TASKS = (
    ("县民政局", "高龄津贴年度认证", True),
    ("县人力资源和社会保障局", "城乡居民养老保险参保动员", True),
    ("县统计局", "人口抽样调查入户登记", False),
    ("县城市管理局", "门前三包责任书签订", False),
    ("县卫生健康委员会", "家庭医生签约入户宣传", True),
)


def build_admission(demo: Demo, *, log: Callable[[str], None]) -> None:
    admin = demo.admin
    departments = {}
    ledgers = []
    for name, demanded in DEPARTMENTS:
        d = Department.objects.create(county=demo.county, name=name)
        departments[name] = d
        ledgers += [DemandedLedger(department=d, name=n, export=key) for n, key in demanded]
    DemandedLedger.objects.bulk_create(ledgers)
    user = get_user_model().objects.create_user("minzheng_contact", password=PASSWORD)
    Profile.objects.create(user=user, display_name="县民政局联络员")
    departments["县民政局"].contacts.add(user)
    anchor = demo.anchor
    entrustments = tasks = 0
    for ci, c in enumerate(demo.communities):
        for ti, (dep, title, entrusted) in enumerate(_TASKS):
            if (ci + ti) % 3 == 2:
                continue
            received = anchor - dt.timedelta(days=20 + 9 * ti + ci)
            e = None
            if entrusted:
                approved = (ci + ti) % 4 != 3
                e = Entrustment.objects.create(
                    department=departments[dep],
                    community=c.org,
                    task=title,
                    quality="按时、准确、群众满意",
                    standard="按部门工作规范执行，资料一户一档",
                    deadline=received + dt.timedelta(days=60),
                    funding=Decimal(2000 + 500 * ti),
                    filed_on=received - dt.timedelta(days=10),
                    state=State.APPROVED if approved else State.FILED,
                    decided_on=received - dt.timedelta(days=3) if approved else None,
                    decided_by=admin if approved else None,
                )
                entrustments += 1
            Task.objects.create(
                community=c.org,
                department=departments[dep],
                title=title,
                received_on=received,
                entrustment=e,
            )
            tasks += 1
    covered = sum(1 for row in ledgers if row.export)
    log(
        f"工作准入：{len(departments)} 个部门要求 {len(ledgers)} 本台帐（{covered} 本可由本平台导出），"
        f"{entrustments} 份委托，{tasks} 项在办事项"
    )
