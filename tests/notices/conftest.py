"""Helpers of the notices' tests: a notice of 文化东路社区党委 made through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.notices import services
from dangjian.notices.models import Audience

TODAY = timezone.localdate()


def post(cast, *, org=None, audience=Audience.MEMBERS, user=None, **kw):
    data = {
        "title": "测试通知",
        "body": "测试正文",
        "publish_on": TODAY,
    }
    data.update(kw)
    return services.notice_create(
        acting_user=user or cast.comm_a_sec, org=org or cast.comm_a, audience=audience, **data
    )


@pytest.fixture
def notice(cast):
    return post(cast, title="甲社区全体党员通知")


@pytest.fixture
def public(cast):
    return post(cast, audience=Audience.PUBLIC, title="甲社区垃圾分类公告")


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)
