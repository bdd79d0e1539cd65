"""API: 流动党员."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["流动党员"])
