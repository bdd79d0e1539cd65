"""Objects of community A for the 出租房屋/流动人口 register (see endpoints.py).

``{dwelling}`` 甲社区出租屋 (a household under 1号楼1单元, landlord 甲社区房东) with ``{tenant}``
甲社区租户, and ``{rent_household}`` a household of community A not yet rented out. The register
is need-to-know: even its pages that only read are refused to a viewer (a read-only grant), so
every entry is ``change=True``.
"""

from __future__ import annotations

import datetime as dt

from dangjian.orgs.models import PlaceKind
from dangjian.rentals import services
from tests.factories import fake_id, make_place

from .endpoints import Endpoint, Listing


def build(cast, ids):
    household = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="甲社区出租屋"
    )
    free = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="甲社区空房"
    )
    dwelling = services.dwelling_register(
        acting_user=cast.comm_a_sec, household=household, landlord_name="甲社区房东"
    )
    tenant = services.tenant_add(
        acting_user=cast.comm_a_sec,
        dwelling=dwelling,
        name="甲社区租户",
        id_number=fake_id(birth_date=dt.date(1991, 2, 3), gender="F"),
        move_in=dt.date(2025, 1, 1),
    )
    hidden = ("甲社区出租屋", "甲社区房东", "甲社区租户", tenant.id_masked)
    return (
        {
            "dwelling": dwelling.pk,
            "tenant": tenant.pk,
            "rent_household": free.pk,
            "grid_a": cast.building_a.parent_id,
        },
        hidden,
        hidden,
    )


OBJECT_PAGES = [
    Endpoint("rentals:home", "/rentals/?org={community}", change=True),
    Endpoint("rentals:home", "/rentals/?area={grid_a}", change=True),
    Endpoint("rentals:tenants", "/rentals/tenants/?org={community}", change=True),
    Endpoint("rentals:tenants", "/rentals/tenants/?area={grid_a}&state=all", change=True),
    Endpoint("rentals:export_dwellings", "/rentals/export/dwellings/?org={community}", change=True),
    Endpoint("rentals:export_tenants", "/rentals/export/tenants/?org={community}", change=True),
    Endpoint(
        "rentals:export_tenants",
        "/rentals/export/tenants/?area={grid_a}&full_ids=1",
        change=True,
    ),
    Endpoint("rentals:dwelling", "/rentals/{dwelling}/", change=True),
    Endpoint("rentals:dwelling_edit", "/rentals/{dwelling}/edit/", change=True),
    Endpoint(
        "rentals:dwelling_edit",
        "/rentals/{dwelling}/edit/",
        "POST",
        {"landlord_name": "渗透", "version": "1"},
        change=True,
    ),
    Endpoint("rentals:tenant_create", "/rentals/{dwelling}/tenants/new/", change=True),
    Endpoint(
        "rentals:tenant_create",
        "/rentals/{dwelling}/tenants/new/",
        "POST",
        {"name": "渗透", "id_number": "110101199003070000", "move_in": "2026-01-01"},
        change=True,
    ),
    Endpoint("rentals:tenant", "/rentals/tenants/{tenant}/", change=True),
    Endpoint("rentals:tenant_edit", "/rentals/tenants/{tenant}/edit/", change=True),
    Endpoint(
        "rentals:tenant_edit",
        "/rentals/tenants/{tenant}/edit/",
        "POST",
        {"name": "渗透", "move_in": "2025-01-01", "version": "1"},
        change=True,
    ),
    Endpoint(
        "rentals:tenant_move_out",
        "/rentals/tenants/{tenant}/move-out/",
        "POST",
        {"move_out": "2025-02-01", "version": "1"},
        change=True,
    ),
    Endpoint("rentals:tenant_reveal", "/rentals/tenants/{tenant}/reveal/", "POST", change=True),
]

LIST_PAGES = [
    Listing("rentals:home", "/rentals/", owner_sees="甲社区出租屋"),
    Listing("rentals:tenants", "/rentals/tenants/?state=all", owner_sees="甲社区租户"),
    Listing("rentals:export_dwellings", "/rentals/export/dwellings/?start=2000-01-01"),
    Listing("rentals:export_tenants", "/rentals/export/tenants/?start=2000-01-01&full_ids=1"),
    Listing("rentals:import", "/rentals/import/"),
    Listing("rentals:dwelling_create", "/rentals/new/"),
]

OBJECT_API = [
    Endpoint(
        "GET /api/v1/rentals/dwellings/", "/api/v1/rentals/dwellings/?org={community}", change=True
    ),
    Endpoint(
        "GET /api/v1/rentals/dwellings/{pk}/", "/api/v1/rentals/dwellings/{dwelling}/", change=True
    ),
    Endpoint(
        "POST /api/v1/rentals/dwellings/",
        "/api/v1/rentals/dwellings/",
        "POST",
        {"household_id": "{rent_household}", "landlord_name": "渗透"},
        change=True,
    ),
    Endpoint("GET /api/v1/rentals/tenants/", "/api/v1/rentals/tenants/?area={grid_a}", change=True),
    Endpoint("GET /api/v1/rentals/tenants/{pk}/", "/api/v1/rentals/tenants/{tenant}/", change=True),
    Endpoint(
        "POST /api/v1/rentals/tenants/",
        "/api/v1/rentals/tenants/",
        "POST",
        {"dwelling_id": "{dwelling}", "name": "渗透", "id_number": "1", "move_in": "2026-01-01"},
        change=True,
    ),
]

LIST_API = [
    Listing(
        "GET /api/v1/rentals/dwellings/", "/api/v1/rentals/dwellings/", owner_sees="甲社区出租屋"
    ),
    Listing(
        "GET /api/v1/rentals/tenants/",
        "/api/v1/rentals/tenants/?state=all",
        owner_sees="甲社区租户",
    ),
]
