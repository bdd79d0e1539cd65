"""The cast every test can use: a small county with two streets and three communities, and
users at each level — street secretary, two community secretaries, a branch secretary, a member,
an outsider — built once per test through the real services."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.members.models import Category, Member
from dangjian.orgs.models import Organisation, OrgKind, Place, PlaceKind

from .factories import make_member, make_org, make_place

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously from there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: The day every test runs on. A suite started at 23:50 in Beijing ran on across midnight and
#: twelve tests that took "today" at import disagreed with the services' today; between 00:00 and
#: 08:00 Beijing time the machine's date (UTC) is also a day behind ``timezone.localdate()``. So the
#: whole session runs on one day at noon Beijing time, the clock still ticking: today's date by
#: default, any day with ``DANGJIAN_TEST_DAY=2026-12-31`` (e.g. to try a year's end). Set once by
#: the first process so that xdist's workers, started later, share the day.
TEST_DAY_VARIABLE = "DANGJIAN_TEST_DAY"


def pytest_configure(config):
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    beijing = ZoneInfo("Asia/Shanghai")
    day = os.environ.get(TEST_DAY_VARIABLE) or dt.datetime.now(beijing).date().isoformat()
    os.environ[TEST_DAY_VARIABLE] = day
    noon = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=beijing)
    config._dangjian_clock = time_machine.travel(noon, tick=True)
    config._dangjian_clock.start()


def pytest_collection_modifyitems(config, items):
    """A test that opens Chromium is marked ``browser`` whether or not its file says so, so that
    ``-m "not browser"`` (the PostgreSQL pass of scripts/test.sh) leaves every one of them out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_unconfigure(config):
    clock = getattr(config, "_dangjian_clock", None)
    if clock is not None:
        clock.stop()


