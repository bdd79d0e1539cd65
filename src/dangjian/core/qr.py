"""QR codes of the platform's own addresses, drawn on the server by segno (no script, no CDN),
black on white so they scan from paper and from a phone screen."""

from __future__ import annotations

import io

from django.utils.safestring import SafeString, mark_safe


def _code(url: str):  # noqa: ANN202 - segno.QRCode
    import segno

    return segno.make(url, error="m")


def svg_file(url: str, *, title: str, scale: int = 8) -> bytes:
    """A standalone SVG document (with its namespace): opens as an image on its own, works in
    ``<img>``, and prints at ``scale`` pixels per module."""
    out = io.BytesIO()
    _code(url).save(out, kind="svg", scale=scale, title=title, xmldecl=False, svgclass="qr")
    return out.getvalue()


def svg_inline(url: str, *, title: str, scale: int = 8) -> SafeString:
    """The same code as inline SVG for a page, with a viewBox so CSS can size it for print."""
    code = _code(url)
    w, h = code.symbol_size(scale=scale)
    svg = code.svg_inline(scale=scale, title=title).replace(
        "<svg ", f'<svg viewBox="0 0 {w} {h}" ', 1
    )
    return mark_safe(svg)  # noqa: S308 - drawn by segno from our own address, no user markup
