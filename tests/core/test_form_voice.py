"""One voice in every form (issue 20, item 8): the same words for the same mistake on every page,
beside the field, with what was typed kept; a too-long text refused with both counts and never
cut; an event dated far in the future asked about once (rule ``form.far_future_days``)."""

from __future__ import annotations

import copy
import datetime as dt
import html
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.conf import settings
from django.core import validators
from django.test import Client
from django.utils import timezone, translation

import dangjian
from dangjian.core import rules
from dangjian.core.forms import (
    REQUIRED,
    TOO_LONG,
    SharedMessages,
    StyledForm,
    length_errors,
    too_long,
    use_shared_messages,
)
from dangjian.funds import services as funds_services
from dangjian.funds.models import Asset
from dangjian.meetings.models import Meeting
from dangjian.members.forms import MemberRegisterForm
from dangjian.training.models import Course

DJANGO_REQUIRED = "这个字段是必填项。"
#: Forms that are not (yet) on the shared messages — each names who must fix it.
NOT_YET: set[str] = set()


def _text(r) -> str:
    return html.unescape(re.sub(r"\s+", " ", r.content.decode()))


def _field_box(page: str, name: str) -> str:
    """The ``<div id="field-NAME">`` of a form page: label, input, errors, help."""
    start = page.index(f'id="field-{name}"')
    return page[start : page.index('<div class="col', start + 1)]


# ---- every form of the project -------------------------------------------------------------
def _project_forms() -> list[type[forms.BaseForm]]:
    # forms modules, and the views that define a small form of their own (imported always, so
    # the check does not depend on which tests ran before)
    importlib.import_module(settings.ROOT_URLCONF)
    for mod in pkgutil.walk_packages(dangjian.__path__, "dangjian."):
        if mod.name.rsplit(".", 1)[-1].startswith("forms"):
            importlib.import_module(mod.name)
    seen, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("dangjian.") and cls not in seen:
            seen.append(cls)
    return seen


def _django_messages() -> set[str]:
    """Every message Django gives a form field on its own, in the language of the pages."""
    out: set[str] = set()
    with translation.override("zh-hans"):
        todo = [forms.Field]
        while todo:
            cls = todo.pop()
            todo.extend(cls.__subclasses__())
            if not cls.__module__.startswith("django."):
                continue  # a field of ours (dues' month) already speaks with our words
            out.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
        for v in (
            validators.MaxLengthValidator,
            validators.MinLengthValidator,
            validators.MaxValueValidator,
            validators.MinValueValidator,
            validators.EmailValidator,
            validators.URLValidator,
        ):
            out.add(str(v.message))
        out.update(str(m) for m in validators.DecimalValidator.messages.values())
    return out


def _check_field(where: str, field: forms.Field, django: set[str]) -> None:
    with translation.override("zh-hans"):
        for code, message in field.error_messages.items():
            assert str(message) not in django, f"{where}: Django's own {code!r}: {message}"
        if field.required:
            required = str(field.error_messages["required"])
            assert required != DJANGO_REQUIRED, where
            if "必须填写" in required or "必填" in required:
                assert required == str(REQUIRED), f"{where}: {required}"
        if isinstance(field, forms.CharField) and field.max_length:
            long = str(field.error_messages["max_length"])
            assert "%(limit_value)" in long and "%(show_value)" in long, f"{where}: {long}"
    assert "maxlength" not in field.widget.attrs, f"{where}: the browser would cut a paste"


def test_every_form_of_the_project_is_on_the_shared_messages():
    found = _project_forms()
    names = {f"{c.__module__}.{c.__qualname__}" for c in found}
    assert len(found) > 100 and "dangjian.meetings.forms_meetings.MeetingForm" in names
    drifted = sorted(
        name
        for cls, name in ((c, f"{c.__module__}.{c.__qualname__}") for c in found)
        if not issubclass(cls, SharedMessages) and name not in NOT_YET
    )
    assert drifted == [], "derive from StyledForm (or use SharedMessages): " + ", ".join(drifted)


def test_no_field_of_any_form_keeps_a_message_of_djangos_own(db):
    django = _django_messages()
    assert DJANGO_REQUIRED in django  # the check below looks for the right words
    checked = instances = 0
    for cls in _project_forms():
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name in NOT_YET or not issubclass(cls, SharedMessages):
            continue
        for field_name, base in cls.base_fields.items():
            field = copy.deepcopy(base)
            use_shared_messages(field)
            _check_field(f"{name}.{field_name}", field, django)
            checked += 1
        try:  # and as built (fields added in __init__), where a form needs no arguments
            form = cls(data={})
        except TypeError:
            continue
        form.is_valid()
        for field_name, field in form.fields.items():
            _check_field(f"{name}().{field_name}", field, django)
        instances += 1
    assert checked > 500 and instances > 50


