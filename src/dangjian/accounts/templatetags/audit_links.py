"""``{% include "core/audit_link.html" with obj=member %}`` needs the object's content type id,
which a template cannot get by itself (``_meta`` is off limits there)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def content_type_id(obj: Any) -> int | str:
    """The ContentType id of a model instance (cached by Django after the first lookup)."""
    if obj is None or not hasattr(obj, "_meta"):
        return ""
    return ContentType.objects.get_for_model(obj).pk


@register.simple_tag
def looked_link(obj: Any) -> str:
    """A link to who opened or revealed a record of personal detail: the per-object audit
    narrowed to reads and reveals (PIPL's right to know). The audit page shows only what the
    reader's own scope reaches."""
    return format_html(
        '<a class="btn btn-sm btn-outline-secondary looked-link" '
        'href="{}?ct={}&amp;id={}&amp;looked=1">{}</a>',
        reverse("core:audit"),
        content_type_id(obj),
        obj.pk,
        _("谁查阅过"),
    )
