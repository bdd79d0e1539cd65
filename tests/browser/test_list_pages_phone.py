"""Every list page of the platform on a 390 × 844 phone (issue 20, item 1): a community secretary
and a street secretary open each page of their menu, and each list page beside it, with rows in
it (long Chinese names included); nothing scrolls sideways, no table column is squeezed below
two characters, every button can be reached (tests/browser/phone.py says how that is measured).

The pages are not listed by hand: they are the menus (core/context.py's link tables and the fixed
links of templates/base.html), and with each menu page the other pages of its app that take no
argument (its tabs: the charity shop's ledger, the meetings' bodies, …), less forms, exports and
a member's own pages. A new menu entry or a new list page is measured without a line here.

The world (the cast, one object of every area as the isolation suite builds it, and a few long
rows) is built once for the module and committed, served by one live server, and each role logs
in once; the database is flushed when the module ends."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import NoReverseMatch, get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone

from dangjian.core import context
from dangjian.dues import services as dues
from dangjian.meetings.models import MeetingKind
from tests.api.endpoints import build_world
from tests.conftest import build_cast, login
from tests.factories import make_member
from tests.meetings.factories import make_meeting

from .phone import assert_fits

#: ``django_db`` so that the test database exists (pytest-django sets it up only for tests that
#: ask for it); each test's own transaction holds nothing, the world is the module's
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BASE_HTML = Path(django_settings.BASE_DIR) / "templates" / "base.html"

#: the link tables of the menus (core/context.py); a member's own menu is not a secretary's
MENU_TABLES = ("MEMBER_LINKS", "WORK_LINKS", "SERVICE_LINKS", "CAPACITY_LINKS", "ASSESS_LINKS")
MENU_TABLES += ("GRID_LINKS", "CONTACT_LINKS")

#: URL names that are not list pages: forms, files, a member's own pages, machinery
NOT_A_LIST = re.compile(
    r"export|new|create|save|seed|sync|import|pick|mine|my_unit|manifest|^sw$|^pay$|settings"
    r"|^login$|^logout$|^otp|password|^healthz$|^home_fragment$|^set_language$"
    r"|^record|^goods_|^office$|^upload$"
)

#: apps whose pages are not a secretary's lists (accounts: one's own password and tokens)
NOT_LIST_APPS = {"accounts", "memberapp"}


def _menu_names() -> list[str]:
    """The URL names of the secretaries' menus: the link tables and base.html's fixed links."""
    names = [name for table in MENU_TABLES for name, _label in getattr(context, table)]
    template = _base_html().read_text(encoding="utf-8")
    names += re.findall(r"""\{%\s*url\s+['"]([\w:]+)['"]\s*%\}""", template)
    return [n for n in dict.fromkeys(names) if _exists(n)]


def _exists(name: str) -> bool:
    """Whether the page is built (the menu leaves out a part still being built, as here)."""
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _base_html() -> Path:
    for d in django_settings.TEMPLATES[0]["DIRS"]:
        p = Path(d) / "base.html"
        if p.exists():
            return p
    return BASE_HTML


def _argless_names(resolver=None, ns: str = "") -> list[str]:
    """Every URL name (namespaced) whose path takes no argument."""
    out = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.pattern.converters:
                continue
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            out += _argless_names(p, inner)
        elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
            out.append(f"{ns}:{p.name}" if ns else p.name)
    return out


def menu_pages() -> set[str]:
    """The pages the menus link to (each must open for both secretaries)."""
    return {reverse(n) for n in _menu_names() if ":" in n and n.split(":")[0] not in NOT_LIST_APPS}


def list_pages() -> list[str]:
    """The menu pages, and each argument-free page of the same apps that is not a form, a file
    or a member's own page."""
    menu = [n for n in _menu_names() if ":" in n and n.split(":")[0] not in NOT_LIST_APPS]
    apps = {n.split(":")[0] for n in menu}
    names = [n for n in menu if not NOT_A_LIST.search(n.split(":")[1])]
    names += [
        n
        for n in _argless_names()
        if ":" in n and n.split(":")[0] in apps and not NOT_A_LIST.search(n.split(":")[1])
    ]
    names = [n for n in dict.fromkeys(names) if n != "core:home"]  # the home page: issue 20 item 7
    return [u for u in (reverse(n) for n in names) if "." not in u.rsplit("/", 1)[-1]]


#: pages reached from a list with the community in their path (the openness ratings)
WITH_COMMUNITY = ["/openness/{community}/ratings/"]

PAGES = [*list_pages(), *WITH_COMMUNITY]
MENU = menu_pages() | set(WITH_COMMUNITY)
ROLES = ("comm_a_sec", "street_a_sec")

LONG_NAMES = ("欧阳娜迪拉·艾买提江", "叶尔江·沙吾提别克", "司马春晓")


def _build() -> dict[str, int]:
    cast = build_cast()
    build_world(cast)
    today = timezone.localdate()
    for i, name in enumerate(LONG_NAMES):
        m = make_member(org=cast.branch_a_2, name=name)
        dues.base_set(
            acting_user=cast.comm_a_sec,
            member=m,
            kind="retired",
            base="3100",
            from_month=dt.date(today.year, 1, 1),
        )
        if i:
            dues.payment_record(
                acting_user=cast.comm_a_sec,
                member=m,
                first_month=dt.date(today.year, 1, 1),
                months=1,
                paid_on=dt.date(today.year, 1, 10),
            )
    for kind, topic in (
        (
            MeetingKind.BRANCH_GENERAL,
            "学习贯彻党的二十届三中全会精神暨“两学一做”学习教育常态化制度化专题组织生活会",
        ),
        (MeetingKind.BRANCH_COMMITTEE, "研究发展党员、党费收缴、困难党员帮扶和楼栋网格员调整事项"),
    ):
        for org in (cast.branch_a, cast.branch_a_2):
            make_meeting(org=org, kind=kind, date=today - dt.timedelta(days=3), topic=topic)
    return {"community": cast.comm_a.pk}


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    """The world, committed, and a live server for it; flushed when the module ends."""
    from pytest_django.live_server_helper import LiveServer

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher", *django_settings.PASSWORD_HASHERS]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        try:
            ids = _build()
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield server, ids
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()


@pytest.fixture(scope="module")
def phones(browser, served):
    """One phone per role, each logged in here, once: a module fixture is set up before the
    test's own transaction opens, so the sessions outlive it."""
    server, _ids = served
    contexts, opened = [], {}
    for role in ROLES:
        ctx = browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)  # a loaded machine; each page is well under a second
        login(pg, server, role)
        assert "/accounts/login/" not in pg.url, role
        opened[role] = pg
    yield opened
    for ctx in contexts:
        ctx.close()


