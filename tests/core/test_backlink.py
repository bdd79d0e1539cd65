"""A way back from a detail page to the list it came from, filters and page kept (issue 20 item 13)."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dangjian.core.templatetags.wayfinding import back_url
from tests.meetings.factories import make_unit

pytestmark = pytest.mark.django_db

BACK = re.compile(
    r'<a class="back-link d-print-none" href="([^"]*)" data-back-list="([^"]*)">‹ 返回列表</a>'
)


def back_of(html: str) -> tuple[str, str] | None:
    m = BACK.search(html)
    return (m.group(1).replace("&amp;", "&"), m.group(2)) if m else None


@pytest.fixture
def rf():
    return RequestFactory()


def test_a_back_parameter_on_this_site_is_followed(rf):
    request = rf.get("/dues/members/7/", {"back": "/dues/?org=3&page=2"})
    assert back_url(request, "/dues/") == "/dues/?org=3&page=2"


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/dues/",
        "//evil.example/dues/",
        "javascript:alert(1)",
        "/dues/members/7/",
    ],
)
def test_a_back_parameter_elsewhere_or_to_the_page_itself_is_ignored(rf, back):
    request = rf.get("/dues/members/7/", {"back": back})
    assert back_url(request, "/dues/") == "/dues/"


def test_coming_from_the_list_keeps_its_filters_and_page(rf):
    request = rf.get("/dues/members/7/", HTTP_REFERER="http://testserver/dues/?q=张&page=3")
    assert back_url(request, "/dues/") == "/dues/?q=张&page=3"


@pytest.mark.parametrize(
    "referer",
    [
        "http://evil.example/dues/?page=3",  # another site
        "http://testserver/meetings/?page=3",  # another page of ours, not the list
        "http://testserver/dues/members/7/",  # the page itself, after a form was sent
    ],
)
def test_coming_from_elsewhere_leads_to_the_plain_list(rf, referer):
    request = rf.get("/dues/members/7/", HTTP_REFERER=referer)
    assert back_url(request, "/dues/") == "/dues/"


def test_the_dues_page_of_a_member_leads_back_to_the_filtered_dues_list(cast, client_for):
    c = client_for(cast.comm_a_sec)
    url = reverse("dues:member", args=[cast.member_a.pk])
    html = c.get(url, HTTP_REFERER=f"http://testserver/dues/?org={cast.branch_a.pk}&page=2")
    assert back_of(html.content.decode()) == (f"/dues/?org={cast.branch_a.pk}&page=2", "/dues/")
    assert back_of(c.get(url).content.decode()) == ("/dues/", "/dues/")


def test_a_members_own_dues_page_has_no_list_to_go_back_to(cast, client_for):
    html = client_for(cast.member_user).get(reverse("dues:mine")).content.decode()
    assert back_of(html) is None


def test_a_resident_units_page_leads_back_to_the_co_building_overview(cast, client_for):
    unit = make_unit(community=cast.comm_a, name="县人民医院")
    c = client_for(cast.comm_a_sec)
    html = c.get(
        reverse("cobuild:unit", args=[unit.pk]),
        HTTP_REFERER="http://testserver/cobuild/?year=2025",
    ).content.decode()
    assert back_of(html) == ("/cobuild/?year=2025", "/cobuild/")
    assert 'data-back-list="/cobuild/"' in html


def test_the_way_back_is_not_a_way_into_another_community(cast, client_for):
    unit = make_unit(community=cast.comm_a, name="县人民医院")
    r = client_for(cast.comm_b_sec).get(
        reverse("cobuild:unit", args=[unit.pk]), HTTP_REFERER="http://testserver/cobuild/"
    )
    assert r.status_code == 404
