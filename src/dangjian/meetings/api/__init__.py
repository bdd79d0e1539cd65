"""API of organisational life: one sub-router per area, mounted at /api/v1/meetings/."""

from __future__ import annotations

from ninja import Router

from . import bodies, cadence, leaders, lost, meetings, mine, nolife, study, talks, votes

router = Router(tags=["组织生活"])
router.add_router("", meetings.router)
router.add_router("", votes.router)
router.add_router("/cadence", cadence.router)
router.add_router("/bodies", bodies.router)
router.add_router("/leaders", leaders.router)
router.add_router("/study-groups", study.router)
router.add_router("/mine", mine.router)
router.add_router("/no-life", nolife.router)
router.add_router("/talks", talks.router)
router.add_router("/lost", lost.router)
