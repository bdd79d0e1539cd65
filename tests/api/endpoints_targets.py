"""Objects of community A for the target responsibility letters (see endpoints.py).

The street 东城街道党工委 (``street_sec``) issued two letters to 文化东路社区党委: ``{tletter}``
for last year, signed by ``{tsec}`` 甲社区书记测试 (the community's secretary), with the unlinked
target ``{ttarget}`` 甲社区责任目标测试; and this year's ``{tdraft}``, a draft with the target
``{tdtarget}``. Every change is the issuer's (owner ``street_sec``); the community reads them and
notes progress (owner ``comm_a_sec``). The plain member sees none of it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from dangjian.targets import services

from .endpoints import Endpoint, Listing

YEAR = timezone.localdate().year
TODAY = timezone.localdate().isoformat()


def build(cast, ids):
    sec = office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.SECRETARY,
        holder_name="甲社区书记测试",
        term_start=dt.date(2020, 1, 1),
    )
    signed = services.letter_create(
        acting_user=cast.street_sec,
        community=cast.comm_a,
        year=YEAR - 1,
        issuer_signatory="甲街道签订人测试",
        with_defaults=False,
        today=dt.date(YEAR, 1, 1),
    )
    target = services.target_add(
        signed, acting_user=cast.street_sec, version=signed.version, text="甲社区责任目标测试"
    )
    signed.refresh_from_db()
    services.letter_sign(
        signed,
        acting_user=cast.street_sec,
        version=signed.version,
        signer_office=sec,
        signed_on=dt.date(YEAR - 1, 2, 1),
    )
    draft = services.letter_create(
        acting_user=cast.street_sec,
        community=cast.comm_a,
        year=YEAR,
        issuer_signatory="甲街道签订人测试",
        with_defaults=False,
    )
    dtarget = services.target_add(
        draft, acting_user=cast.street_sec, version=draft.version, text="甲社区草稿目标测试"
    )
    ids = {
        "tletter": signed.pk,
        "ttarget": target.pk,
        "tdraft": draft.pk,
        "tdtarget": dtarget.pk,
        "tsec": sec.pk,
        "tissuer": cast.street_a.pk,
    }
    hidden = ("甲社区书记测试", "甲社区责任目标测试", "甲社区草稿目标测试", "甲街道签订人测试")
    return ids, hidden, hidden


_ST = "street_sec"

OBJECT_PAGES = [
    Endpoint("targets:home", "/targets/?org={community}"),
    Endpoint("targets:letter", "/targets/{tletter}/"),
    Endpoint("targets:letter", "/targets/{tdraft}/"),
    Endpoint("targets:docx", "/targets/{tletter}/docx/"),
    Endpoint("targets:met", "/targets/{tletter}/met/"),
    Endpoint("targets:create", "/targets/new/?community={community}", change=True, owner=_ST),
    Endpoint(
        "targets:create",
        "/targets/new/?community={community}",
        "POST",
        {"year": str(YEAR), "issuer": "{tissuer}"},
        change=True,
        owner=_ST,
    ),
    Endpoint(
        "targets:edit",
        "/targets/{tdraft}/edit/",
        "POST",
        {"version": "1", "issuer_signatory": "渗透"},
        change=True,
        owner=_ST,
    ),
    Endpoint(
        "targets:target_add",
        "/targets/{tdraft}/targets/new/",
        "POST",
        {"version": "1", "text": "渗透"},
        change=True,
        owner=_ST,
    ),
    Endpoint("targets:sign", "/targets/{tdraft}/sign/", change=True, owner=_ST),
    Endpoint(
        "targets:sign",
        "/targets/{tdraft}/sign/",
        "POST",
        {"version": "2", "signer_office": "{tsec}", "signed_on": TODAY, "issuer_signatory": "x"},
        change=True,
        owner=_ST,
    ),
    Endpoint(
        "targets:void",
        "/targets/{tdraft}/void/",
        "POST",
        {"version": "2", "reason": "渗透"},
        change=True,
        owner=_ST,
    ),
    Endpoint("targets:target_edit", "/targets/items/{tdtarget}/edit/", change=True, owner=_ST),
    Endpoint(
        "targets:target_edit",
        "/targets/items/{tdtarget}/edit/",
        "POST",
        {"version": "2", "text": "渗透"},
        change=True,
        owner=_ST,
    ),
    Endpoint(
        "targets:target_remove",
        "/targets/items/{tdtarget}/remove/",
        "POST",
        {"version": "2"},
        change=True,
        owner=_ST,
    ),
    Endpoint(
        "targets:judge",
        "/targets/items/{ttarget}/judge/",
        "POST",
        {"version": "1", "judgement": "met"},
        change=True,
        owner=_ST,
    ),
    Endpoint(
        "targets:note_add",
        "/targets/items/{ttarget}/notes/new/",
        "POST",
        {"day": TODAY, "text": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("targets:home", "/targets/", owner_sees="文化东路社区党委"),
    Listing("targets:home", f"/targets/?year={YEAR - 1}", owner_sees="文化东路社区党委"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/targets/letters/{letter_id}", "/api/v1/targets/letters/{tletter}"),
    Endpoint("GET /api/v1/targets/letters", "/api/v1/targets/letters?org={community}"),
    Endpoint(
        "POST /api/v1/targets/letters",
        "/api/v1/targets/letters",
        "POST",
        {"community_id": "{community}", "year": YEAR},
        change=True,
        owner=_ST,
    ),
    Endpoint(
        "POST /api/v1/targets/letters/{letter_id}/sign",
        "/api/v1/targets/letters/{tdraft}/sign",
        "POST",
        {"version": 2, "signer_office_id": "{tsec}", "signed_on": TODAY},
        change=True,
        owner=_ST,
    ),
]

LIST_API = [
    Listing("GET /api/v1/targets/letters", "/api/v1/targets/letters", owner_sees="甲社区书记测试"),
]
