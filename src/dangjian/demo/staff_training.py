"""Demo party-school training of the community workers (seed 002: county party school at least
once a year for 20 days, the town party school twice a year for 10 days): this year's courses, most
workers on them, so the staff pages show who has met the rules and who has not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from dangjian.orgs.models import Organisation
from dangjian.staff.models import Staff
from dangjian.training import services

if TYPE_CHECKING:
    from .county import Demo


def _course(demo: Demo, org: Organisation, level: str, topic: str, start: dt.date, days: int):
    return services.course_create(
        acting_user=demo.admin, org=org, level=level, topic=topic, start=start, days=days
    )


def _attend(demo: Demo, course, workers: list[Staff]) -> int:
    workers = [w for w in workers if w.started_on is None or w.started_on <= course.start]
    members = [w.member_id for w in workers if w.member_id]
    if members:
        course = services.attendance_set(
            course,
            acting_user=demo.admin,
            version=course.version,
            member_ids=members,
            completed_ids=members,
        )
    for w in workers:
        if not w.member_id:
            services.attendance_add_staff(course, acting_user=demo.admin, staff=w, completed=True)
    return len(workers)


def build_staff_training(demo: Demo, *, log: Callable[[str], None]) -> None:
    today = dt.date.today()
    year_start = dt.date(today.year, 1, 1)
    if (today - year_start).days < 60:
        return  # too early in the year for this year's courses to have been held
    county_start = year_start + dt.timedelta(days=14)
    town_starts = (year_start + dt.timedelta(days=35), year_start + dt.timedelta(days=50))
    county_workers: list[Staff] = []
    by_town: dict[int, list[Staff]] = {}
    for c in demo.communities:
        workers = list(Staff.objects.filter(community=c.org, left_on__isnull=True).order_by("pk"))
        # three in four go to the county party school, two in three to both town courses
        county_workers += [w for i, w in enumerate(workers) if i % 4 != 3]
        by_town.setdefault(c.town.pk, []).extend(w for i, w in enumerate(workers) if i % 3 != 2)
    county = _course(demo, demo.county, "county", "社区干部轮训班", county_start, 20)
    people = _attend(demo, county, county_workers)
    for town in demo.towns:
        for n, start in enumerate(town_starts, start=1):
            course = _course(demo, town, "town", f"镇党校第{n}期社区干部培训", start, 10)
            people += _attend(demo, course, by_town.get(town.pk, []))
    log(f"三级培训：1 期县委党校、{2 * len(demo.towns)} 期镇党校社区干部培训，{people} 人次")
