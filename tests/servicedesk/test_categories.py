"""Categories per community: the keys of rule ``service.request_deadline`` as it applies to the
community — a locality changes days, takes a category away (null / 0) or adds its own."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core import rules
from dangjian.servicedesk import categories, selectors
from dangjian.servicedesk.models import Category, Request

RULE = "service.request_deadline"


@pytest.fixture
def local_rules(cast, settings):
    """Community A: 低保 taken away, 物业 off (0), repairs in 2 days, a category of its own; the
    street above it gives 社保 20 days (community B, in another street, keeps the defaults)."""
    settings.DANGJIAN_RULES = {
        "orgs": {
            cast.street_a.code: {RULE: {"social": 20}},
            cast.comm_a.code: {
                RULE: {"dibao": None, "property": 0, "repair": 2, "证明开具": 5},
            },
        }
    }
    rules.reset_cache()
    yield
    rules.reset_cache()


def test_without_overrides_every_built_in_category_is_offered(cast):
    assert list(categories.offered(cast.comm_a)) == list(Category.values)
    assert categories.offered(cast.comm_a)["dibao"] == rules.value(RULE, "dibao")


def test_a_locality_sets_days_removes_and_adds_categories(cast, local_rules):
    a = categories.offered(cast.comm_a)
    assert "dibao" not in a and "property" not in a
    assert a["repair"] == 2 and a["social"] == 20 and a["证明开具"] == 5
    assert list(a)[-1] == "证明开具"  # the locality's own come after the built-in ones
    assert ("证明开具", "证明开具") in categories.choices(cast.comm_a)
    assert ("repair", "日常维修") in categories.choices(cast.comm_a)
    b = categories.offered(cast.comm_b)
    assert "dibao" in b and "证明开具" not in b and b["social"] == rules.value(RULE, "social")


def test_receiving_uses_the_communitys_days_and_its_own_category(cast, receive, local_rules):
    today = timezone.localdate()
    req = receive(category="证明开具", received_on=today)
    assert req.deadline == today + dt.timedelta(days=5)
    assert req.get_category_display() == "证明开具" and "证明开具" in str(req)
    assert receive(category="repair").deadline == today + dt.timedelta(days=2)


@pytest.mark.parametrize("category", ["dibao", "property", "nonsense"])
def test_a_category_not_offered_is_refused_in_chinese_and_nothing_is_written(
    cast, receive, local_rules, category
):
    with pytest.raises(ValidationError) as e:
        receive(category=category)
    msg = e.value.message_dict["category"][0]
    assert "本社区不提供" in msg and "证明开具" in msg and "日常维修" in msg
    assert Request.objects.count() == 0


def test_community_b_cannot_use_community_as_own_category(cast, receive, local_rules):
    with pytest.raises(ValidationError, match="本社区不提供"):
        receive(community=cast.comm_b, acting_user=cast.comm_b_sec, category="证明开具")


def test_a_removed_category_keeps_its_old_requests_listed_and_displayed(
    cast, receive, client_for, settings
):
    old = receive(category="dibao", content="旧的低保工单")
    settings.DANGJIAN_RULES = {"orgs": {cast.comm_a.code: {RULE: {"dibao": None}}}}
    rules.reset_cache()
    try:
        c = client_for(cast.comm_a_sec)
        page = c.get(f"/servicedesk/?org={cast.comm_a.pk}&category=dibao").content.decode()
        assert old.number in page and "低保" in page
        # the filter still offers it (requests carry it), the new-request form does not
        keys = [
            k for k, _l in selectors.filter_categories(user=cast.comm_a_sec, community=cast.comm_a)
        ]
        assert "dibao" in keys
        form = c.get(f"/servicedesk/new/?org={cast.comm_a.pk}").content.decode()
        assert 'value="dibao"' not in form and 'value="repair"' in form
        assert "低保" in c.get(f"/servicedesk/{old.pk}/").content.decode()
    finally:
        rules.reset_cache()


def test_the_forms_offer_the_communitys_list(cast, client_for, local_rules):
    staff = client_for(cast.comm_a_sec).get(f"/servicedesk/new/?org={cast.comm_a.pk}")
    html = staff.content.decode()
    assert 'value="证明开具"' in html and 'value="dibao"' not in html
    public = client_for(cast.outsider).get(f"/servicedesk/public/{cast.comm_a.code}/new/")
    html = public.content.decode()
    assert 'value="证明开具"' in html and 'value="property"' not in html
    other = client_for(cast.outsider).get(f"/servicedesk/public/{cast.comm_b.code}/new/")
    assert 'value="证明开具"' not in other.content.decode()


def test_the_staff_form_refuses_a_category_not_offered(cast, client_for, local_rules):
    r = client_for(cast.comm_a_sec).post(
        f"/servicedesk/new/?org={cast.comm_a.pk}",
        {
            "channel": "hall",
            "category": "dibao",
            "resident_name": "赵测试",
            "content": "咨询",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 200 and "本社区提供的服务类别" in r.content.decode()
    assert Request.objects.count() == 0


def test_the_api_offers_the_list_files_and_filters_by_a_local_category(
    cast, client_for, receive, local_rules
):
    c = client_for(cast.comm_a_sec)
    rows = c.get(f"/api/v1/servicedesk/categories?org={cast.comm_a.pk}").json()
    assert {"key": "证明开具", "label": "证明开具", "days": 5} in rows
    assert "dibao" not in [r["key"] for r in rows]
    ok = c.post(
        "/api/v1/servicedesk/",
        {
            "org": cast.comm_a.pk,
            "channel": "hotline",
            "category": "证明开具",
            "resident_name": "钱测试",
            "content": "开具居住证明",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201
    bad = c.post(
        "/api/v1/servicedesk/",
        {
            "org": cast.comm_a.pk,
            "channel": "hotline",
            "category": "dibao",
            "resident_name": "钱测试",
            "content": "x",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "本社区不提供" in bad.json()["detail"]
    receive(category="repair")
    listed = c.get(f"/api/v1/servicedesk/?org={cast.comm_a.pk}&category=证明开具").json()
    assert [(i["category"], i["category_label"]) for i in listed["items"]] == [
        ("证明开具", "证明开具")
    ]
    outsider = client_for(cast.comm_b_sec).get(
        f"/api/v1/servicedesk/categories?org={cast.comm_a.pk}"
    )
    assert outsider.status_code == 404


def test_the_figures_count_a_local_category(cast, client_for, receive, local_rules):
    receive(category="证明开具")
    page = client_for(cast.comm_a_sec).get(f"/servicedesk/stats/?org={cast.comm_a.pk}")
    assert "证明开具 1" in page.content.decode()
