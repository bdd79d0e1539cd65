"""Way-finding in templates: the page's title for the breadcrumbs, and a way back to the list.

``{% back_link "dues:home" %}`` draws "‹ 返回列表" to the list a detail page was reached from,
with that list's filters and page kept. Where it leads, first that holds:

1. the ``back`` query parameter, if it is an address on this site (a list that links to its rows
   with ``?back=…`` decides exactly);
2. the page the browser came from (``Referer``), if it is that list on this host — any filters
   and page number in it are kept;
3. the plain list.

The link carries the list's address in ``data-back-list``; ``nav.js`` remembers, for the tab,
the last address (with its query) of every page, and turns a plain list link into the filtered one
the person last saw — which still holds after a form on the detail page was sent and the page
came back, when the browser's ``Referer`` is the detail page itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.http import HttpRequest
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _local(url: str, request: HttpRequest) -> bool:
    """An address on this site: a path, or this host's own absolute address."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def back_url(request: HttpRequest, list_url: str) -> str:
    """Where "返回列表" leads from the current page (see the module's docstring)."""
    back = request.GET.get("back", "")
    if back and _local(back, request):
        parts = urlsplit(back)
        if parts.path.startswith("/") and parts.path != request.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    referer = request.headers.get("referer", "")
    if referer and _local(referer, request):
        parts = urlsplit(referer)
        if parts.path == list_url and (not parts.netloc or parts.netloc == request.get_host()):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return list_url


@register.simple_tag(takes_context=True)
def back_link(context: Any, view_name: str, *args: Any, label: str = "") -> str:
    """``{% back_link "cobuild:overview" %}``, ``{% back_link "x:list" org.pk label="返回" %}``."""
    request = context.get("request")
    list_url = reverse(view_name, args=args)
    href = back_url(request, list_url) if request is not None else list_url
    return format_html(
        '<a class="back-link d-print-none" href="{}" data-back-list="{}">‹ {}</a>',
        href,
        list_url,
        label or _("返回列表"),
    )


@register.simple_tag(takes_context=True)
def page_title(context: Any) -> str:
    """The text of the page's ``title`` block (as the browser's tab shows it), for the last
    crumb: most pages set their title there rather than in a ``title`` variable."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block("title") if blocks is not None else None
    if block is None:
        return str(context.get("title") or "")
    with context.push(block=block):
        # the block's output is already escaped (a rendered template): kept safe after strip()
        return mark_safe(block.nodelist.render(context).strip())
