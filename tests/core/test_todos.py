"""The home page's 待办 panel: counts of what is due, each linking to the list behind it."""

import datetime as dt
import re

from django.utils import timezone

from dangjian.core.todos import todos_for
from dangjian.development import services as dev
from tests.factories import fake_id


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _late_applicant(cast, name="欧阳迟谈"):
    birth = dt.date(1995, 5, 5)
    dev.candidate_create(
        acting_user=None,
        org=cast.branch_a,
        id_number=fake_id(birth_date=birth, gender="F"),
        name=name,
        gender="F",
        birth_date=birth,
        applied_on=timezone.localdate() - dt.timedelta(days=90),
    )


def test_a_community_secretary_is_told_of_overdue_meetings_and_late_development(client, cast):
    _late_applicant(cast)
    client.force_login(cast.comm_a_sec)
    body = _text(client.get("/"))
    assert "待办事项" in body
    assert re.search(r'href="/meetings/cadence/rollup/\?org=\d+&amp;light=red">\d+ 个组织', body)
    assert "发展党员：1 人的下一步已超期" in body


def test_items_count_only_what_the_user_may_see(cast):
    _late_applicant(cast)
    today = timezone.localdate()
    mine = {t.label for t in todos_for(user=cast.comm_a_sec, org=cast.comm_a, today=today)}
    theirs = {t.label for t in todos_for(user=cast.comm_b_sec, org=cast.comm_b, today=today)}
    assert "发展党员：1 人的下一步已超期" in mine
    assert not any(label.startswith("发展党员") for label in theirs)


def test_commitments_awaiting_a_step_and_units_behind_are_listed(cast):
    import datetime as dt

    from dangjian.commitments.models import State
    from tests.cobuild.factories import unit
    from tests.commitments.factories import draft, put_in

    put_in(draft(cast), State.APPLIED)
    unit(cast)
    december = dt.date(2026, 12, 1)  # the factories write 2026 commitments
    labels = {t.label for t in todos_for(user=cast.comm_a_sec, org=cast.comm_a, today=december)}
    assert "1 条党员承诺待支部议诺" in labels
    assert "1 个驻区单位今年的实事或志愿服务尚未达标" in labels
    spring = {
        t.label
        for t in todos_for(user=cast.comm_a_sec, org=cast.comm_a, today=december.replace(month=4))
    }
    assert not any("驻区单位" in x for x in spring)  # not nagged before the last quarter


def _counted_one_by_one(*, user, orgs, today):
    """The panel as it was before issue 21: every provider asked and every count read alone."""
    from dangjian.core.todos import DANGER, INFO, WARNING, Counting, _providers

    out = []
    for org in orgs:
        items = []
        for provider in _providers():
            later = getattr(provider, "later", None)
            found = (
                later(user=user, org=org, today=today)
                if later
                else provider(user=user, org=org, today=today)
            )
            if isinstance(found, Counting):
                found = found.build([qs.count() for qs in found.counts])
            items.extend(t for t in found if t.count)
        order = {DANGER: 0, WARNING: 1, INFO: 2}
        out.append(sorted(items, key=lambda t: order.get(t.level, 3)))
    return out


def test_the_panel_counts_everything_in_one_statement_and_the_same_as_one_by_one(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.commitments.models import State
    from dangjian.core.todos import todos_for_all
    from tests.commitments.factories import draft, put_in

    _late_applicant(cast)
    put_in(draft(cast), State.APPLIED)
    december = dt.date(2026, 12, 1)  # the factories write 2026 commitments
    orgs = [cast.comm_a, cast.comm_b, cast.street_a, cast.branch_a]
    expected = _counted_one_by_one(user=cast.admin, orgs=orgs, today=december)
    with CaptureQueriesContext(connection) as ctx:
        got = todos_for_all(user=cast.admin, orgs=orgs, today=december)
    assert got == expected
    assert "1 条党员承诺待支部议诺" in {t.label for t in got[0]}
    assert not any("党员承诺" in t.label for t in got[1])
    batches = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT (SELECT COUNT(*)")]
    assert len(batches) == 1
    for org, items in zip(orgs, got, strict=True):
        assert todos_for(user=cast.admin, org=org, today=december) == items


def test_a_provider_may_give_a_number_already_known_among_its_counts(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.core.todos import Counting, Todo, settle
    from dangjian.members.models import Member

    def build(counts):
        return [Todo(f"{n}", n, "/") for n in counts]

    plain = [Todo("已数", 5, "/")]
    with CaptureQueriesContext(connection) as ctx:
        got = settle(
            [
                Counting([Member.objects.all(), 7, Member.objects.none()], build),
                plain,
                Counting([3], build),
            ]
        )
    assert [[t.count for t in items] for items in got] == [[Member.objects.count(), 7, 0], [5], [3]]
    assert len(ctx.captured_queries) == 1
