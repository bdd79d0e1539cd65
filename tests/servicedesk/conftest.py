import datetime as dt

import pytest

from dangjian.servicedesk import services
from dangjian.servicedesk.models import Channel


@pytest.fixture
def receive(cast):
    def make(**kw):
        data = {
            "acting_user": cast.comm_a_sec,
            "community": cast.comm_a,
            "channel": Channel.HALL,
            "category": "repair",
            "resident_name": "王大妈",
            "phone": "13812341234",
            "content": "厨房水管漏水",
            "received_on": dt.date.today(),
        }
        data.update(kw)
        return services.request_receive(**data)

    return make
