"""The API's error answers, shared by every router: a Chinese ``detail`` (the first message)
and ``errors`` by field, from a service's ValidationError or a form's errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
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


def form_errors(form: Any) -> Status:
    """A form's errors as the API's 400: the first message as ``detail``, all by field."""
    errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
    first = next(iter(errors.values()), [_("输入有误。")])[0]
    return Status(400, {"detail": first, "errors": errors})
