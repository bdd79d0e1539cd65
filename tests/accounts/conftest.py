from .clients import client_for  # noqa: F401
