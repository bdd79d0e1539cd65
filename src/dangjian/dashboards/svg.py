"""Server-rendered SVG charts: horizontal bars (plain or stacked) and monthly columns.

No JavaScript and no asset from outside (government intranets are often offline, SPEC §14), and
no inline ``style`` (the Content-Security-Policy forbids it): only SVG presentation attributes.
Every chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>`` through
``aria-labelledby``; every bar is an ``<a>`` to the records it counts; colour is never the only
cue — each series also has its own fill pattern, a legend, and its number written as text. The
page puts the same :class:`Chart` as a ``<table>`` right below (for print and screen readers), so
the numbers on the chart and in the table come from the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Fill colours (each ≥ 4.5:1 against white, so a bar is visible and white marks on it show)
#: with a pattern each, so two series differ without colour too.
BLUE, RED, GREEN, PURPLE, BROWN, SLATE = range(6)
PALETTE = (
    ("#1d4e89", "solid"),
    ("#b71c1c", "stripes"),
    ("#2e6b30", "dots"),
    ("#5b2c83", "cross"),
    ("#7a4a00", "hlines"),
    ("#37474f", "vlines"),
)
TEXT = "#212529"  # body text colour of the pages (≥ 15:1 on white)
MUTED = "#495057"  # secondary text (≥ 8:1 on white)
WIDTH = 360  # viewBox width: the chart scales to its box, about a phone's width


@dataclass
class Row:
    """One bar (or month): its label, one value per series, the page each value counts, and
    the page the label leads to (the child's dashboard, for a drill-down)."""

    label: str
    values: list[int]
    urls: list[str | None] = field(default_factory=list)
    url: str | None = None
    org_id: int | None = None

    @property
    def total(self) -> int:
        return sum(v or 0 for v in self.values)

    @property
    def cells(self) -> list[tuple[int, str | None]]:
        return [(v, self.url_of(i)) for i, v in enumerate(self.values)]

    def url_of(self, i: int) -> str | None:
        return self.urls[i] if i < len(self.urls) else None


@dataclass
class Chart:
    """A chart and its table: ``kind`` is ``bars`` (one bar per row, segments stacked when there
    are several series) or ``columns`` (one column per row — the months)."""

    key: str
    title: str
    series: list[str]
    rows: list[Row]
    kind: str = "bars"
    label_header: str = ""
    note: str = ""
    unit: str = ""
    #: the :data:`PALETTE` entry of each series (by default in order): a chart of "met / not
    #: met" gives met the green and not met the red, the same on every chart
    palette: list[int] = field(default_factory=list)

    def colour(self, i: int) -> int:
        return self.palette[i] if i < len(self.palette) else i % len(PALETTE)

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    @property
    def empty(self) -> bool:
        return not self.rows

    def svg(self) -> SafeString:
        return render(self)


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _defs(cid: str) -> str:
    out = []
    for i, (colour, pattern) in enumerate(PALETTE):
        marks = {
            "solid": "",
            "stripes": '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" '
            'stroke-width="1.2"/>',
            "dots": '<circle cx="3" cy="3" r="1.1" fill="#fff"/>',
            "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="0.9"/>',
            "hlines": '<path d="M0,3 H6" stroke="#fff" stroke-width="1.2"/>',
            "vlines": '<path d="M3,0 V6" stroke="#fff" stroke-width="1.2"/>',
        }[pattern]
        out.append(
            f'<pattern id="{cid}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{marks}</pattern>'
        )
    return "<defs>" + "".join(out) + "</defs>"


def _fill(cid: str, chart: Chart, i: int) -> str:
    return f"url(#{cid}-p{chart.colour(i)})"


def _text(x: float, y: float, s: str, *, size: int = 12, fill: str = TEXT, extra: str = "") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}"{extra}>{escape(s)}</text>'
    )


def _link(url: str | None, label: str, inner: str) -> str:
    if not url:
        return inner
    return f'<a href="{escape(url)}" aria-label="{escape(label)}">{inner}</a>'


