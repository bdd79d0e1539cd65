"""The platform's printable ledgers, by key — what a department's demanded ledger is mapped to
(一表通: each printed from the one set of data). A key whose page is not installed does not count
as covered."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

#: key → (label, URL name of the export)
EXPORTS: dict[str, tuple[str, str]] = {
    "members": (_("党员信息台帐"), "members:export"),
    "members_register": (_("党员名册（任一日）"), "members:register_export"),
    "orgs": (_("党组织设置台帐"), "orgs:export"),
    "meetings": (_("三会一课记录台帐"), "meetings:ledger"),
    "development": (_("发展党员工作台帐"), "development:export"),
    "dues": (_("党费收缴台帐"), "dues:export"),
    "mobility": (_("流动党员台帐"), "mobility:export"),
    "care": (_("关爱帮扶台帐"), "care:export"),
    "checkin": (_("在职党员报到台帐"), "checkin:export"),
    "commitments": (_("党员承诺台帐"), "commitments:export"),
    "posts": (_("设岗定责台帐"), "commitments:posts_export"),
    "volunteering": (_("志愿服务台帐"), "volunteering:export"),
    "deeds": (_("为民办实事台帐"), "deeds:export"),
    "cobuild_units": (_("驻区单位台帐"), "cobuild:units_export"),
    "cobuild_activities": (_("共驻共建活动台帐"), "cobuild:activity_export"),
    "servicedesk": (_("便民服务工单台帐"), "servicedesk:export"),
    "errands": (_("全程代办台帐"), "servicedesk:export_errands"),
    "households": (_("困难家庭台帐"), "households:export"),
    "charity": (_("爱心超市台帐"), "charity:export"),
    "jobs": (_("再就业岗位对接台帐"), "jobs:export"),
    "training": (_("培训台帐"), "training:export"),
    "staff": (_("社区工作者花名册"), "staff:export"),
    "grid_visits": (_("走访台帐"), "grid:visit_export"),
    "mediation": (_("矛盾纠纷排查调处台帐"), "mediation:export"),
    "rentals": (_("出租房屋台帐"), "rentals:export_dwellings"),
    "tenants": (_("流动人口台帐"), "rentals:export_tenants"),
    "venues": (_("阵地和办公用房台帐"), "venues:export"),
    "funds": (_("收支台帐"), "funds:export"),
    "assets": (_("固定资产台帐"), "funds:assets_export"),
    "entrustments": (_("工作准入台帐"), "admission:export"),
}


def url_of(key: str) -> str:
    """The export's address, or "" when the key is unknown or its page is not installed."""
    entry = EXPORTS.get(key)
    if entry is None:
        return ""
    try:
        return reverse(entry[1])
    except NoReverseMatch:
        return ""


def choices() -> list[tuple[str, str]]:
    return [("", _("暂不能由本平台导出"))] + [(k, str(v[0])) for k, v in EXPORTS.items()]
