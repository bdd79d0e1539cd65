"""Objects of community A for the funds books (see endpoints.py).

``{funds_entry}`` 甲社区办公经费拨款 (income of 文化东路社区党委's ledger, today) with the voucher
``{funds_voucher}`` 甲社区拨款凭证.pdf; ``{funds_asset}`` 甲社区会议桌; ``{funds_category}`` the
spending category 办公.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.funds import services
from dangjian.funds.models import Category

from .endpoints import Endpoint, Listing


def build(cast, ids):
    services.ensure_categories()
    today = timezone.localdate()
    entry = services.entry_record(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        direction="in",
        date=today,
        category=Category.objects.get(direction="in", name="上级拨款"),
        amount="50000",
        summary="甲社区办公经费拨款",
        purpose="office_activity",
        vouchers=[SimpleUploadedFile("甲社区拨款凭证.pdf", b"%PDF-1.4 a", "application/pdf")],
    )
    asset = services.asset_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        name="甲社区会议桌",
        value="800",
        acquired_on=today,
    )
    markers = ("甲社区办公经费拨款", "甲社区会议桌")
    return (
        {
            "funds_entry": entry.pk,
            "funds_voucher": entry.vouchers.get().pk,
            "funds_asset": asset.pk,
            "funds_category": Category.objects.get(direction="out", name="办公").pk,
        },
        markers,
        markers,
    )


_ENTRY = {
    "direction": "out",
    "date": "2026-05-03",
    "category": "{funds_category}",
    "amount": "1",
    "summary": "渗透",
}

OBJECT_PAGES = [
    Endpoint("funds:home", "/funds/?org={community}"),
    Endpoint("funds:export", "/funds/export/?org={community}"),
    Endpoint("funds:rules", "/funds/rules/?org={community}"),
    Endpoint("funds:entry", "/funds/entries/{funds_entry}/"),
    Endpoint("funds:voucher", "/funds/vouchers/{funds_voucher}/"),
    Endpoint("funds:entry_create", "/funds/entries/new/?org={community}", change=True),
    Endpoint(
        "funds:entry_create", "/funds/entries/new/?org={community}", "POST", _ENTRY, change=True
    ),
    Endpoint("funds:entry_void", "/funds/entries/{funds_entry}/void/", change=True),
    Endpoint(
        "funds:entry_void",
        "/funds/entries/{funds_entry}/void/",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
    Endpoint(
        "funds:voucher_add", "/funds/entries/{funds_entry}/vouchers/", "POST", {}, change=True
    ),
    Endpoint("funds:settings", "/funds/settings/?org={community}", change=True),
    Endpoint(
        "funds:settings",
        "/funds/settings/?org={community}",
        "POST",
        {"opening_balance": "1", "version": "1"},
        change=True,
    ),
    Endpoint("funds:assets", "/funds/assets/?org={community}"),
    Endpoint("funds:assets_export", "/funds/assets/export/?org={community}"),
    Endpoint("funds:count_export", "/funds/assets/count/?org={community}"),
    Endpoint("funds:asset_create", "/funds/assets/new/?org={community}", change=True),
    Endpoint(
        "funds:asset_create",
        "/funds/assets/new/?org={community}",
        "POST",
        {"name": "渗透", "value": "1", "quantity": "1", "acquired_on": "2026-05-03"},
        change=True,
    ),
    Endpoint("funds:asset_dispose", "/funds/assets/{funds_asset}/dispose/", change=True),
    Endpoint(
        "funds:asset_dispose",
        "/funds/assets/{funds_asset}/dispose/",
        "POST",
        {"disposed_on": "2026-05-03", "reason": "渗透", "version": "1"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("funds:home", "/funds/", owner_sees="甲社区办公经费拨款"),
    Listing("funds:export", "/funds/export/"),
    Listing("funds:rules", "/funds/rules/", owner_sees="文化东路社区党委"),
    Listing("funds:assets", "/funds/assets/", owner_sees="甲社区会议桌"),
    Listing("funds:assets_export", "/funds/assets/export/"),
    Listing("funds:count_export", "/funds/assets/count/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/funds/entries/", "/api/v1/funds/entries/?org={community}"),
    Endpoint("GET /api/v1/funds/balance/", "/api/v1/funds/balance/?org={community}"),
    Endpoint("GET /api/v1/funds/assets/", "/api/v1/funds/assets/?org={community}"),
    Endpoint(
        "POST /api/v1/funds/entries/",
        "/api/v1/funds/entries/",
        "POST",
        {
            "org_id": "{community}",
            "direction": "out",
            "date": "2026-05-03",
            "category_id": "{funds_category}",
            "amount": "1",
            "summary": "渗透",
        },
        change=True,
    ),
]

LIST_API = [
    Listing(
        "GET /api/v1/funds/entries/", "/api/v1/funds/entries/", owner_sees="甲社区办公经费拨款"
    ),
    Listing("GET /api/v1/funds/assets/", "/api/v1/funds/assets/", owner_sees="甲社区会议桌"),
]
