"""The demo county's resident units (188) and community staff (103), through the real services."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dangjian.core.services import audited_create
from dangjian.members.models import Category, Member, State
from dangjian.orgs.models import Office, ResidentUnit
from dangjian.staff.models import Staff
from dangjian.staff.services import staff_link_members

from . import names

if TYPE_CHECKING:
    from .county import Community, Demo


# --- resident units ------------------------------------------------------------------------------

_SEAT_OFFICES = (
    "县人民政府办公室 县财政局 县税务局 县公安局 县人力资源和社会保障局 县自然资源局 县住房和城乡建设局 "
    "县教育局 县卫生健康委员会 县民政局 县市场监督管理局 县司法局 县审计局 县统计局 县林业和草原局 县水利局 "
    "县农业农村局 县交通运输局 县文化体育广播电视和旅游局 县医疗保障局 县应急管理局 县退役军人事务局 "
    "县信访局 县档案馆 县委党校 县总工会 团县委 县妇联 县残联 县科协 县气象局 县生态环境局 县发展和改革委员会 "
    "县工业和信息化局 县商务局 县融媒体中心 县人民法院 县人民检察院"
).split()
_SEAT_INSTITUTIONS = (
    "县疾病预防控制中心 县图书馆 县文化馆 县就业服务中心 县社会保险中心 县不动产登记中心 县政务服务中心 "
    "县供水站 县城市管理服务中心 县老年大学 县青少年活动中心 县妇幼保健院"
).split()
_COMPANY_WORDS = "鑫源 金盛 天成 宏达 恒通 瑞丰 福源 盛世 长青 晨光 嘉禾 丰泰 华兴 安泰 顺达 兴业 祥和 明珠 旭日 康宁".split()
_COMPANY_KINDS = (
    "矿业有限责任公司 商贸有限公司 建筑工程有限公司 物业服务有限公司 运输有限公司 宾馆 超市 "
    "餐饮有限公司 汽车维修厂 农牧业专业合作社 家政服务有限公司 药店"
).split()
_SOCIAL = "老年协会 志愿者协会 书画协会 红十字会 慈善会 个体劳动者协会 养老服务中心 社会工作服务站".split()


def resident_units(demo: Demo, c: Community) -> list[ResidentUnit]:
    """Resident units of one community: offices and institutions in the county seat, schools,
    clinics, firms and associations everywhere (names invented)."""
    rng, spec = demo.rng, c.spec
    town = c.town.short_name
    seat = bool(c.org.is_county_seat)
    idx = [co.org.pk for co in demo.communities if co.town.pk == c.town.pk].index(c.org.pk)
    wanted: list[tuple[str, str]] = []
    if seat:
        share = len(_SEAT_OFFICES) // 4
        wanted += [(n, "government") for n in _SEAT_OFFICES[idx * share : (idx + 1) * share]]
        share = len(_SEAT_INSTITUTIONS) // 4
        wanted += [(n, "institution") for n in _SEAT_INSTITUTIONS[idx * share : (idx + 1) * share]]
        wanted += [
            (f"县第{'一二三四'[idx]}中学", "school"),
            (f"县第{'一二三四'[idx]}小学", "school"),
        ]
        wanted += [(f"县第{'一二三四'[idx]}幼儿园", "school")]
        wanted += [
            (("县人民医院", "县中医医院", "县妇幼保健站", "县人民医院门诊部")[idx], "hospital")
        ]
        wanted += [(f"{town}{spec.short}派出所", "government")]
    else:
        wanted += [
            (f"{town}人民政府", "government")
            if idx == 0
            else (f"{town}{spec.short}警务站", "government"),
            (f"{town}中心学校" if idx == 0 else f"{town}第{idx + 1}小学", "school"),
            (f"{town}卫生院" if idx == 0 else f"{town}{spec.short}卫生室", "hospital"),
            (f"{town}{spec.short}幼儿园", "school"),
            (f"{town}{spec.short}便民服务站", "institution"),
        ]
    while len(wanted) < spec.units:
        roll = rng.random()
        if roll < 0.7:
            name = f"{rng.choice(_COMPANY_WORDS)}{rng.choice(_COMPANY_KINDS)}"
            kind = "enterprise"
        elif roll < 0.85:
            name, kind = f"{town}{spec.short}{rng.choice(_SOCIAL)}", "social"
        else:
            name, kind = (
                f"{rng.choice(_COMPANY_WORDS)}{rng.choice(('农家乐', '加油站', '物流点'))}",
                "other",
            )
        if name not in {n for n, _ in wanted}:
            wanted.append((name, kind))
    out = []
    for name, kind in wanted[: spec.units]:
        contact = names.han_name(rng, rng.choice("MF"))
        out.append(
            audited_create(
                ResidentUnit,
                data={
                    "name": name,
                    "kind": kind,
                    "community": c.org,
                    "address": f"{c.place.address}{rng.randint(1, 300)}号",
                    "head": names.han_name(rng, rng.choice("MF")),
                    "contact": contact,
                    "member_count": rng.choice((0, 2, 3, 5, 8, 12, 15, 20, 30, 45)),
                },
                acting_user=demo.admin,
            )
        )
    return out


# --- staff ---------------------------------------------------------------------------------------

_POSTS = {
    "admin": ("社区党组织书记", "社区居委会主任"),
    "institution": ("党建专干", "民政专干", "就业社保专干", "综治专干", "文化宣传专干"),
    "public_welfare": ("社会治安信息员", "计生宣传员", "社会保障协管员", "社会治安信息员"),
    "hired": ("社区工作者",),
}


_SUB_POSTS = {
    "社会治安信息员": "security_info",
    "计生宣传员": "family_planning",
    "社会保障协管员": "social_security",
}
_SECONDED_FROM = (
    "县委组织部",
    "县民政局",
    "县人力资源和社会保障局",
    "县财政局",
    "县住房和城乡建设局",
)


def staff(demo: Demo) -> None:
    """103 staff: 48 national cadres (行政编、事业编) and 55 hired (公益性岗位、聘用). Sixteen
    national cadres are seconded, as seed 002 tells (12 from county departments for two years,
    4 sent as deputy secretaries)."""
    rng, admin = demo.rng, demo.admin
    seconded_left = 16
    for c in demo.communities:
        secretary = (
            Office.objects.filter(org=c.org, title="secretary", left_on__isnull=True)
            .select_related("member")
            .first()
        )
        # The community's own national cadres who are party members are made from their member
        # records (one person, one record); seconded cadres' membership is elsewhere.
        cadres = list(
            Member.objects.filter(
                org__path__startswith=c.org.path,
                state=State.ACTIVE,
                categories__category=Category.IN_SERVICE,
                employer_unit__isnull=True,  # not employed by a resident unit
            )
            .exclude(pk=secretary.member_id if secretary else None)
            .order_by("pk")
        )
        for kind, count in c.spec.staff:
            posts = _POSTS[kind]
            for i in range(count):
                member = None
                seconded = kind in ("admin", "institution") and seconded_left > 0 and i in (1, 2)
                seconded_left -= int(seconded)
                if kind == "admin" and i == 0 and secretary and secretary.member:
                    member = secretary.member
                    name = member.name
                else:
                    name = names.han_name(rng, rng.choice("MF"))  # drawn all the same: the
                    # random stream (every name and date after this) stays as it was
                    if kind in ("admin", "institution") and not seconded and cadres:
                        member = cadres.pop(0)
                        name = member.name
                post = posts[i % len(posts)]
                # dates and sub-posts follow from the position, not from the random stream (every
                # name and date drawn after this stays as it was)
                started = demo.anchor - dt.timedelta(days=200 + 365 * (i % 9) + 37 * len(name))
                extra: dict = {"started_on": started}
                if kind == "public_welfare":
                    extra["sub_post"] = _SUB_POSTS.get(post, "")
                if seconded:
                    # two-year terms from county departments; one per community ends within weeks
                    # (from the real today, so the reminder is due whenever the demo is built)
                    started = dt.date.today() - dt.timedelta(days=(730 - 45) if i == 1 else 300)
                    extra |= {
                        "started_on": started,
                        "seconded_from": _SECONDED_FROM[(c.org.pk + i) % len(_SECONDED_FROM)],
                        "seconded_until": started + dt.timedelta(days=730),
                    }
                audited_create(
                    Staff,
                    data={
                        "name": name,
                        "community": c.org,
                        "kind": kind,
                        "post": post,
                        "is_seconded": seconded,
                        "member": member,
                        **extra,
                    },
                    acting_user=admin,
                )
        # A worker drawn by name who happens to be the one member of the community of that
        # name is that member: linked by the rule a community applies to its own roster.
        staff_link_members(community=c.org, acting_user=admin)
