"""API: 在职党员到社区报到."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["在职党员到社区报到"])
