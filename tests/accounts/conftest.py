from tests.api.endpoints import world  # noqa: F401

from .clients import client_for, fast_password_hashing, real_password_hashing  # noqa: F401
