from tests.accounts.clients import (  # noqa: F401
    client_for,
    fast_password_hashing,
    real_password_hashing,
)
