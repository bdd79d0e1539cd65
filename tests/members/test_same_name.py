"""Issue 20 item 4: two 叶尔江·沙吾提 in one branch are told apart wherever people are picked
or listed — the birth year, then the ID number's last four, then the household — and a name
that is unique in the list stays bare."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.members.fields import MemberChoiceField, MemberMultipleChoiceField
from dangjian.members.labels import duplicate_hints, member_choices, member_labels, name_key
from dangjian.members.models import Member
from dangjian.staff.forms import StaffForm
from tests.factories import make_member
from tests.meetings.factories import make_meeting

NAME = "叶尔江·沙吾提"


def row(name, birth, masked="6501********1234", household=""):
    return {"name": name, "birth_date": birth, "id_masked": masked, "household": household}


# ---- the labels, pure ---------------------------------------------------------------------
def test_a_unique_name_stays_bare():
    assert member_labels([row("张三", dt.date(1960, 1, 1)), row("李四", dt.date(1961, 1, 1))]) == [
        "张三",
        "李四",
    ]


def test_two_of_one_name_get_their_birth_years():
    rows = [row(NAME, dt.date(1968, 3, 2)), row("张三", dt.date(1968, 3, 2))]
    rows.append(row(NAME, dt.date(1975, 9, 9)))
    assert member_labels(rows) == [f"{NAME}（1968年生）", "张三", f"{NAME}（1975年生）"]


def test_the_same_birth_year_adds_the_id_numbers_last_four():
    rows = [
        row(NAME, dt.date(1968, 3, 2), "6501**********1234"),
        row(NAME, dt.date(1968, 7, 8), "6501**********567X"),
    ]
    assert duplicate_hints(rows) == ["1968年生，…1234", "1968年生，…567X"]


def test_the_same_last_four_falls_back_to_the_household():
    rows = [
        row(NAME, dt.date(1968, 3, 2), "6501**********1234", "3号楼201"),
        row(NAME, dt.date(1968, 7, 8), "6502**********1234", "5号楼101"),
    ]
    assert duplicate_hints(rows) == ["1968年生，…1234，住3号楼201", "1968年生，…1234，住5号楼101"]


def test_only_the_rows_that_still_collide_get_more():
    rows = [
        row(NAME, dt.date(1968, 3, 2), "6501**********1234"),
        row(NAME, dt.date(1968, 7, 8), "6501**********5678"),
        row(NAME, dt.date(1980, 1, 1), "6501**********9999"),
    ]
    assert duplicate_hints(rows) == ["1968年生，…1234", "1968年生，…5678", "1980年生"]


def test_a_blank_masked_number_is_not_shown_as_a_tail():
    rows = [row(NAME, dt.date(1968, 3, 2), ""), row(NAME, dt.date(1968, 7, 8), "")]
    assert duplicate_hints(rows) == ["1968年生", "1968年生"]


def test_names_typed_with_other_dots_or_spaces_are_the_same_name():
    assert name_key("叶尔江·沙吾提") == name_key("叶尔江•沙吾提") == name_key("叶尔江. 沙吾提 ")
    rows = [row("叶尔江·沙吾提", dt.date(1968, 1, 1)), row("叶尔江•沙吾提", dt.date(1970, 1, 1))]
    assert duplicate_hints(rows) == ["1968年生", "1970年生"]


def test_a_name_shared_with_another_page_gets_the_hint_too():
    rows = [row(NAME, dt.date(1968, 1, 1)), row("张三", dt.date(1970, 1, 1))]
    assert duplicate_hints(rows, also={name_key(NAME)}) == ["1968年生", ""]


# ---- the fields ---------------------------------------------------------------------------
@pytest.fixture
def twins(cast):
    a = make_member(org=cast.branch_a, name=NAME, birth_date=dt.date(1968, 3, 2))
    b = make_member(org=cast.branch_a, name=NAME, birth_date=dt.date(1975, 9, 9))
    return a, b


def _labels(field) -> dict[int, str]:
    return {v.value: label for v, label in field.choices if v}


@pytest.mark.django_db
def test_the_member_picker_tells_the_two_apart_and_leaves_others_bare(cast, twins):
    class PickForm(forms.Form):
        one = MemberChoiceField(queryset=Member.objects.order_by("name", "pk"))
        many = MemberMultipleChoiceField(queryset=Member.objects.order_by("name", "pk"))

    form = PickForm()
    for name in ("one", "many"):
        labels = _labels(form.fields[name])
        assert labels[twins[0].pk] == f"{NAME}（1968年生）"
        assert labels[twins[1].pk] == f"{NAME}（1975年生）"
        assert labels[cast.member_a.pk] == "张三"
    html = str(form["one"])
    assert f"{NAME}（1968年生）" in html and f"{NAME}（1975年生）" in html


@pytest.mark.django_db
def test_the_hint_goes_inside_a_label_that_names_the_organisation(cast, twins):
    field = MemberChoiceField(
        queryset=Member.objects.select_related("org").order_by("name", "pk"), org="name"
    )
    labels = _labels(field)
    assert labels[twins[0].pk] == f"{NAME}（1968年生，{cast.branch_a.name}）"
    assert labels[cast.member_a.pk] == f"张三（{cast.branch_a.name}）"


@pytest.mark.django_db
def test_a_picked_member_is_still_validated_against_the_queryset(cast, twins):
    field = MemberChoiceField(queryset=Member.objects.filter(org=cast.branch_a))
    assert field.clean(str(twins[1].pk)) == twins[1]
    with pytest.raises(forms.ValidationError):
        field.clean(str(cast.member_b.pk))


@pytest.mark.django_db
def test_the_staff_form_picker_of_another_app_uses_it(cast, twins):
    members = Member.objects.filter(org__path__startswith=cast.comm_a.path).select_related("org")
    labels = _labels(StaffForm(members=members.order_by("name", "pk")).fields["member"])
    assert labels[twins[0].pk] == f"{NAME}（1968年生，{cast.branch_a.name}）"
    assert labels[cast.member_a.pk] == f"张三（{cast.branch_a.name}）"


@pytest.mark.django_db
def test_choice_lists_built_by_hand_get_the_hint(cast, twins):
    members = list(Member.objects.filter(org=cast.branch_a).order_by("name", "pk"))
    choices = dict(member_choices(members))
    assert choices[twins[0].pk] == f"{NAME}（1968年生）"
    assert choices[cast.member_a.pk] == "张三"


@pytest.mark.django_db
def test_the_picker_costs_one_query_however_many_share_a_name(cast):
    field = MemberChoiceField(queryset=Member.objects.order_by("name", "pk"))
    for year in range(1960, 1966):
        make_member(org=cast.branch_a, name=NAME, birth_date=dt.date(year, 1, 1))
    with CaptureQueriesContext(connection) as ctx:
        labels = [choice for choice in field.choices]  # noqa: C416 (list() would also count)
    assert len(ctx.captured_queries) == 1
    assert sum(1 for _v, label in labels if "年生" in str(label)) == 6


# ---- the member list and the attendance form -----------------------------------------------
@pytest.mark.django_db
def test_the_member_list_shows_the_hint_for_the_two_only(cast, twins, client_for):
    html = client_for(cast.branch_sec).get("/members/").content.decode()
    assert html.count('class="text-muted name-hint"') == 2
    assert "（1968年生）" in html and "（1975年生）" in html


@pytest.mark.django_db
def test_the_member_list_query_count_does_not_grow_with_same_names(cast, client_for):
    c = client_for(cast.branch_sec)
    make_member(org=cast.branch_a, name=NAME, birth_date=dt.date(1968, 1, 1))
    make_member(org=cast.branch_a, name=NAME, birth_date=dt.date(1969, 1, 1))
    c.get("/members/")
    with CaptureQueriesContext(connection) as small:
        c.get("/members/")
    for year in range(1970, 1980):
        make_member(org=cast.branch_a, name=NAME, birth_date=dt.date(year, 1, 1))
    with CaptureQueriesContext(connection) as big:
        html = c.get("/members/").content.decode()
    assert html.count('class="text-muted name-hint"') == 12
    assert len(big.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_the_attendance_form_tells_the_two_apart(cast, twins, client_for):
    meeting = make_meeting(org=cast.branch_a, date=timezone.localdate(), topic="今天的党员大会")
    html = client_for(cast.branch_sec).get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    for member, year in ((twins[0], 1968), (twins[1], 1975)):
        start = html.index(f'data-line="{member.pk}"')
        line = html[start : html.index("</li>", start)]
        assert f"（{year}年生）" in line
    start = html.index(f'data-line="{cast.member_a.pk}"')
    assert "name-hint" not in html[start : html.index("</li>", start)]


@pytest.mark.django_db
def test_an_outsider_sees_none_of_them(cast, twins, client_for):
    html = client_for(cast.comm_b_sec).get("/members/").content.decode()
    assert NAME not in html
