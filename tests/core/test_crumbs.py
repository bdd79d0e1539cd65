"""Breadcrumbs on every page below the top level (issue 20 item 13), derived from the path and the
menus, with no database read of their own."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from dangjian.core import crumbs
from dangjian.core.access import scope_for

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav aria-label="当前位置" class="crumbs" id="crumbs">(.*?)</nav>', re.S)


def crumb_items(html: str) -> list[str]:
    """The crumbs' texts, in order (a linked one as "text→url", the current one as "[text]")."""
    m = NAV.search(html)
    if m is None:
        return []
    out = []
    for li in re.findall(r"<li[^>]*>(.*?)</li>", m.group(1), re.S):
        link = re.match(r'<a href="([^"]+)"[^>]*>(.*?)</a>', li.strip())
        if link:
            out.append(f"{link.group(2)}→{link.group(1)}")
        else:
            out.append(li.strip())
    current = re.findall(
        r'<li class="breadcrumb-item active" aria-current="page">(.*?)</li>', m.group(1)
    )
    return [f"[{x}]" if x in current else x for x in out]


def test_a_detail_page_shows_home_the_menu_group_the_list_and_its_own_title(cast, client_for):
    html = client_for(cast.comm_a_sec).get(reverse("dues:member", args=[cast.member_a.pk])).content
    assert crumb_items(html.decode()) == [
        "首页→/",
        "党员管理",
        "党费收缴→/dues/",
        "[党费 · 张三]",
    ]


def test_a_menu_page_shows_where_it_sits_in_the_menu_and_itself_as_current(cast, client_for):
    html = client_for(cast.comm_a_sec).get(reverse("meetings:list")).content.decode()
    assert crumb_items(html) == ["首页→/", "组织生活", "[会议记录]"]


def test_the_deepest_menu_page_that_starts_the_path_is_the_list(cast, client_for):
    # /meetings/no-life/ starts with /meetings/ too: the longer one is the page's own
    html = client_for(cast.comm_a_sec).get(reverse("meetings:no_life")).content.decode()
    assert crumb_items(html) == ["首页→/", "组织生活", "[不参加组织生活名单]"]


def test_the_home_page_has_no_trail(cast, client_for):
    html = client_for(cast.comm_a_sec).get("/").content.decode()
    assert 'id="crumbs"' not in html


def test_a_visitor_who_is_not_logged_in_sees_no_trail(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'id="crumbs"' not in html


def test_a_member_follows_their_own_menu(cast, client_for):
    c = client_for(cast.member_user)
    assert crumb_items(c.get(reverse("dues:mine")).content.decode()) == ["首页→/", "[我的党费]"]
    own = c.get(reverse("members:detail", args=[cast.member_a.pk])).content.decode()
    assert crumb_items(own) == ["首页→/", "[我的档案]"]


def test_a_page_outside_every_menu_still_leads_home(cast, client_for):
    html = client_for(cast.comm_a_sec).get(reverse("accounts:account")).content.decode()
    items = crumb_items(html)
    assert items[0] == "首页→/" and len(items) == 2 and items[1].startswith("[")


@pytest.mark.parametrize("view", ["orgs:detail", "orgs:places"])
def test_pages_with_a_trail_of_their_own_do_not_get_a_second(cast, client_for, view):
    html = client_for(cast.comm_a_sec).get(reverse(view, args=[cast.comm_a.pk])).content.decode()
    assert 'id="crumbs"' not in html
    assert html.count('class="breadcrumb"') == 1


def test_the_dashboard_keeps_its_own_drill_down_trail_only(cast, client_for):
    html = client_for(cast.comm_a_sec).get(reverse("dashboards:home")).content.decode()
    assert 'id="crumbs"' not in html
    assert 'id="dashboard-crumbs"' in html


def test_titles_are_escaped(cast, client_for):
    from dangjian.members.models import Member

    Member.objects.filter(pk=cast.member_a.pk).update(name="<b>王五</b>")
    html = client_for(cast.comm_a_sec).get(reverse("dues:member", args=[cast.member_a.pk]))
    trail = NAV.search(html.content.decode()).group(1)
    assert "<b>王五" not in trail and "&lt;b&gt;王五" in trail


def test_every_fixed_link_of_the_secretarys_menu_is_known_to_the_crumbs(cast, client_for):
    """base.html writes some menu links out itself; the crumbs list them again (FIXED_GROUPS).
    The two must not drift: every menu link of the rendered page is in the crumbs' index."""
    html = client_for(cast.admin).get(reverse("meetings:list")).content.decode()
    menu = html.split('id="mainnav"', 1)[1].split("</ul>\n      <a", 1)[0]
    hrefs = set(re.findall(r'class="dropdown-item" href="([^"]+)"', menu))
    assert len(hrefs) > 30
    known = {e.url for e in crumbs._index("staff", "/", None)}
    assert hrefs <= known, hrefs - known


def test_building_the_trail_reads_nothing_from_the_database(cast):
    request = RequestFactory().get(f"/dues/members/{cast.member_a.pk}/")
    request.user = cast.comm_a_sec
    request.resolver_match = resolve(request.path)
    scope_for(cast.comm_a_sec)  # the scope is read once per request anyway (the menu needs it)
    with CaptureQueriesContext(connection) as ctx:
        trail = crumbs.trail(request)
    assert len(ctx.captured_queries) == 0
    assert [c["label"] for c in trail] == ["首页", "党员管理", "党费收缴"]


def test_the_trail_adds_no_query_to_a_page(cast, client_for, settings):
    c = client_for(cast.comm_a_sec)
    url = reverse("dues:member", args=[cast.member_a.pk])
    c.get(url)
    with CaptureQueriesContext(connection) as with_crumbs:
        c.get(url)
    templates = [dict(t) for t in settings.TEMPLATES]
    templates[0]["OPTIONS"] = dict(templates[0]["OPTIONS"])
    templates[0]["OPTIONS"]["context_processors"] = [
        p for p in templates[0]["OPTIONS"]["context_processors"] if "crumbs" not in p
    ]
    settings.TEMPLATES = templates
    with CaptureQueriesContext(connection) as without:
        html = c.get(url).content.decode()
    assert 'id="crumbs"' not in html
    assert len(with_crumbs.captured_queries) == len(without.captured_queries)
