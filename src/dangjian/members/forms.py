"""Forms of the member register. They check input and keep what was typed; services write.

Every choice of organisation or household is limited to what the user may change, so a forged
POST naming another community's branch is refused with a plain message, like a typing error.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import idcard, rules
from dangjian.core.forms import SharedMessages, StyledForm
from dangjian.core.forms import date_field as core_date_field
from dangjian.orgs.models import Organisation, Place, PlaceKind, ResidentUnit

from . import selectors
from .models import (
    Category,
    Education,
    EventKind,
    Gender,
    Member,
    Mode,
    State,
    Status,
    add_years,
)

PHONE = re.compile(r"^[0-9０-９+\-－ ()（）]{5,30}$")
#: Households offered in a select; beyond this the field is left out (a city-wide account
#: chooses the household from the community's own pages instead).
HOUSEHOLD_LIMIT = 2000


def not_future(value: Any) -> None:
    if value and value > selectors.today():
        raise ValidationError(_("日期不能晚于今天。"), code="future")


def date_field(
    label: str, *, required: bool = True, help_text: str = "", past: bool = True
) -> forms.DateField:
    """A date as ``core.forms.date_field`` reads it; ``past``: not after today."""
    return core_date_field(
        label, required=required, help_text=help_text, validators=[not_future] if past else []
    )


class OrgChoiceField(forms.ModelChoiceField):
    """Organisations indented by depth below the top one offered, so the tree reads in a select."""

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": gettext_lazy("所选党组织不在您的管理范围内，请重新选择。")},
        )
        super().__init__(queryset, **kwargs)
        self.base_depth = 0

    def set_queryset(self, queryset: Any) -> None:
        self.queryset = queryset
        self.base_depth = queryset.aggregate(m=Min("depth"))["m"] or 0

    def label_from_instance(self, obj: Organisation) -> str:
        return "\u3000" * max(obj.depth - self.base_depth, 0) + obj.name


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        parts = [obj.name]
        node = obj.parent
        for _level in range(2):  # building and corridor are enough to find it
            if node is None:
                break
            parts.append(node.name)
            node = node.parent
        return " ".join(reversed(parts))


def households_for(user: Any) -> Any:
    return (
        Place.objects.changeable_by(user)
        .filter(kind=PlaceKind.HOUSEHOLD)
        .select_related("parent__parent")
        .order_by("path")
    )


class MemberFilterForm(SharedMessages, forms.Form):
    """The list's filters, from the query string. Unknown values are ignored, not errors."""

    q = forms.CharField(required=False, max_length=50)
    org = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(required=False, choices=[("", "")] + Category.choices)
    status = forms.ChoiceField(required=False, choices=[("", "")] + Status.choices)
    mode = forms.ChoiceField(required=False, choices=[("", "")] + Mode.choices)
    state = forms.ChoiceField(
        required=False,
        choices=[("", ""), *State.choices, (selectors.ANY_STATE, gettext_lazy("全部状态"))],
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(s, s) for k in selectors.SORTS for s in (k, f"-{k}")],
    )

    def __init__(self, data: Any, *, org_rows: list[Any]) -> None:
        super().__init__(data)
        self.fields["org"].choices = [("", "")] + [(r[0], r[1]) for r in org_rows]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.members_visible``; bad values fall back to defaults."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or None,
            "org": data.get("org") or None,
            "category": data.get("category") or None,
            "status": data.get("status") or None,
            "mode": data.get("mode") or None,
            "state": data.get("state") or State.ACTIVE,
            "sort": data.get("sort") or None,
        }


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ResidentUnit) -> str:
        return obj.name


def units_for(user: Any) -> Any:
    return ResidentUnit.objects.visible_to(user).order_by("name", "pk")


def set_place_fields(form: forms.Form, user: Any) -> None:
    """The household and employer selects, limited to what the user may choose; left out when
    too long for a select (the text fields remain)."""
    households = households_for(user)
    if households.count() > HOUSEHOLD_LIMIT:
        del form.fields["household"]
    else:
        form.fields["household"].queryset = households
    units = units_for(user)
    if units.count() > HOUSEHOLD_LIMIT:
        del form.fields["employer_unit"]
    else:
        form.fields["employer_unit"].queryset = units


