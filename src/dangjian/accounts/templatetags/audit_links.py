"""``{% include "core/audit_link.html" with obj=member %}`` needs the object's content type id,
which a template cannot get by itself (``_meta`` is off limits there)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType

register = template.Library()


@register.filter
def content_type_id(obj: Any) -> int | str:
    """The ContentType id of a model instance (cached by Django after the first lookup)."""
    if obj is None or not hasattr(obj, "_meta"):
        return ""
    return ContentType.objects.get_for_model(obj).pk
