"""One pattern for a small form on a list or detail page (a deed's “修改”, a household's visit, a
leave request on a staff member's page): on a mistake the same page comes back (status 400) with
the form as typed, the message beside the field it is about and the values kept. The page is not
left for a redirect with a message at the top and the typed text lost.

A page view that carries such a form takes ``bound``: the forms to show instead of fresh ones::

    @login_required
    def detail(request, pk, bound=None):
        form = bound_form(bound, "form") or DeedEditForm(initial=...)
        ...

and the view that receives the form answers a mistake with::

    if not form.is_valid():
        return rerender_on_error(detail, request, form, pk=pk)
    try:
        services.deed_update(...)
    except ValidationError as exc:
        return rerender_on_error(detail, request, form, exc, pk=pk)

A service's refusal goes on the field it names, else above the form
(:func:`~dangjian.core.forms.add_service_errors`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from .forms import add_service_errors

#: The status of a page shown again because what was typed was refused.
BAD_INPUT = 400


def bound_form(bound: Mapping[str, forms.Form] | None, name: str = "form") -> Any:
    """The form ``name`` handed back by :func:`rerender_on_error`, or None (then the page builds
    its fresh one)."""
    return (bound or {}).get(name)


def refusal(form: forms.Form, exc: Exception) -> None:
    """Put a service's refusal on ``form``: a ValidationError on its field (else above the form),
    a PermissionDenied above the form."""
    if isinstance(exc, ValidationError):
        add_service_errors(form, exc)
    else:
        form.add_error(None, str(exc) or "没有权限做这件事。")


def rerender_on_error(
    page: Callable[..., HttpResponse],
    request: HttpRequest,
    form: forms.Form,
    exc: Exception | None = None,
    *,
    name: str = "form",
    **kwargs: Any,
) -> HttpResponse:
    """The page ``page`` (a view taking ``bound``) again, status 400, with ``form`` as typed in
    place of its fresh form ``name``; ``exc`` (a service's ValidationError or PermissionDenied),
    if given, is shown on the form first. ``kwargs`` are the page view's own (``pk=...``)."""
    if exc is not None:
        if not isinstance(exc, ValidationError | PermissionDenied):
            raise TypeError(f"rerender_on_error: {type(exc).__name__} is not a refusal")
        refusal(form, exc)
    if form.is_bound:
        form.errors  # noqa: B018 - validate once so the fields are marked before rendering
    response = page(request, bound={name: form}, **kwargs)
    response.status_code = BAD_INPUT
    return response