class PersonFieldsMixin:
    """Checks shared by registering and editing: ID number against birth date and gender."""

    def check_one_place(self, data: dict[str, Any]) -> None:
        """The home is the household on the places tree, the employer the resident unit: the
        text beside each is only for one not registered here, never a second copy."""
        if data.get("household") and (data.get("address") or "").strip():
            self.add_error(
                "address",
                _("已选择家庭住址（户）的，不再填写现居住地址；住户未在区域中登记时才填写。"),
            )
        if data.get("employer_unit") and (data.get("work_unit") or "").strip():
            self.add_error(
                "work_unit",
                _("已选择驻区单位的，不再填写工作单位；不是登记的驻区单位时才填写。"),
            )

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        if not raw:
            return ""
        self._id_info = idcard.parse(raw)  # raises a Chinese ValidationError
        return self._id_info.number

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone and not PHONE.match(phone):
            raise ValidationError(_("电话号码只能包含数字、空格和“-”，例如 0371-1234567。"))
        return phone

    def check_id_against_person(self, data: dict[str, Any]) -> None:
        info = getattr(self, "_id_info", None)
        if info is None or "id_number" not in data:
            return
        for field in ("birth_date", "gender"):
            if not data.get(field) and field not in self.errors:
                data[field] = getattr(info, field)
        for msg in idcard.check_consistency(info, birth_date=data.get("birth_date"), gender=None):
            self.add_error("birth_date", msg)
        for msg in idcard.check_consistency(info, birth_date=None, gender=data.get("gender")):
            self.add_error("gender", msg)


