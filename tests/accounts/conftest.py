from tests.api.endpoints import world  # noqa: F401

from .clients import client_for  # noqa: F401