def test_the_pages_come_from_the_menus():
    """The list is the menus and their tabs, not a hand-kept list that a new page could miss."""
    assert {"/meetings/", "/dues/", "/orgs/", "/members/", "/audit/", "/rules/"} <= set(PAGES)
    assert {"/charity/ledger/", "/jobs/seekers/", "/meetings/bodies/"} <= set(PAGES)
    assert reverse(context.SERVICE_LINKS[0][0]) in PAGES
    assert not [p for p in PAGES if "export" in p or p.endswith("/new/")]


#: the menu's links this module read from the code and left out as not lists (forms, one's
#: account), and the home page
NOT_MEASURED = {"/"} | ({reverse(n) for n in _menu_names()} - set(PAGES))


def test_every_link_of_the_menu_a_secretary_sees_is_measured(served, phones):
    """What the menu shows in the browser, not only what this module read from the code: a link
    put in the menu some other way than the link tables or base.html's {% url %} tags fails here
    until the list above finds it."""
    server, _ids = served
    for role, page in phones.items():
        page.goto(server.url + "/")
        hrefs = page.eval_on_selector_all(
            "#mainnav a[href]", "els => els.map((e) => e.getAttribute('href'))"
        )
        links = {h.split("?")[0] for h in hrefs if h.startswith("/")}
        assert len(links) > 40, (role, links)
        assert links - set(PAGES) - NOT_MEASURED == set(), role


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_every_list_page_fits_a_phone(served, phones, role, path):
    server, ids = served
    url = server.url + path.format(**ids)
    page = phones[role]
    if path not in MENU:
        # a page found beside a menu page: a file (a card, a chronicle .docx) or a page this role
        # does not have (a town's review, a briefing that needs its activity) is not a list
        r = page.request.get(url)
        kind = r.headers.get("content-type", "")
        if r.status != 200 or not kind.startswith("text/html"):
            pytest.skip(f"{path} is not a list page for {role} ({r.status} {kind})")
    assert_fits(page, url)