class MemberRegisterForm(PersonFieldsMixin, StyledForm):
    """A new member on the register: a new record, or someone transferring in from elsewhere."""

    SOURCE_CHOICES = [
        (EventKind.REGISTERED, gettext_lazy("新建档案（本社区原有党员或新发展党员）")),
        (EventKind.TRANSFER_IN, gettext_lazy("组织关系转入（从其他党组织转来）")),
    ]

    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        max_length=30,
        help_text=gettext_lazy("18 位，最后一位可以是 X。出生日期和性别可按身份证号自动识别。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    gender = forms.ChoiceField(
        label=gettext_lazy("性别"), choices=[("", "—")] + Gender.choices, required=False
    )
    birth_date = date_field(gettext_lazy("出生日期"), required=False)
    ethnicity = forms.CharField(label=gettext_lazy("民族"), max_length=20, initial="汉族")
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    education = forms.ChoiceField(
        label=gettext_lazy("学历"), choices=[("", "—")] + Education.choices, required=False
    )
    joined_on = date_field(gettext_lazy("入党时间"))
    status = forms.ChoiceField(
        label=gettext_lazy("党员身份"), choices=Status.choices, initial=Status.FULL
    )
    full_on = date_field(
        gettext_lazy("转正时间"), required=False, help_text=gettext_lazy("正式党员必填。")
    )
    org = OrgChoiceField(queryset=None, label=gettext_lazy("所在党组织"))
    mode = forms.ChoiceField(label=gettext_lazy("管理方式"), choices=Mode.choices)
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("党员类别（可多选）"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    employer_unit = UnitChoiceField(
        queryset=None, label=gettext_lazy("工作单位（驻区单位）"), required=False
    )
    work_unit = forms.CharField(
        label=gettext_lazy("工作单位（不是驻区单位时填写）"), max_length=100, required=False
    )
    household = HouseholdChoiceField(
        queryset=None, label=gettext_lazy("家庭住址（户）"), required=False
    )
    address = forms.CharField(
        label=gettext_lazy("现居住地址（住户未登记时填写）"), max_length=200, required=False
    )
    source = forms.ChoiceField(
        label=gettext_lazy("登记方式"),
        choices=SOURCE_CHOICES,
        initial=EventKind.REGISTERED,
        widget=forms.RadioSelect,
    )
    date = date_field(
        gettext_lazy("转入日期"),
        required=False,
        help_text=gettext_lazy("组织关系转入时填写：收到介绍信、办理转入的日期。"),
    )
    from_org_name = forms.CharField(
        label=gettext_lazy("从何处转来（原党组织）"), max_length=100, required=False
    )
    letter_no = forms.CharField(label=gettext_lazy("介绍信编号"), max_length=50, required=False)
    letter_valid_until = date_field(gettext_lazy("介绍信有效期至"), required=False, past=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].set_queryset(selectors.member_orgs_changeable(user=user))
        set_place_fields(self, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_id_against_person(data)
        self.check_one_place(data)
        if not data.get("gender") and "gender" not in self.errors:
            self.add_error("gender", _("请选择性别，或填写身份证号以自动识别。"))
        if not data.get("birth_date") and "birth_date" not in self.errors:
            self.add_error("birth_date", _("请填写出生日期，或填写身份证号以自动识别。"))
        joined, full = data.get("joined_on"), data.get("full_on")
        if data.get("status") == Status.FULL and joined and not full:
            self.add_error("full_on", _("正式党员请填写转正时间。"))
        if data.get("status") == Status.FULL and joined and full:
            years = rules.value("dev.probation", "years")
            if full < add_years(joined, years):
                self.add_error(
                    "full_on",
                    _("预备期为 %(y)d 年，转正时间不能早于 %(d)s。")
                    % {"y": years, "d": add_years(joined, years).isoformat()},
                )
        if data.get("source") == EventKind.TRANSFER_IN:
            for field, msg in (
                ("date", _("请填写转入日期。")),
                ("from_org_name", _("请填写从哪个党组织转来。")),
                ("letter_no", _("请填写介绍信编号。")),
            ):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, msg)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        transfer = d["source"] == EventKind.TRANSFER_IN
        return {
            "id_number": d["id_number"],
            "org": d["org"],
            "categories": d.get("categories") or [],
            "kind": d["source"],
            "date": d.get("date") if transfer else None,
            "from_org_name": d.get("from_org_name", "") if transfer else "",
            "letter_no": d.get("letter_no", "") if transfer else "",
            "letter_valid_until": d.get("letter_valid_until") if transfer else None,
            "name": d["name"].strip(),
            "gender": d["gender"],
            "birth_date": d["birth_date"],
            "ethnicity": d["ethnicity"].strip(),
            "phone": d.get("phone", ""),
            "education": d.get("education", ""),
            "joined_on": d["joined_on"],
            "full_on": d.get("full_on") if d["status"] == Status.FULL else None,
            "status": d["status"],
            "mode": d["mode"],
            "work_unit": d.get("work_unit", ""),
            "address": d.get("address", ""),
            "household": d.get("household"),
            "employer_unit": d.get("employer_unit"),
        }


class MemberEditForm(PersonFieldsMixin, StyledForm):
    """Correcting a member's personal details. Membership changes are events, not edits."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("不修改请留空。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gender = forms.ChoiceField(label=gettext_lazy("性别"), choices=Gender.choices)
    birth_date = date_field(gettext_lazy("出生日期"))
    ethnicity = forms.CharField(label=gettext_lazy("民族"), max_length=20)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    education = forms.ChoiceField(
        label=gettext_lazy("学历"), choices=[("", "—")] + Education.choices, required=False
    )
    joined_on = date_field(gettext_lazy("入党时间"))
    employer_unit = UnitChoiceField(
        queryset=None, label=gettext_lazy("工作单位（驻区单位）"), required=False
    )
    work_unit = forms.CharField(
        label=gettext_lazy("工作单位（不是驻区单位时填写）"), max_length=100, required=False
    )
    household = HouseholdChoiceField(
        queryset=None, label=gettext_lazy("家庭住址（户）"), required=False
    )
    address = forms.CharField(
        label=gettext_lazy("现居住地址（住户未登记时填写）"), max_length=200, required=False
    )

    def __init__(self, *args: Any, user: Any, member: Member, **kwargs: Any) -> None:
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "version": member.version,
                    **{f: getattr(member, f) for f in self.PERSON_FIELDS},
                    "household": member.household_id,
                    "employer_unit": member.employer_unit_id,
                },
            )
        super().__init__(*args, **kwargs)
        set_place_fields(self, user)

    PERSON_FIELDS = (
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "phone",
        "education",
        "joined_on",
        "work_unit",
        "address",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_id_against_person(data)
        self.check_one_place(data)
        return data

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        out = {f: d[f] for f in self.PERSON_FIELDS if f in d}
        for f in ("household", "employer_unit"):
            if f in self.fields:
                out[f] = d.get(f)
        if d.get("id_number"):
            out["id_number"] = d["id_number"]
        return out


class MemberEventForm(StyledForm):
    """One kind of timeline event; the fields depend on the kind."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    date = date_field(gettext_lazy("日期"))
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, kind: str, member: Member, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", member.version)
        kwargs["initial"].setdefault("date", selectors.today())
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.member = member
        f = self.fields
        date_labels = {
            EventKind.TRANSFER_IN: _("转入日期"),
            EventKind.TRANSFER_OUT: _("转出日期"),
            EventKind.INTERNAL_MOVE: _("调整日期"),
            EventKind.STATUS_CHANGE: _("转正日期（预备期满之日）"),
            EventKind.GOING_OUT: _("外出日期"),
            EventKind.RETURNED: _("返回日期"),
            EventKind.LOST_CONTACT: _("停止党籍日期"),
            EventKind.RESTORED: _("恢复党籍日期"),
            EventKind.DEATH: _("去世日期"),
            EventKind.LEFT: _("出党日期"),
        }
        f["date"].label = date_labels.get(kind, _("日期"))
        f["date"].error_messages["required"] = _("请填写%(label)s。") % {"label": f["date"].label}
        if kind == EventKind.TRANSFER_OUT:
            f["to_org_name"] = forms.CharField(label=_("转往的党组织"), max_length=100)
            f["letter_no"] = forms.CharField(label=_("介绍信编号"), max_length=50)
            f["letter_valid_until"] = date_field(_("介绍信有效期至"), past=False)
        elif kind == EventKind.TRANSFER_IN:
            f["from_org_name"] = forms.CharField(label=_("从何处转来（原党组织）"), max_length=100)
            f["letter_no"] = forms.CharField(label=_("介绍信编号"), max_length=50)
            f["letter_valid_until"] = date_field(_("介绍信有效期至"), required=False, past=False)
            f["to_org"] = OrgChoiceField(
                queryset=None, label=_("转入的党组织"), initial=member.org_id
            )
            f["to_org"].set_queryset(selectors.member_orgs_changeable(user=user))
        elif kind == EventKind.INTERNAL_MOVE:
            f["to_org"] = OrgChoiceField(queryset=None, label=_("调入的党组织"))
            f["to_org"].set_queryset(
                selectors.member_orgs_changeable(user=user).exclude(pk=member.org_id)
            )
        elif kind == EventKind.CATEGORY_CHANGE:
            f["categories"] = forms.MultipleChoiceField(
                label=_("党员类别（可多选）"),
                choices=Category.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[c.category for c in member.categories.all()],
            )
        elif kind == EventKind.MODE_CHANGE:
            f["mode"] = forms.ChoiceField(
                label=_("新的管理方式"),
                choices=[c for c in Mode.choices if c[0] != member.mode],
            )
        elif kind == EventKind.GOING_OUT:
            f["to_org_name"] = forms.CharField(
                label=_("外出去向（地点、单位）"),
                max_length=100,
                help_text=_(
                    "外出 %(n)d 个月以内的发放流动党员活动证；时间较长且地点固定的，应转移组织关系。"
                )
                % {"n": rules.value("member.mobile_card", "max_absence_months")},
            )
        if kind == EventKind.LEFT:
            f["note"].required = True
            f["note"].label = _("出党方式和依据")
            f["note"].error_messages["required"] = _(
                "请写明出党的方式和依据（如退党、除名、开除党籍）。"
            )
        # Field order: what the kind asks first, then the date, then the free note.
        self.order_fields([k for k in f if k not in ("date", "note")] + ["date", "note"])
        for field in f.values():
            self._style(field)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {
            "kind": self.kind,
            "date": d["date"],
            "note": d.get("note", ""),
            "expected_version": d["version"],
        }
        for key in ("to_org_name", "from_org_name", "letter_no", "letter_valid_until", "mode"):
            if key in d:
                out[key] = d[key] or ("" if key != "letter_valid_until" else None)
        if "to_org" in d:
            out["to_org"] = d["to_org"]
        if "categories" in d:
            out["categories"] = d["categories"]
        return out
