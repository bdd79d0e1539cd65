"""The grid API: areas (``api_areas``) and visits (``api_visits``)."""

from ninja import Router

from .api_areas import router as areas_router
from .api_visits import router as visits_router

router = Router(tags=["网格"])
router.add_router("/areas", areas_router)
router.add_router("/visits", visits_router)
