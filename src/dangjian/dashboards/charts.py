"""The dashboard's figures as charts: each a :class:`~.svg.Chart` whose rows carry the links to the
records each number counts — the child's own dashboard, or the existing list page filtered
(members list, meetings list, cadence pages, coverage page, service requests, co-building).
The page draws the SVG and the table from the same rows; the API returns them as JSON."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from urllib.parse import urlencode

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from dangjian.members.models import Category, Education
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Organisation, OrgKind

from .selectors import NO_EDUCATION, Bucket, Dashboard
from .svg import BLUE, BROWN, GREEN, PURPLE, RED, SLATE, Chart, Row


@functools.lru_cache(maxsize=64)
def _path(name: str, prefix: str, urlconf: object) -> str:
    return reverse(name, urlconf=urlconf)


def _url(name: str, **params: object) -> str:
    # a county's page links thousands of cells to a handful of pages: each path is reversed
    # once (per script prefix and URLconf), not once a cell
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return _path(name, get_script_prefix(), get_urlconf()) + (f"?{query}" if query else "")


def dashboard_url(org: Organisation, year: int) -> str:
    return _url("dashboards:home", org=org.pk, year=year)


def _label(b: Bucket) -> str:
    name = b.org.short_name or b.org.name
    if b.own:
        return _("本级（%(n)s）") % {"n": name}
    return name if b.org.is_active else _("%(n)s（已撤销）") % {"n": name}


def _row(d: Dashboard, b: Bucket, values: list[int], urls: list[str | None]) -> Row:
    return Row(
        label=_label(b),
        values=values,
        urls=urls,
        url=None if b.own else dashboard_url(b.org, d.year),
        org_id=b.org.pk,
    )


def _is_community(org: Organisation) -> bool:
    return org.kind in COMMUNITY_KINDS


def _shown(b: Bucket, total: int) -> bool:
    """Figures kept by communities (places, requests, resident units): a row for every
    community and every organisation above them, and for a branch only when it has any."""
    if b.own or b.org.kind not in COMMUNITY_KINDS | UPPER_KINDS:
        return total > 0
    return True


def _coverage(d: Dashboard) -> list[Chart]:
    out = []
    for key, title, yes, no, total, covered in (
        (
            "buildings",
            _("楼栋有党支部"),
            _("有党支部"),
            _("无党支部"),
            "buildings",
            "buildings_covered",
        ),
        (
            "corridors",
            _("楼道有党小组"),
            _("有党小组"),
            _("无党小组"),
            "corridors",
            "corridors_covered",
        ),
    ):
        rows = []
        for b in d.buckets:
            n, c = getattr(b, total), getattr(b, covered)
            if not _shown(b, n):
                continue
            url = _url("orgs:coverage", org=b.org.pk)
            rows.append(_row(d, b, [c, n - c], [url, url]))
        out.append(
            Chart(
                key=f"coverage-{key}",
                title=title,
                series=[yes, no],
                rows=rows,
                label_header=_("组织"),
                note=_("纵向到底、横向到边：按社区的区域统计，今日情况。"),
                unit=_("个"),
                palette=[GREEN, RED],
            )
        )
    return out


def _cadence(d: Dashboard) -> Chart:
    lights = ("green", "amber", "red")
    names = {"green": _("按时召开"), "amber": _("本期待开"), "red": _("有逾期")}
    rows = []
    for b in d.buckets:
        values = [b.lights[x] for x in lights]
        if not sum(values) and b.own:
            continue
        if b.own or b.org.kind == OrgKind.GROUP:
            url = _url("meetings:cadence", org=b.org.pk, year=d.year)
            urls: list[str | None] = [url, url, url]
        else:
            urls = [
                _url("meetings:cadence_rollup", org=b.org.pk, year=d.year, light=x) for x in lights
            ]
        rows.append(_row(d, b, values, urls))
    return Chart(
        key="cadence",
        title=_("三会一课按时召开（组织个数）"),
        series=[names[x] for x in lights],
        rows=rows,
        label_header=_("组织"),
        note=_("各下级组织及其所属支部、党小组按规则表要求召开会议的情况，%(y)d 年。")
        % {"y": d.year},
        unit=_("个组织"),
        palette=[GREEN, BROWN, RED],
    )


def _stars(d: Dashboard) -> Chart:
    keys = sorted(set(range(1, d.max_stars + 1)) | {k for b in d.buckets for k in b.stars})
    rows = []
    for b in d.buckets:
        if not _shown(b, b.units):
            continue
        values = [b.stars.get(k, 0) for k in keys] + [max(0, b.units - b.rated)]
        if _is_community(b.org):
            url = _url("cobuild:overview", org=b.org.pk, year=d.year)
        else:
            url = dashboard_url(b.org, d.year)
        rows.append(_row(d, b, values, [url] * len(values)))
    return Chart(
        key="stars",
        title=_("驻区单位星级（%(y)d 年评定）") % {"y": d.year},
        series=[_("%(n)d星") % {"n": k} for k in keys] + [_("未评定")],
        rows=rows,
        label_header=_("组织"),
        note=_("共驻共建：驻区单位按评定星级计数，未评定的单列。"),
        unit=_("个单位"),
        palette=[*[[SLATE, BROWN, PURPLE, BLUE, GREEN][(k - 1) % 5] for k in keys], RED],
    )


def _requests_url(d: Dashboard, org: Organisation, start: dt.date, end: dt.date) -> str | None:
    if _is_community(org):
        return _url("servicedesk:home", org=org.pk, start=start, end=end)
    return None


def _services(d: Dashboard) -> Chart:
    start = dt.date(d.year, 1, 1)
    rows = []
    for b in d.buckets:
        if not _shown(b, b.received):
            continue
        url = _requests_url(d, b.org, start, d.on) or (
            None if b.own else dashboard_url(b.org, d.year)
        )
        rows.append(_row(d, b, [b.on_time, b.late, b.open], [url, url, url]))
    return Chart(
        key="services",
        title=_("为民服务：受理件数和按时办结（%(y)d 年）") % {"y": d.year},
        series=[_("按时办结"), _("超时办结"), _("未办结")],
        rows=rows,
        label_header=_("组织"),
        note=_("按受理日期计；按时办结指办结日期不晚于办理时限。"),
        unit=_("件"),
        palette=[GREEN, BROWN, BLUE],
    )


def _members_by_child(d: Dashboard) -> Chart:
    rows = []
    for b in d.buckets:
        if not b.members and b.own:
            continue
        url = _url("members:list", org=b.org.pk)
        row = _row(d, b, [b.members], [url])
        rows.append(row)
    return Chart(
        key="members",
        title=_("在册党员人数"),
        series=[_("在册党员")],
        rows=rows,
        label_header=_("组织"),
        note=_("截至今日在册的党员（含预备党员）。"),
        unit=_("人"),
    )


def _distribution(
    d: Dashboard, key: str, title: str, header: str, counts: dict[str, int], labels, urls
) -> Chart:
    rows = [Row(label=labels(k), values=[n], urls=[urls(k)]) for k, n in counts.items()]
    return Chart(
        key=key,
        title=title,
        series=[_("人数")],
        rows=rows,
        label_header=header,
        note=_("%(o)s 截至今日在册党员。") % {"o": d.org.name},
        unit=_("人"),
    )


def _member_charts(d: Dashboard) -> list[Chart]:
    everyone = _url("members:list", org=d.org.pk)
    education = dict(Education.choices) | {NO_EDUCATION: _("未填写")}
    return [
        _distribution(
            d,
            "categories",
            _("党员类别"),
            _("类别"),
            d.categories,
            lambda k: str(dict(Category.choices).get(k, k)),
            lambda k: _url("members:list", org=d.org.pk, category=k),
        ),
        _distribution(d, "ages", _("年龄"), _("年龄段"), d.ages, str, lambda k: everyone),
        _distribution(
            d,
            "education",
            _("学历"),
            _("学历"),
            d.education,
            lambda k: str(education.get(k, k)),
            lambda k: everyone,
        ),
        _distribution(d, "standing", _("党龄"), _("党龄"), d.standing, str, lambda k: everyone),
    ]


def _month_span(year: int, m: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1])


def _trends(d: Dashboard) -> list[Chart]:
    meetings, admitted, requests = [], [], []
    for m, mo in d.months.items():
        start, end = _month_span(d.year, m)
        label = _("%(m)d月") % {"m": m}
        meetings.append(
            Row(
                label=label,
                values=[mo.meetings],
                urls=[_url("meetings:list", org=d.org.pk, date_from=start, date_to=end)],
            )
        )
        admitted.append(
            Row(
                label=label,
                values=[mo.new_members],
                urls=[_url("members:list", org=d.org.pk, status="probationary")],
            )
        )
        url = _requests_url(d, d.org, start, end)
        requests.append(Row(label=label, values=[mo.on_time, mo.late, mo.open], urls=[url] * 3))
    y = {"y": d.year}
    return [
        Chart(
            key="trend-meetings",
            title=_("%(y)d 年每月召开的会议") % y,
            series=[_("会议")],
            rows=meetings,
            kind="columns",
            label_header=_("月份"),
            note=_("已召开（未取消）的各类会议，按会议日期计。"),
            unit=_("次"),
        ),
        Chart(
            key="trend-admitted",
            title=_("%(y)d 年每月发展的党员") % y,
            series=[_("接收预备党员")],
            rows=admitted,
            kind="columns",
            label_header=_("月份"),
            note=_("支部大会接收为预备党员、当天登记入册的人数。"),
            unit=_("人"),
        ),
        Chart(
            key="trend-requests",
            title=_("%(y)d 年每月受理的服务事项") % y,
            series=[_("按时办结"), _("超时办结"), _("未办结")],
            rows=requests,
            kind="columns",
            label_header=_("月份"),
            note=_("按受理月份计，柱高为受理件数。"),
            unit=_("件"),
            palette=[GREEN, BROWN, BLUE],
        ),
    ]


def charts(d: Dashboard) -> list[Chart]:
    """Every chart of the dashboard, in the order of the page."""
    return [
        *_coverage(d),
        _cadence(d),
        _stars(d),
        _services(d),
        _members_by_child(d),
        *_member_charts(d),
        *_trends(d),
    ]