def test_a_form_that_says_it_itself_keeps_its_words():
    class Own(StyledForm):
        kind = forms.ChoiceField(
            choices=[("a", "A")], error_messages={"required": "请选择会议类型。"}
        )
        name = forms.CharField(max_length=5)
        count = forms.IntegerField(min_value=1)

    form = Own({"name": "一二三四五六", "count": "x"})
    assert not form.is_valid()
    assert form.errors == {
        "kind": ["请选择会议类型。"],
        "name": ["不能超过 5 个字（现在 6 个字）。"],
        "count": ["请填写整数，例如 3。"],
    }
    assert Own({"kind": "a", "name": "一", "count": "0"}).errors == {"count": ["不能小于 1。"]}
    assert "maxlength" not in str(Own()["name"])


# ---- the meeting form: beside the field, kept, one voice, never cut ------------------------
def _meeting(c, cast, **data):
    base = {"kind": "branch_general", "date": "2026-03-01", "topic": "三月党员大会"}
    return c.post(f"/meetings/new/?org={cast.branch_a.pk}", {**base, **data})


def test_a_missing_topic_is_said_beside_the_field_and_what_was_typed_stays(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = _meeting(c, cast, topic="", place="社区活动室", host="王书记")
    page = _text(r)
    assert r.status_code == 200 and not Meeting.objects.exists()
    box = _field_box(page, "topic")
    assert "此项必须填写。" in box and 'aria-invalid="true"' in box
    assert DJANGO_REQUIRED not in page
    assert 'value="社区活动室"' in _field_box(page, "place")
    assert 'value="王书记"' in _field_box(page, "host")
    assert 'value="2026-03-01"' in _field_box(page, "date")


def test_a_name_of_51_characters_is_refused_with_both_counts_and_50_are_saved(cast, client_for):
    c = client_for(cast.comm_a_sec)
    form = _text(c.get(f"/meetings/new/?org={cast.branch_a.pk}"))
    assert "maxlength" not in form  # a browser would cut a paste without a word
    r = _meeting(c, cast, host="主" * 51)
    box = _field_box(_text(r), "host")
    assert "不能超过 50 个字（现在 51 个字）。" in box and 'value="' + "主" * 51 + '"' in box
    assert not Meeting.objects.exists()
    r = _meeting(c, cast, host="主" * 50)
    assert r.status_code == 302 and Meeting.objects.get().host == "主" * 50


def test_the_member_form_refuses_a_long_name_instead_of_cutting_it(cast, client_for):
    page = _text(client_for(cast.comm_a_sec).get(f"/members/new/?org={cast.branch_a.pk}"))
    assert 'name="name"' in page and "maxlength" not in page
    form = MemberRegisterForm({"name": "叶" * 500}, user=cast.comm_a_sec)
    assert not form.is_valid()
    assert form.errors["name"] == ["不能超过 50 个字（现在 500 个字）。"]
    assert form.errors["org"] == ["此项必须填写。"]


# ---- far-future dates -----------------------------------------------------------------------
def _days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def test_a_meeting_far_ahead_comes_back_once_with_a_warning_and_is_saved_when_confirmed(
    cast, client_for
):
    n = rules.value("form.far_future_days", "days")
    c = client_for(cast.comm_a_sec)
    r = _meeting(c, cast, date=_days(n), topic="还在 N 天内")
    assert r.status_code == 302  # N days ahead: no question asked

    r = _meeting(c, cast, date=_days(n + 1), topic="远在以后", place="活动室")
    page = _text(r)
    assert r.status_code == 200 and not Meeting.objects.filter(topic="远在以后").exists()
    box = _field_box(page, "date")
    assert f"这个日期在今天 {n} 天以后" in box and "请核对年份和月份" in box
    # the checkbox comes right below the date, unticked; what was typed stays
    confirm = _field_box(page, "confirm_far_future")
    assert "日期无误，确认保存" in confirm and "checked" not in confirm
    assert page.index('id="field-date"') < page.index('id="field-confirm_far_future"')
    assert page.index('id="field-confirm_far_future"') < page.index('id="field-topic"')
    assert 'value="活动室"' in page

    r = _meeting(c, cast, date=_days(n + 1), topic="远在以后", confirm_far_future="on")
    assert r.status_code == 302
    assert Meeting.objects.get(topic="远在以后").date == timezone.localdate() + dt.timedelta(
        days=n + 1
    )


def test_the_checkbox_is_shown_only_when_a_date_is_far_ahead(cast, client_for):
    c = client_for(cast.comm_a_sec)
    assert "confirm_far_future" not in _text(c.get(f"/meetings/new/?org={cast.branch_a.pk}"))
    r = _meeting(c, cast, date=_days(3), topic="")  # another mistake, date near: no checkbox
    assert r.status_code == 200 and "confirm_far_future" not in _text(r)
    r = _meeting(c, cast, date="2030-05-01", topic="", confirm_far_future="on")
    page = _text(r)  # confirmed, another mistake: the box stays ticked, no warning again
    assert "请核对年份和月份" not in page
    assert "checked" in _field_box(page, "confirm_far_future")


def test_the_number_of_days_is_the_rule_and_a_locality_may_change_it(cast, client_for, settings):
    rule = rules.get("form.far_future_days")
    assert rule.source.startswith("平台约定") and rule.enforcement == "warn"
    settings.DANGJIAN_RULES = {"default": {"form.far_future_days": {"days": 10}}}
    rules.reset_cache()
    try:
        c = client_for(cast.comm_a_sec)
        assert _meeting(c, cast, date=_days(10), topic="十天后").status_code == 302
        r = _meeting(c, cast, date=_days(11), topic="十一天后")
        assert r.status_code == 200 and "这个日期在今天 10 天以后" in _text(r)
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_a_training_course_far_ahead_is_asked_about_too(cast, client_for):
    n = rules.value("form.far_future_days", "days")
    c = client_for(cast.comm_a_sec)
    data = {"level": Course._meta.get_field("level").choices[0][0], "topic": "党史学习"}
    data.update(days="1", start=_days(n + 1))
    url = f"/training/new/?org={cast.comm_a.pk}"
    r = c.post(url, data)
    assert r.status_code == 200 and "请核对年份和月份" in _text(r)
    assert not Course.objects.exists()
    r = c.post(url, {**data, "confirm_far_future": "on"})
    assert r.status_code == 302 and Course.objects.get().topic == "党史学习"


# ---- services refuse, never cut --------------------------------------------------------------
def test_too_long_names_both_counts():
    assert too_long("一" * 50, 50) == ""
    assert too_long("一" * 51, 50) == "不能超过 50 个字（现在 51 个字）。"
    assert too_long("一" * 201, 200, "作废理由") == "作废理由不能超过 200 个字（现在 201 个字）。"
    assert length_errors(Asset, name="一" * 101, code="1" * 30) == {
        "name": str(TOO_LONG % {"limit_value": 100, "show_value": 101})
    }


def test_an_assets_name_is_refused_not_cut(cast):
    kw = {"acting_user": cast.comm_a_sec, "org": cast.comm_a, "value": "100"}
    kw["acquired_on"] = dt.date(2025, 1, 1)
    with pytest.raises(Exception) as e:
        funds_services.asset_create(name="桌" * 101, **kw)
    assert e.value.message_dict["name"] == ["不能超过 100 个字（现在 101 个字）。"]
    assert not Asset.objects.exists()
    assert funds_services.asset_create(name="桌" * 100, **kw).name == "桌" * 100


def test_an_attendance_reason_of_201_characters_is_refused_and_kept(cast, client_for):
    from dangjian.meetings.models import Attendance
    from tests.factories import make_member
    from tests.meetings.factories import make_meeting

    member = make_member(org=cast.branch_a, name="请假人")
    meeting = make_meeting(org=cast.branch_a, date=timezone.localdate())
    c = client_for(cast.comm_a_sec)
    url = f"/meetings/{meeting.pk}/attendance/"
    data = {"version": meeting.version, f"s_{member.pk}": "excused"}
    r = c.post(url, {**data, f"r_{member.pk}": "病" * 201})
    page = _text(r)
    assert r.status_code == 200 and "请假人：不能超过 200 个字（现在 201 个字）。" in page
    assert "病" * 201 in page and 'maxlength="200"' not in page
    assert not Attendance.objects.filter(meeting=meeting).exists()
    r = c.post(url, {**data, f"r_{member.pk}": "病" * 200})
    assert r.status_code == 302
    assert Attendance.objects.get(meeting=meeting, member=member).reason == "病" * 200


def test_editing_a_confirmed_far_meeting_does_not_ask_again_and_the_api_is_not_asked(
    cast, client_for
):
    from dangjian.accounts.services import token_issue

    c = client_for(cast.comm_a_sec)
    r = _meeting(c, cast, date="2030-05-01", topic="年度计划", confirm_far_future="on")
    meeting = Meeting.objects.get(topic="年度计划")
    r = c.post(
        f"/meetings/{meeting.pk}/edit/",
        {"kind": "branch_general", "date": "2030-05-01", "topic": "年度计划（改）", "version": 1},
    )
    assert r.status_code == 302, re.findall(r"invalid-feedback[^>]*>([^<]*)<", _text(r))
    assert Meeting.objects.get(pk=meeting.pk).topic == "年度计划（改）"

    _t, key = token_issue(user=cast.comm_a_sec, name="测试", acting_user=None)
    r = Client().post(
        "/api/v1/meetings/",
        {
            "org_id": cast.branch_a.pk,
            "kind": "branch_general",
            "date": "2031-01-05",
            "topic": "接口",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code == 201, r.content  # a program cannot tick the box: not asked
