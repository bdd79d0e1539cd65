from tests.accounts.clients import client_for  # noqa: F401
