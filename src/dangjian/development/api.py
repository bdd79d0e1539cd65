"""API: 发展党员."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["发展党员"])
