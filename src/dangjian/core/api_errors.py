"""The API's error answers, shared by every router: a Chinese ``detail`` (the first message)
and ``errors`` by field, from a service's ValidationError."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Schema
from ninja.responses import Status


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def service_errors(exc: ValidationError) -> Status:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return Status(400, {"detail": next(iter(errors.values()))[0], "errors": errors})
