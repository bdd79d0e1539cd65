"""Registering a member: ID numbers checked (checksum, birth date, gender), input kept, messages
in Chinese, nothing half-written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core import crypto
from dangjian.core.models import AuditEntry
from dangjian.members.forms import MemberRegisterForm
from dangjian.members.models import EventKind, Member, State
from dangjian.members.services import member_register

from .conftest import valid_id, wrong_check

BIRTH = dt.date(1980, 5, 17)


def form_data(cast, **over):
    data = {
        "name": "王小明",
        "id_number": valid_id(BIRTH, "M"),
        "gender": "M",
        "birth_date": BIRTH.isoformat(),
        "ethnicity": "汉族",
        "phone": "13900001111",
        "joined_on": "2005-07-01",
        "status": "full",
        "full_on": "2006-07-01",
        "org": cast.branch_a.pk,
        "mode": "self",
        "categories": ["in_service", "difficulty"],
        "source": "registered",
    }
    data.update(over)
    return data


def errors_of(form):
    form.is_valid()
    return {k: " ".join(v) for k, v in form.errors.items()}


def test_a_valid_form_registers_the_member_with_an_encrypted_masked_number(cast):
    form = MemberRegisterForm(form_data(cast), user=cast.comm_a_sec)
    assert form.is_valid(), form.errors
    m = member_register(acting_user=cast.comm_a_sec, **form.service_kwargs())
    number = valid_id(BIRTH, "M")
    assert m.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert number not in m.id_cipher and crypto.decrypt(m.id_cipher) == number
    assert sorted(c.category for c in m.categories.all()) == ["difficulty", "in_service"]
    (event,) = m.events.all()
    assert event.kind == EventKind.REGISTERED and event.date == dt.date(2005, 7, 1)
    assert AuditEntry.objects.filter(action="create", object_id=str(m.pk)).exists()


def test_a_wrong_check_character_is_refused_in_chinese(cast):
    errors = errors_of(
        MemberRegisterForm(
            form_data(cast, id_number=wrong_check(valid_id(BIRTH))), user=cast.comm_a_sec
        )
    )
    assert "校验位不正确" in errors["id_number"]


def test_a_birth_date_that_disagrees_with_the_number_is_refused(cast):
    errors = errors_of(
        MemberRegisterForm(form_data(cast, birth_date="1980-05-18"), user=cast.comm_a_sec)
    )
    assert "出生日期与身份证号不一致" in errors["birth_date"]
    assert "1980-05-17" in errors["birth_date"]


def test_a_gender_that_disagrees_with_the_number_is_refused(cast):
    errors = errors_of(MemberRegisterForm(form_data(cast, gender="F"), user=cast.comm_a_sec))
    assert "性别与身份证号不一致" in errors["gender"]


def test_full_width_digits_and_a_lower_case_x_are_accepted(cast):
    number = next(
        valid_id(BIRTH, "F", seed=s) for s in range(500) if valid_id(BIRTH, "F", seed=s)[-1] == "X"
    )
    typed = number[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    form = MemberRegisterForm(
        form_data(cast, id_number=f" {typed} ", gender="F"), user=cast.comm_a_sec
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == number


def test_birth_date_and_gender_are_read_from_the_number_when_left_empty(cast):
    form = MemberRegisterForm(form_data(cast, gender="", birth_date=""), user=cast.comm_a_sec)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == BIRTH and form.cleaned_data["gender"] == "M"


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"full_on": ""}, "full_on", "正式党员请填写转正时间"),
        ({"full_on": "2006-06-30"}, "full_on", "预备期为 1 年"),
        ({"joined_on": "1997-07-01"}, "joined_on", "不满 18 周岁"),
        ({"joined_on": "2999-07-01", "full_on": ""}, "joined_on", "不能晚于今天"),
        ({"phone": "电话一二三"}, "phone", "电话号码只能包含数字"),
        ({"joined_on": "2005/7/1x"}, "joined_on", "请按“年-月-日”填写日期"),
        ({"source": "transfer_in"}, "letter_no", "请填写介绍信编号"),
    ],
)
def test_inconsistent_membership_facts_are_refused_with_the_reason(cast, over, field, message):
    form = MemberRegisterForm(form_data(cast, **over), user=cast.comm_a_sec)
    if form.is_valid():  # model-level checks run in the service
        with pytest.raises(ValidationError) as exc:
            member_register(acting_user=cast.comm_a_sec, **form.service_kwargs())
        assert message in " ".join(exc.value.message_dict[field])
    else:
        assert message in " ".join(form.errors[field])
    assert not Member.objects.filter(name="王小明").exists()


def test_the_same_person_cannot_be_registered_twice(cast):
    form = MemberRegisterForm(form_data(cast), user=cast.comm_a_sec)
    assert form.is_valid()
    member_register(acting_user=cast.comm_a_sec, **form.service_kwargs())
    with pytest.raises(ValidationError, match="请勿重复登记"):
        member_register(acting_user=cast.comm_a_sec, **form.service_kwargs())


def test_a_transfer_in_needs_the_letter_and_opens_the_timeline_on_its_date(cast):
    data = form_data(
        cast,
        source="transfer_in",
        date="2020-03-02",
        from_org_name="外省某社区党委",
        letter_no="组转字〔2020〕15号",
        letter_valid_until="2020-04-01",
    )
    form = MemberRegisterForm(data, user=cast.comm_a_sec)
    assert form.is_valid(), form.errors
    m = member_register(acting_user=cast.comm_a_sec, **form.service_kwargs())
    (event,) = m.events.all()
    assert (event.kind, event.date, event.letter_no, event.from_org_name) == (
        EventKind.TRANSFER_IN,
        dt.date(2020, 3, 2),
        "组转字〔2020〕15号",
        "外省某社区党委",
    )
    assert event.letter_valid_until == dt.date(2020, 4, 1) and m.state == State.ACTIVE


def test_an_expired_letter_is_refused_on_transfer_in(cast):
    data = form_data(
        cast,
        source="transfer_in",
        date="2020-05-02",
        from_org_name="外省某社区党委",
        letter_no="15",
        letter_valid_until="2020-04-01",
    )
    form = MemberRegisterForm(data, user=cast.comm_a_sec)
    assert form.is_valid()
    with pytest.raises(ValidationError, match="介绍信已于 2020-04-01 过期"):
        member_register(acting_user=cast.comm_a_sec, **form.service_kwargs())


def test_a_secretary_cannot_register_into_another_community(cast):
    form = MemberRegisterForm(form_data(cast, org=cast.branch_b.pk), user=cast.comm_a_sec)
    assert "不在您的管理范围内" in errors_of(form)["org"]
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        member_register(acting_user=cast.comm_a_sec, id_number=valid_id(BIRTH), org=cast.branch_b)


def test_a_member_cannot_be_put_into_a_group_or_a_street(cast):
    with pytest.raises(ValidationError, match="只能编入党支部或社区党组织"):
        member_register(acting_user=None, id_number=valid_id(BIRTH), org=cast.group_a)
    with pytest.raises(ValidationError, match="只能编入党支部或社区党组织"):
        member_register(acting_user=None, id_number=valid_id(BIRTH), org=cast.street_a)


def test_the_page_keeps_what_was_typed_and_shows_the_error(cast, client_for):
    c = client_for(cast.comm_a_sec)
    bad = wrong_check(valid_id(BIRTH))
    r = c.post("/members/new/", form_data(cast, id_number=bad, work_unit="县第一中学"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "校验位不正确" in html and "没有保存" in html
    assert f'value="{bad}"' in html and 'value="王小明"' in html and "县第一中学" in html
    assert not Member.objects.filter(name="王小明").exists()
    r = c.post("/members/new/", form_data(cast, work_unit="县第一中学"))
    m = Member.objects.get(name="王小明")
    assert r.status_code == 302 and r["Location"] == f"/members/{m.pk}/"


def test_the_register_page_offers_only_organisations_the_user_changes(cast, client_for):
    html = client_for(cast.comm_a_sec).get("/members/new/").content.decode()
    assert cast.branch_a.name in html and cast.comm_a.name in html
    assert cast.branch_b.name not in html and cast.group_a.name not in html
    assert client_for(cast.outsider).get("/members/new/").status_code == 404
    assert client_for(cast.member_user).get("/members/new/").status_code == 404