@pytest.fixture(scope="session", autouse=True)
def _data_dir_per_worker(worker_id):
    """Each xdist worker keeps its files (exports, uploads, backups) in its own folder of the
    data directory: the workers share DANGJIAN_DATA_DIR but not their databases, so one worker's
    sweep would otherwise delete the files of another's export as "no row points to them"."""
    from pathlib import Path

    from django.conf import settings

    shared = settings.DATA_DIR
    own = Path(shared) / f"worker-{worker_id}"
    own.mkdir(parents=True, exist_ok=True)
    for key in ("secret_key", "field_key", "field_keys_old", "index_key"):  # the same keys
        if (Path(shared) / key).exists() and not (own / key).exists():
            shutil.copy2(Path(shared) / key, own / key)
    settings.DATA_DIR = own
    yield own
    settings.DATA_DIR = shared


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 costs ~0.3 s a hash by design and the cast hashes seven passwords per test; tests
    hash cheaply unless they ask for ``real_password_hashing`` (those that check what is stored)."""
    if "real_password_hashing" not in request.fixturenames:
        # MD5 first hashes new passwords cheaply; the others still verify passwords hashed
        # outside this fixture (e.g. by a module-scoped demo build).
        from dangjian import settings as production

        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *production.PASSWORD_HASHERS,
        ]


@pytest.fixture
def real_password_hashing(settings):
    """The hashers of the production settings (Argon2 first)."""
    from dangjian import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


@dataclass
class Cast:
    county: Organisation
    street_a: Organisation
    street_b: Organisation
    comm_a: Organisation
    comm_a2: Organisation
    comm_b: Organisation
    branch_a: Organisation
    branch_a_2: Organisation
    group_a: Organisation
    branch_b: Organisation
    place_a: Place
    building_a: Place
    corridor_a: Place
    place_b: Place
    member_a: Member
    member_b: Member
    admin: object
    street_sec: object
    comm_a_sec: object
    comm_b_sec: object
    branch_sec: object
    member_user: object
    outsider: object
    password: str = "demo-Pass-2026"


def _user(username: str, password: str, **kw):
    return get_user_model().objects.create_user(username=username, password=password, **kw)


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


def build_cast() -> Cast:
    """The cast of every test (see :class:`Cast`); also built once per module by the isolation
    suites (tests/api/shared_world.py)."""
    pw = Cast.password
    county = make_org(parent=None, kind=OrgKind.COUNTY, name="示例县委", code="X")
    street_a = make_org(parent=county, kind=OrgKind.STREET, name="东城街道党工委", code="SA")
    street_b = make_org(parent=county, kind=OrgKind.TOWN, name="西山镇党委", code="SB")
    comm_a = make_org(
        parent=street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name="文化东路社区党委", code="CA"
    )
    comm_a2 = make_org(
        parent=street_a, kind=OrgKind.GENERAL_BRANCH, name="团结路社区党总支", code="CA2"
    )
    comm_b = make_org(
        parent=street_b, kind=OrgKind.GENERAL_BRANCH, name="迎宾路社区党总支", code="CB"
    )
    branch_a = make_org(
        parent=comm_a, kind=OrgKind.BUILDING_BRANCH, name="文化东路第一楼栋党支部", code="CA-B1"
    )
    branch_a_2 = make_org(
        parent=comm_a, kind=OrgKind.BRANCH, name="文化东路离退休党支部", code="CA-B2"
    )
    group_a = make_org(
        parent=branch_a, kind=OrgKind.GROUP, name="1号楼1单元党小组", code="CA-B1-G1"
    )
    branch_b = make_org(parent=comm_b, kind=OrgKind.BRANCH, name="迎宾路第一党支部", code="CB-B1")
    place_a = make_place(parent=None, community=comm_a, name="文化东路社区")
    grid_a = make_place(parent=place_a, community=comm_a, kind=PlaceKind.GRID, name="第一网格")
    building_a = make_place(parent=grid_a, community=comm_a, kind=PlaceKind.BUILDING, name="1号楼")
    corridor_a = make_place(
        parent=building_a, community=comm_a, kind=PlaceKind.CORRIDOR, name="1单元"
    )
    place_b = make_place(parent=None, community=comm_b, name="迎宾路社区")
    member_user = _user("member_a", pw)
    member_a = make_member(org=branch_a, name="张三", categories=(Category.RETIRED,), user=None)
    Member.objects.filter(pk=member_a.pk).update(user=member_user)
    member_b = make_member(org=branch_b, name="李四", categories=(Category.IN_SERVICE,))
    admin = get_user_model().objects.create_superuser("admin", password=pw)
    street_sec = _user("street_a_sec", pw)
    comm_a_sec = _user("comm_a_sec", pw)
    comm_b_sec = _user("comm_b_sec", pw)
    branch_sec = _user("branch_a_sec", pw)
    outsider = _user("outsider", pw)
    Grant.objects.create(user=street_sec, org=street_a, role=Grant.Role.SECRETARY)
    Grant.objects.create(user=comm_a_sec, org=comm_a, role=Grant.Role.SECRETARY)
    Grant.objects.create(user=comm_b_sec, org=comm_b, role=Grant.Role.SECRETARY)
    Grant.objects.create(user=branch_sec, org=branch_a, role=Grant.Role.SECRETARY)
    c = Cast(
        county,
        street_a,
        street_b,
        comm_a,
        comm_a2,
        comm_b,
        branch_a,
        branch_a_2,
        group_a,
        branch_b,
        place_a,
        building_a,
        corridor_a,
        place_b,
        member_a,
        member_b,
        admin,
        street_sec,
        comm_a_sec,
        comm_b_sec,
        branch_sec,
        member_user,
        outsider,
    )
    for u in (admin, street_sec, comm_a_sec, comm_b_sec, branch_sec, member_user, outsider):
        forget_scope(u)
    return c


CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client logged in as ``user``."""
    from django.test import Client

    def make(user) -> Client:
        c = Client()
        c.force_login(user, backend="dangjian.accounts.backends.ModelBackend")
        return c

    return make


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (Debian's). Missing browser: skip locally, fail in CI."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("DANGJIAN_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are mandatory in CI but {CHROMIUM} is missing")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    ctx.close()


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    pg = ctx.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    ctx.close()


def login(page, live_server, username: str, password: str = Cast.password) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
