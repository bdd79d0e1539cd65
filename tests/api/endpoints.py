"""Every page and API endpoint, classified for the cross-community isolation suite.

Adding an endpoint? Add one line here. ``test_every_page_is_classified`` and
``test_every_api_operation_is_classified`` fail until you do, so no endpoint escapes the suite.

Placeholders in paths and bodies name objects of community A (文化东路社区), none of which
belongs to the plain member ``member_user``:
``{org}`` 文化东路离退休党支部 · ``{community}`` 文化东路社区党委 · ``{place}`` 1号楼 ·
``{member}`` 欧阳测试 · ``{office}`` an office of ``{org}`` · ``{token}`` comm_a_sec's API
token · ``{grant}`` branch_a_sec's grant on 文化东路第一楼栋党支部. Areas add their own
placeholders (see ``endpoints_*.py``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from dangjian.accounts.models import Grant
from dangjian.accounts.services import token_issue
from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from tests.factories import make_member

MISSING_ID = 987654321


@dataclass(frozen=True)
class Endpoint:
    """One request about one object of community A.

    ``change``: it writes, so a viewer (read-only grant on community A) must be refused too.
    ``owner``: the cast member who legitimately reaches it (the positive control that proves
    the path is right, so a 404 elsewhere means something).
    """

    name: str  # URL name for pages, "METHOD /api/v1/openapi/path" for the API
    path: str
    method: str = "GET"
    body: dict[str, Any] = field(default_factory=dict)
    change: bool = False
    owner: str = "comm_a_sec"
    #: what an outsider gets: 404 when the id is in the path; ``None`` when the id is a field of
    #: the body (then a validation error) — either way exactly what a missing id gets
    expect: int | None = 404

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Listing:
    """A page or list that shows many things: it must show nothing of community A to others."""

    name: str
    path: str
    owner_sees: str = ""  # a marker the owner (comm_a_sec) must see, proving the page works

    def __str__(self) -> str:
        return self.path


# ---- pages -------------------------------------------------------------------------------
OBJECT_PAGES = [
    Endpoint("orgs:detail", "/orgs/{org}/"),
    Endpoint("orgs:children", "/orgs/{community}/children/"),
    Endpoint("orgs:create", "/orgs/{org}/new/", change=True),
    Endpoint("orgs:create", "/orgs/{org}/new/", "POST", {"name": "渗透"}, change=True),
    Endpoint("orgs:edit", "/orgs/{org}/edit/", change=True),
    Endpoint("orgs:edit", "/orgs/{org}/edit/", "POST", {"name": "渗透"}, change=True),
    Endpoint("orgs:cover", "/orgs/{org}/cover/", change=True),
    Endpoint("orgs:cover", "/orgs/{org}/cover/", "POST", {}, change=True),
    Endpoint("orgs:office_create", "/orgs/{org}/offices/new/", change=True),
    Endpoint("orgs:office_create", "/orgs/{org}/offices/new/", "POST", {}, change=True),
    Endpoint("orgs:office_edit", "/orgs/offices/{office}/edit/", change=True),
    Endpoint("orgs:office_edit", "/orgs/offices/{office}/edit/", "POST", {}, change=True),
    Endpoint("orgs:places", "/orgs/{community}/places/"),
    Endpoint("orgs:community_place_create", "/orgs/{community}/places/new/", change=True),
    Endpoint(
        "orgs:community_place_create", "/orgs/{community}/places/new/", "POST", {}, change=True
    ),
    Endpoint("orgs:place", "/orgs/places/{place}/"),
    Endpoint("orgs:place_create", "/orgs/places/{place}/new/", change=True),
    Endpoint("orgs:place_create", "/orgs/places/{place}/new/", "POST", {}, change=True),
    Endpoint("orgs:place_edit", "/orgs/places/{place}/edit/", change=True),
    Endpoint("orgs:place_edit", "/orgs/places/{place}/edit/", "POST", {}, change=True),
    Endpoint("orgs:coverage", "/orgs/coverage/?org={community}"),
    Endpoint("orgs:warnings", "/orgs/warnings/?org={community}"),
    Endpoint("members:detail", "/members/{member}/"),
    Endpoint("members:reveal_id", "/members/{member}/reveal-id/", "POST", change=True),
    Endpoint("members:edit", "/members/{member}/edit/", change=True),
    Endpoint("members:edit", "/members/{member}/edit/", "POST", {"name": "渗透"}, change=True),
    Endpoint("members:event", "/members/{member}/events/category_change/", change=True),
    Endpoint("members:event", "/members/{member}/events/category_change/", "POST", {}, change=True),
    Endpoint("members:register", "/members/register/?org={community}"),
    Endpoint("members:register_export", "/members/register/export/?org={community}"),
    Endpoint("accounts:token_revoke", "/accounts/tokens/{token}/revoke/", "POST", change=True),
    Endpoint(
        "accounts:role_revoke",
        "/accounts/roles/{grant}/revoke/",
        "POST",
        change=True,
        owner="admin",
    ),
]

LIST_PAGES = [
    Listing("core:home", "/", owner_sees="文化东路社区党委"),
    Listing("core:audit", "/audit/", owner_sees="欧阳测试"),
    Listing("core:audit", "/audit/?export=xlsx", owner_sees="欧阳测试"),
    Listing("orgs:list", "/orgs/", owner_sees="文化东路社区党委"),
    Listing("orgs:coverage", "/orgs/coverage/"),
    Listing("orgs:warnings", "/orgs/warnings/"),
    Listing("members:list", "/members/", owner_sees="欧阳测试"),
    Listing("members:list", "/members/?org={community}", owner_sees="欧阳测试"),
    Listing("members:list", "/members/?q=ouyang", owner_sees="欧阳测试"),
    Listing("members:export", "/members/export/", owner_sees="欧阳测试"),
    Listing("members:export", "/members/export/?org={community}", owner_sees="欧阳测试"),
    Listing("members:register", "/members/register/", owner_sees="欧阳测试"),
    Listing("members:create", "/members/new/"),
    Listing("accounts:tokens", "/accounts/tokens/", owner_sees="甲社区统计系统"),
    Listing("accounts:roles", "/accounts/roles/"),
]

# Pages that show no one's data: logging in and out, one's own settings, the rules table.
NO_DATA_PAGES = {
    "core:healthz",
    "core:readyz",
    "roster:template",
    "core:rules",
    "accounts:login",
    "accounts:logout",
    "accounts:otp",
    "accounts:otp_setup",
    "accounts:account",
    "accounts:password_change",
    "set_language",
}

# ---- API ---------------------------------------------------------------------------------
OBJECT_API = [
    Endpoint("GET /api/v1/orgs/{org_id}", "/api/v1/orgs/{org}"),
    Endpoint("GET /api/v1/orgs/{org_id}/offices", "/api/v1/orgs/{org}/offices"),
    Endpoint("GET /api/v1/orgs/{org_id}/warnings", "/api/v1/orgs/{community}/warnings"),
    Endpoint("GET /api/v1/orgs/{org_id}/coverage", "/api/v1/orgs/{community}/coverage"),
    Endpoint("GET /api/v1/places/{place_id}", "/api/v1/places/{place}"),
    Endpoint("GET /api/v1/members/{member_id}", "/api/v1/members/{member}"),
    Endpoint("GET /api/v1/members/{member_id}/events", "/api/v1/members/{member}/events"),
    Endpoint(
        "GET /api/v1/members/register",
        "/api/v1/members/register?org={community}&on=2025-06-30",
    ),
    Endpoint(
        "POST /api/v1/members/{member_id}/events",
        "/api/v1/members/{member}/events",
        "POST",
        {"kind": "category_change", "date": "2025-06-30", "categories": ["retired"]},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/members/",
        "/api/v1/members/",
        "POST",
        {"org_id": "{org}", "name": "渗透", "gender": "M", "birth_date": "1980-01-01"},
        change=True,
        expect=None,
    ),
    Endpoint(
        "POST /api/v1/orgs/",
        "/api/v1/orgs/",
        "POST",
        {"parent_id": "{org}", "kind": "group", "name": "渗透小组", "code": "HACK-1"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/places/",
        "/api/v1/places/",
        "POST",
        {"parent_id": "{place}", "name": "渗透单元"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/places/",
        "/api/v1/places/",
        "POST",
        {"community_id": "{community}", "name": "渗透社区"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/orgs/", "/api/v1/orgs/", owner_sees="文化东路社区党委"),
    Listing("GET /api/v1/orgs/", "/api/v1/orgs/?parent={community}", owner_sees="离退休"),
    Listing("GET /api/v1/places/", "/api/v1/places/", owner_sees="1号楼"),
    Listing("GET /api/v1/places/", "/api/v1/places/?community={community}", owner_sees="1号楼"),
    Listing("GET /api/v1/members/", "/api/v1/members/", owner_sees="欧阳测试"),
    Listing("GET /api/v1/members/", "/api/v1/members/?org={community}", owner_sees="欧阳测试"),
    Listing("GET /api/v1/members/", "/api/v1/members/?q=ouyang", owner_sees="欧阳测试"),
]


# ---- areas -------------------------------------------------------------------------------
# Each app may keep its endpoints in ``tests/api/endpoints_<area>.py``: the same five lists
# (any may be missing) and ``build(cast, ids) -> (ids, markers_a, hidden_from_member)`` to make
# the objects its placeholders name. They are appended here, so the suite covers them too.
def _area_modules() -> list[Any]:
    import importlib
    import pkgutil
    from pathlib import Path

    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]))
    return [importlib.import_module(f"tests.api.{n}") for n in names if n.startswith("endpoints_")]


AREAS = _area_modules()
for _area in AREAS:
    OBJECT_PAGES += getattr(_area, "OBJECT_PAGES", [])
    LIST_PAGES += getattr(_area, "LIST_PAGES", [])
    NO_DATA_PAGES |= set(getattr(_area, "NO_DATA_PAGES", ()))
    OBJECT_API += getattr(_area, "OBJECT_API", [])
    LIST_API += getattr(_area, "LIST_API", [])


# ---- the world the suite runs in ---------------------------------------------------------
@dataclass
class World:
    ids: dict[str, int]
    #: names that belong to community A and to no one else; never shown to outsiders
    markers_a: tuple[str, ...]
    #: of those, the ones the plain member of 文化东路第一楼栋党支部 may not see either
    markers_hidden_from_member: tuple[str, ...]

    def fill(self, text: str, *, missing: bool = False) -> str:
        values = {k: MISSING_ID if missing else v for k, v in self.ids.items()}
        return text.format(**values)

    def fill_body(self, body: dict[str, Any], *, missing: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in body.items():
            out[k] = (
                int(self.fill(v, missing=missing))
                if isinstance(v, str) and v.startswith("{")
                else v
            )
        return out


@pytest.fixture
def world(cast) -> World:
    return build_world(cast)


def build_world(cast) -> World:
    member = make_member(org=cast.branch_a_2, name="欧阳测试")
    office = office_create(
        acting_user=None,
        org=cast.branch_a_2,
        title=Office.Title.SECRETARY,
        holder_name="司马测试",
        term_start=dt.date(2024, 1, 1),
    )
    token, _key = token_issue(user=cast.comm_a_sec, name="甲社区统计系统", acting_user=None)
    grant = Grant.objects.get(user=cast.branch_sec)
    ids = {
        "org": cast.branch_a_2.pk,
        "community": cast.comm_a.pk,
        "place": cast.building_a.pk,
        "member": member.pk,
        "office": office.pk,
        "token": token.pk,
        "grant": grant.pk,
    }
    hidden_from_member = ("文化东路社区党委", "文化东路离退休党支部", "欧阳测试", "司马测试")
    markers_a = (*hidden_from_member, "文化东路第一楼栋党支部", "1号楼1单元党小组", "张三")
    for area in AREAS:
        build = getattr(area, "build", None)
        if build is not None:
            more_ids, more_markers, more_hidden = build(cast, ids)
            # a placeholder two areas both name would silently point one area's paths at the
            # other's object (the owner then gets a 404 and the suite proves nothing)
            clash = set(more_ids) & set(ids)
            assert not clash, f"{area.__name__} reuses the placeholder(s) {sorted(clash)}"
            ids.update(more_ids)
            markers_a += tuple(more_markers)
            hidden_from_member += tuple(more_hidden)
    return World(ids=ids, markers_a=markers_a, markers_hidden_from_member=hidden_from_member)


def body_text(response) -> str:
    """What a response shows, as text: HTML, JSON (unescaped) or the cells of an .xlsx."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(cell)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "json" in ctype:
        return json.dumps(json.loads(raw or b"null"), ensure_ascii=False)
    return raw.decode("utf-8", errors="replace")
