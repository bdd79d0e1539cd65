"""Template context shared by every page: who is logged in and where they may go."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .access import scope_for

#: The member-management menu of a secretary, after 党员信息库 (URL name, label).
MEMBER_LINKS = (
    ("roster:upload", _("名册导入")),
    ("checkin:list", _("在职党员报到")),
    ("mobility:list", _("流动党员")),
    ("dues:home", _("党费收缴")),
    ("care:home", _("关爱帮扶")),
)

#: The co-building and service menu (承诺、岗位、志愿服务、共驻共建).
WORK_LINKS = (
    ("commitments:list", _("党员承诺")),
    ("commitments:posts", _("设岗定责")),
    ("deeds:home", _("实事与服务")),
    ("volunteering:home", _("志愿服务")),
    ("cobuild:overview", _("共驻共建")),
    ("notices:home", _("通知公告")),
    ("openness:home", _("党务居务公开")),
)

#: The services menu (便民服务, SPEC §7): requests, households in difficulty, the charity shop,
#: re-employment, skills training. Items appear as their pages are built.
SERVICE_LINKS = (
    ("servicedesk:home", _("便民服务工单")),
    ("households:home", _("困难家庭")),
    ("charity:home", _("爱心超市")),
    ("jobs:home", _("再就业")),
    ("training:home", _("技能培训")),
)

#: Community capacity (实体化, SPEC §9): staff, training, funds and assets.
CAPACITY_LINKS = (
    ("staff:home", _("社区工作者")),
    ("venues:home", _("阵地与用房")),
    ("funds:home", _("经费收支")),
    ("funds:rules", _("经费达标")),
    ("funds:assets", _("固定资产")),
    ("admission:home", _("工作准入")),
    ("admission:tasks", _("在办事项")),
    ("admission:ledgers", _("部门台帐清单")),
)

#: Assessment and reporting upward (考核与报告, SPEC §10, §12).
ASSESS_LINKS = (
    ("dashboards:home", _("数据看板")),
    ("assessment:home", _("“五个好”考核")),
    ("targets:home", _("目标责任书")),
    ("inspections:home", _("督查与整改")),
    ("awards:home", _("示范点与评选")),
    ("reports:home", _("年度党建工作报告")),
    ("partystats:home", _("党内统计")),
)

#: A department's contact (no grant): their entrustments and the ledger register.
CONTACT_LINKS = (
    ("admission:home", _("工作准入委托")),
    ("admission:ledgers", _("部门台帐清单")),
)

#: Grid work (网格, SPEC §8): shown to those with a changing grant and to grid cadres.
GRID_LINKS = (
    ("grid:home", _("网格与片区")),
    ("grid:visit_new", _("登记走访")),
    ("grid:visit_list", _("走访记录")),
    ("grid:coverage", _("走访覆盖")),
    ("mediation:home", _("信访与调解")),
    ("rentals:home", _("出租房屋与流动人口")),
)

#: A member's own pages, before 我的档案.
MINE_LINKS = (
    ("memberapp:home", _("手机首页")),
    ("notices:mine", _("我的通知")),
    ("checkin:mine", _("到社区报到")),
    ("dues:mine", _("我的党费")),
    ("commitments:mine", _("我的承诺")),
    ("commitments:posts_mine", _("我的岗位")),
    ("deeds:home", _("我的实事")),
)


def _links(names: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
    """The links whose page exists (a part still being built is left out of the menu)."""
    out = []
    for name, label in names:
        try:
            out.append({"url": reverse(name), "label": label})
        except NoReverseMatch:
            continue
    return out


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "scope": scope,
        "is_staff_role": scope.is_staff_role,
        "nav_members": _links(MEMBER_LINKS) if scope.is_staff_role else [],
        "nav_work": _links(WORK_LINKS) if scope.is_staff_role else [],
        "nav_services": _links(SERVICE_LINKS) if scope.is_staff_role else [],
        "nav_assess": _links(ASSESS_LINKS) if scope.is_staff_role else [],
        "nav_capacity": _links(CAPACITY_LINKS)
        if scope.is_staff_role
        else _links(CONTACT_LINKS)
        if getattr(user, "_is_contact", False)
        else [],
        "nav_mine": _links(MINE_LINKS) if scope.member_id else [],
        # ``_has_area_duty`` comes with the user (accounts.backends): no query of its own
        "nav_grid": _links(GRID_LINKS)
        if scope.everything or scope.change_paths or getattr(user, "_has_area_duty", False)
        else [],
    }
