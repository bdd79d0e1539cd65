"""The “登记离岗” form on a worker's page: a date before they started comes back on the same page
(400) beside the field with the date typed kept; the worker stays in post."""

from __future__ import annotations

import datetime as dt
import html

from django.urls import reverse
from django.utils import timezone

from dangjian.staff import services
from dangjian.staff.models import Staff

TODAY = timezone.localdate()


def test_leaving_before_starting_is_told_beside_the_date(cast, client_for):
    s = services.staff_create(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        name="王社工",
        kind="institution",
        post="民政专干",
        started_on=TODAY - dt.timedelta(days=10),
    )
    early = (TODAY - dt.timedelta(days=11)).isoformat()
    r = client_for(cast.comm_a_sec).post(
        reverse("staff:leave", args=[s.pk]), {"left_on": early, "version": s.version}
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    form = page.split('id="leave-form"')[1].split("</form>")[0]
    field = form.split('id="leave-left_on"')[1]
    assert "离岗日期不能早于到岗日期" in field and f'value="{early}"' in field
    assert 'value="王社工"' in page  # the worker's own form as it was, not bound to the leave
    assert Staff.objects.get(pk=s.pk).left_on is None