def _legend(cid: str, chart: Chart, y: float) -> tuple[str, float]:
    """Swatches with the series names, wrapped over as many lines as needed."""
    if not chart.stacked:
        return "", y
    parts, x = [], 0.0
    for i, name in enumerate(chart.series):
        w = 18 + 13 * len(name)
        if x and x + w > WIDTH:
            x, y = 0.0, y + 18
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="12" height="12" fill="{_fill(cid, chart, i)}" '
            f'stroke="{TEXT}" stroke-width="0.5"/>'
            + _text(x + 16, y + 11, name, size=12, extra=' class="legend"')
        )
        x += w
    return "".join(parts), y + 22


def _open(cid: str, chart: Chart, height: float) -> str:
    desc = chart.note or chart.title
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart-svg" '
        f'id="{cid}" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{cid}-t {cid}-d">'
        f'<title id="{cid}-t">{escape(chart.title)}</title>'
        f'<desc id="{cid}-d">{escape(desc)}</desc>' + _defs(cid)
    )


def _bars(chart: Chart, cid: str) -> SafeString:
    legend, y = _legend(cid, chart, 0)
    top = max((r.total for r in chart.rows), default=0) or 1
    span = WIDTH - 64  # room on the right for the total
    body = []
    for r in chart.rows:
        body.append(_link(r.url, r.label, _text(0, y + 13, r.label, size=13, extra=' class="l"')))
        x = 0.0
        for i, v in enumerate(r.values):
            w = span * (v or 0) / top
            if w > 0:
                name = f"{r.label} {chart.series[i]}：{v}" if chart.stacked else f"{r.label}：{v}"
                rect = (
                    f'<rect x="{_n(x)}" y="{_n(y + 18)}" width="{_n(w)}" height="16" '
                    f'fill="{_fill(cid, chart, i)}"><title>{escape(name)}</title></rect>'
                )
                body.append(_link(r.url_of(i), name, rect))
            x += w
        body.append(_text(x + 4, y + 31, str(r.total), size=12, extra=' class="v total"'))
        y += 40
        if chart.stacked:
            parts = " · ".join(f"{s} {v}" for s, v in zip(chart.series, r.values, strict=False))
            body.append(_text(0, y + 4, parts, size=11, fill=MUTED, extra=' class="parts"'))
            y += 14
    return mark_safe(_open(cid, chart, y + 4) + legend + "".join(body) + "</svg>")  # noqa: S308


def _columns(chart: Chart, cid: str) -> SafeString:
    legend, y0 = _legend(cid, chart, 0)
    plot = 130.0
    n = max(1, len(chart.rows))
    step = (WIDTH - 8) / n
    w = step * 0.7
    top = max((r.total for r in chart.rows), default=0) or 1
    base = y0 + 16 + plot
    body = [
        f'<line x1="0" y1="{_n(base)}" x2="{WIDTH}" y2="{_n(base)}" stroke="{MUTED}" '
        'stroke-width="1"/>'
    ]
    for k, r in enumerate(chart.rows):
        x = 4 + k * step + (step - w) / 2
        y = base
        for i, v in enumerate(r.values):
            h = plot * (v or 0) / top
            if h > 0:
                name = f"{r.label} {chart.series[i]}：{v}" if chart.stacked else f"{r.label}：{v}"
                rect = (
                    f'<rect x="{_n(x)}" y="{_n(y - h)}" width="{_n(w)}" height="{_n(h)}" '
                    f'fill="{_fill(cid, chart, i)}"><title>{escape(name)}</title></rect>'
                )
                body.append(_link(r.url_of(i), name, rect))
            y -= h
        cx = x + w / 2
        body.append(
            _text(cx, y - 3, str(r.total), size=11, extra=' text-anchor="middle" class="v total"')
        )
        label = _text(cx, base + 14, r.label, size=11, extra=' text-anchor="middle" class="l"')
        body.append(_link(r.url, r.label, label))
    return mark_safe(_open(cid, chart, base + 20) + legend + "".join(body) + "</svg>")  # noqa: S308


def render(chart: Chart) -> SafeString:
    cid = f"chart-{chart.key}"
    if chart.kind == "columns":
        return _columns(chart, cid)
    return _bars(chart, cid)
