"""API: 关爱帮扶."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["关爱帮扶"])
