"""API: 党费."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["党费"])
