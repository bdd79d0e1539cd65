from tests.accounts.clients import client_for  # noqa: F401
from tests.api.endpoints import world  # noqa: F401
