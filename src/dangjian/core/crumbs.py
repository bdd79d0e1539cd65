"""Breadcrumbs for every page, derived from the request's path and the menus — no database reads.

The trail is 首页 › <the menu group> › <the menu page the current page lies under> (linked), then
the page's own title, which ``base.html`` adds from its ``title`` block. "Lies under" is the
longest menu address that starts the current path: ``/dues/members/7/`` lies under 党费收缴
(``/dues/``). The menus are those of ``base.html``: its fixed links are listed here
(:data:`FIXED_GROUPS`, a test checks they match the rendered menu) and the rest are the link tables
of :mod:`dangjian.core.context`. A secretary's trail follows the secretary's menu, a member's the
member's own (flat) menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from . import context
from .access import scope_for

#: The fixed dropdowns of a secretary's menu in ``base.html`` (the others come from context.py).
ORG_LINKS = (("orgs:list", _("组织和区域")), ("orgs:coverage", _("覆盖情况")))
PEOPLE_LINKS = (
    ("members:list", _("党员信息库")),
    *context.MEMBER_LINKS,
    ("development:pipeline", _("发展党员")),
)
LIFE_LINKS = (
    ("meetings:list", _("会议记录")),
    ("meetings:cadence_rollup", _("开会情况")),
    ("meetings:no_life", _("不参加组织生活名单")),
)
SYSTEM_LINKS = (("core:rules", _("规则表")), ("core:audit", _("审计记录")))

#: A secretary's menu, group by group, in the order of the menu bar.
STAFF_GROUPS = (
    (_("组织体系"), ORG_LINKS),
    (_("党员管理"), PEOPLE_LINKS),
    (_("组织生活"), LIFE_LINKS),
    (_("共建与服务"), context.WORK_LINKS),
    (_("便民服务"), context.SERVICE_LINKS),
    (_("社区建设"), context.CAPACITY_LINKS),
    (_("考核与报告"), context.ASSESS_LINKS),
    (_("系统"), SYSTEM_LINKS),
)
#: The fixed groups only (what ``base.html`` writes out itself), for the test that they agree.
FIXED_GROUPS = (STAFF_GROUPS[0], STAFF_GROUPS[1], STAFF_GROUPS[2], STAFF_GROUPS[-1])
GRID_GROUP = (_("网格"), context.GRID_LINKS)
#: A member's menu is flat: no group between 首页 and the page.
MEMBER_LINKS = (
    ("meetings:mine", _("我的组织生活")),
    ("meetings:mine_attendance", _("我的出勤")),
    *context.MINE_LINKS,
)
OWN_RECORD_LABEL = _("我的档案")

#: Pages that draw a trail of their own (the organisation tree, the dashboard's drill-down): the
#: generic one would be a second.
OWN_TRAIL = frozenset({"orgs:detail", "orgs:places", "orgs:place", "dashboards:home"})


@dataclass(frozen=True)
class Entry:
    url: str
    label: Any
    group: Any  # None for a flat menu


def _entries(groups: tuple[tuple[Any, tuple[tuple[str, Any], ...]], ...]) -> tuple[Entry, ...]:
    out: list[Entry] = []
    seen: set[str] = set()
    for group, links in groups:
        for name, label in links:
            try:
                url = reverse(name)
            except NoReverseMatch:  # a part still being built is not in the menu either
                continue
            if url not in seen:  # the first group that lists a page owns it
                seen.add(url)
                out.append(Entry(url, label, group))
    return tuple(out)


@lru_cache(maxsize=8)
def _index(kind: str, prefix: str, urlconf: Any) -> tuple[Entry, ...]:
    """The menu pages of one kind of user, longest address first (so the first that starts the
    path is the deepest). Built once per process and URL configuration."""
    if kind == "staff":
        entries = _entries((*STAFF_GROUPS, GRID_GROUP))
    elif kind == "grid":
        entries = _entries((GRID_GROUP,))
    elif kind == "contact":
        entries = _entries(((None, context.CONTACT_LINKS),))
    else:
        entries = _entries(((None, MEMBER_LINKS),))
    return tuple(sorted(entries, key=lambda e: len(e.url), reverse=True))


def _kind(user: Any) -> tuple[str, ...]:
    scope = scope_for(user)
    if scope.is_staff_role:
        return ("staff",)
    kinds: list[str] = []
    if scope.member_id:
        kinds.append("member")
    if getattr(user, "_is_contact", False):
        kinds.append("contact")
    if scope.change_paths or getattr(user, "_has_area_duty", False):
        kinds.append("grid")
    return tuple(kinds)


def trail(request: HttpRequest) -> list[dict[str, Any]] | None:
    """The crumbs before the page's own title: ``[{"label", "url"}]`` (``url`` empty for a menu
    group, which is not a page), or ``None`` where no trail is drawn (the home page, anonymous
    visitors, pages with their own trail)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name in OWN_TRAIL:
        return None
    home = reverse("core:home")
    path = request.path
    if path == home:
        return None
    # labels as text now (the request's language): the template compares the last with the title
    crumbs: list[dict[str, Any]] = [{"label": str(_("首页")), "url": home}]
    scope = scope_for(user)
    if scope.member_id and not scope.is_staff_role:
        own = reverse("members:detail", args=[scope.member_id])
        if path == own:
            crumbs.append({"label": str(OWN_RECORD_LABEL), "url": own, "current": True})
            return crumbs
    prefix, urlconf = get_script_prefix(), get_urlconf()
    for kind in _kind(user):
        for entry in _index(kind, prefix, urlconf):
            if path.startswith(entry.url):
                if entry.group is not None:
                    crumbs.append({"label": str(entry.group), "url": ""})
                crumbs.append(
                    {"label": str(entry.label), "url": entry.url, "current": path == entry.url}
                )
                return crumbs
    return crumbs


def breadcrumbs(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``site_crumbs`` for ``base.html`` (not ``crumbs``: the dashboard's view
    has a context variable of that name, and a view's variables win over a processor's)."""
    return {"site_crumbs": trail(request)}
