"""The SVG charts: accessible (a named image, every bar a link with its number as text), safe
(labels escaped) and allowed by the Content-Security-Policy (no ``style`` anywhere)."""

from __future__ import annotations

import re

from dangjian.dashboards.svg import GREEN, PALETTE, RED, Chart, Row


def _chart(**kw) -> Chart:
    data = {
        "key": "t",
        "title": "楼栋有党支部",
        "series": ["有", "无"],
        "rows": [
            Row(label="甲<b>社区", values=[3, 1], urls=["/a/?x=1&y=2", None], url="/d/?org=1"),
            Row(label="乙社区", values=[0, 0]),
        ],
        "palette": [GREEN, RED],
    }
    data.update(kw)
    return Chart(**data)


def test_a_chart_is_a_named_image_with_its_title_and_description():
    svg = str(_chart(note="说明").svg())
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="chart-t-t chart-t-d"' in svg
    assert '<title id="chart-t-t">楼栋有党支部</title>' in svg
    assert '<desc id="chart-t-d">说明</desc>' in svg


def test_no_style_attribute_and_labels_are_escaped():
    svg = str(_chart().svg())
    assert "style=" not in svg and "<script" not in svg
    assert "甲&lt;b&gt;社区" in svg and "<b>" not in svg
    assert 'href="/a/?x=1&amp;y=2"' in svg


def test_every_bar_with_a_page_is_a_link_and_every_total_is_written():
    svg = str(_chart().svg())
    assert svg.count('<a href="/a/?x=1&amp;y=2"') == 1  # the zero and the unlinked add none
    assert re.findall(r'class="v total">(\d+)<', svg) == ["4", "0"]
    assert "有 3 · 无 1" in svg  # the parts as text, not only as colours


def test_series_differ_by_pattern_as_well_as_colour():
    svg = str(_chart().svg())
    assert f'fill="{PALETTE[GREEN][0]}"' in svg and "url(#chart-t-p2)" in svg
    assert "url(#chart-t-p1)" in svg  # red: stripes
    patterns = {p for _c, p in PALETTE}
    assert len(patterns) == len(PALETTE)


def test_columns_draw_one_column_a_month_with_its_label():
    rows = [Row(label=f"{m}月", values=[m % 3], urls=[f"/m/{m}"]) for m in range(1, 13)]
    svg = str(Chart(key="m", title="每月", series=["会议"], rows=rows, kind="columns").svg())
    assert re.findall(r'class="l">(\d+月)<', svg) == [f"{m}月" for m in range(1, 13)]
    assert re.findall(r'class="v total">(\d+)<', svg) == [str(m % 3) for m in range(1, 13)]
    assert svg.count("<a ") == sum(1 for m in range(1, 13) if m % 3)
