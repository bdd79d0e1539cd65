from tests.api.endpoints import world  # noqa: F401
