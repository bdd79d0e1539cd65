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
