"""API: 党员名册导入导出."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["党员名册导入导出"])
