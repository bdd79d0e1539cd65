"""Forms of the organisation and place trees. They check input and keep what was typed; the
services write (and check again, so a refused write shows the same plain message).

Edit forms carry the ``version`` the user opened: if someone else saved meanwhile, the service
refuses with a :class:`~dangjian.core.services.ConflictError` and the form shows it, keeping
what the user typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED as SHARED_REQUIRED
from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberChoiceField as MemberPicker
from dangjian.members.models import Member, State

from .models import LEAF_KINDS, UPPER_KINDS, Office, Organisation, OrgKind, Place, PlaceKind
from .selectors import today

#: Members offered in the office holder select; beyond this the name is typed instead.
MEMBER_CHOICE_LIMIT = 500


def _required(label: str, **kwargs: Any) -> dict[str, Any]:
    return {
        "label": label,
        "error_messages": {"required": SHARED_REQUIRED},
        **kwargs,
    }


class VersionedForm(StyledForm):
    """An edit form: the version the user opened travels in a hidden field."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def data_without_version(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def kind_choices(parent: Organisation | None) -> list[tuple[str, str]]:
    """Kinds that make sense under ``parent`` (the service refuses the others too)."""
    if parent is not None and parent.kind in LEAF_KINDS:
        return []
    allowed = [
        (k, label)
        for k, label in OrgKind.choices
        if parent is None or parent.kind in UPPER_KINDS or k not in UPPER_KINDS
    ]
    return allowed


class OrgForm(VersionedForm):
    """Create an organisation under a parent, or edit one (same fields)."""

    kind = forms.ChoiceField(
        **_required(
            gettext_lazy("组织类型"),
            help_text=gettext_lazy("党员超过 50 人一般设党总支，超过 100 人设党委。"),
        )
    )
    name = forms.CharField(**_required(gettext_lazy("组织名称"), max_length=100))
    short_name = forms.CharField(label=gettext_lazy("简称"), max_length=50, required=False)
    code = forms.CharField(
        **_required(
            gettext_lazy("组织代码"),
            max_length=32,
            help_text=gettext_lazy("本地唯一编码，例如 CA-B3；导入和接口用它指代组织。"),
        )
    )
    established_on = date_field(gettext_lazy("成立日期"), required=False)
    is_county_seat = forms.BooleanField(label=gettext_lazy("县城所在地"), required=False)
    sort = forms.IntegerField(
        label=gettext_lazy("排序"),
        required=False,
        min_value=0,
        initial=0,
        help_text=gettext_lazy("数字小的排在前面。"),
    )

    def __init__(
        self,
        *args: Any,
        parent: Organisation | None,
        instance: Organisation | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f: getattr(instance, f)
                for f in (
                    "kind",
                    "name",
                    "short_name",
                    "code",
                    "established_on",
                    "is_county_seat",
                    "sort",
                    "version",
                )
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["kind"].choices = [("", _("请选择")), *kind_choices(parent)]
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "这种组织类型不能设在“%(p)s”之下。"
        ) % {"p": parent.get_kind_display() if parent else ""}

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        taken = Organisation.objects.filter(code=code)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("这个组织代码已被其他组织使用，请换一个。"))
        return code

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_established_on(self) -> Any:
        d = self.cleaned_data.get("established_on")
        if d and d > today():
            raise ValidationError(_("成立日期不能晚于今天。"))
        return d

    def clean_sort(self) -> int:
        return self.cleaned_data.get("sort") or 0


class MemberChoiceField(MemberPicker):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.org.short_name or obj.org.name}）"


def office_members(*, user: Any, org: Organisation) -> Any:
    """Members who may hold an office in ``org``: active members of its subtree whom the user
    manages."""
    return (
        Member.objects.changeable_by(user)
        .filter(org__path__startswith=org.path, state=State.ACTIVE)
        .select_related("org")
        .order_by("name", "pk")
    )


class OfficeForm(VersionedForm):
    """Record an office holder with the term, or end an office (the day the holder left)."""

    title = forms.ChoiceField(
        **_required(
            gettext_lazy("职务"), choices=[("", gettext_lazy("请选择")), *Office.Title.choices]
        )
    )
    member = MemberChoiceField(
        queryset=Member.objects.none(),
        label=gettext_lazy("党员"),
        required=False,
        empty_label=gettext_lazy("（不是本系统党员，填写姓名）"),
        error_messages={"invalid_choice": gettext_lazy("所选党员不在本组织，请重新选择。")},
    )
    holder_name = forms.CharField(
        label=gettext_lazy("姓名"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("选了党员可不填。"),
    )
    term_start = date_field(gettext_lazy("任期开始"))
    term_end = date_field(
        gettext_lazy("任期届满"),
        required=False,
        help_text=gettext_lazy("不填则按规则自动计算（社区党组织每届 5 年，其他 3 年）。"),
    )
    left_on = date_field(
        gettext_lazy("离任日期"), required=False, help_text=gettext_lazy("仍在任的不填。")
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        org: Organisation,
        instance: Office | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "member": instance.member_id,
                "holder_name": instance.holder_name,
                "term_start": instance.term_start,
                "term_end": instance.term_end,
                "left_on": instance.left_on,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.org = org
        members = office_members(user=user, org=org)
        if (
            org.kind in UPPER_KINDS
            or members[: MEMBER_CHOICE_LIMIT + 1].count() > MEMBER_CHOICE_LIMIT
        ):
            del self.fields["member"]  # too many to choose from: type the name
            self.fields["holder_name"].required = True
            self.fields["holder_name"].help_text = ""
        else:
            self.fields["member"].queryset = members

    def clean_left_on(self) -> Any:
        d = self.cleaned_data.get("left_on")
        if d and d > today():
            raise ValidationError(_("离任日期不能晚于今天。"))
        return d

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("member") and not (data.get("holder_name") or "").strip():
            self.add_error("holder_name", _("请选择党员，或填写任职人姓名。"))
        start, end, left = data.get("term_start"), data.get("term_end"), data.get("left_on")
        if start and end and end < start:
            self.add_error("term_end", _("任期届满日期不能早于任期开始日期。"))
        if start and left and left < start:
            self.add_error("left_on", _("离任日期不能早于任期开始日期。"))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.data_without_version()
        data["holder_name"] = (data.get("holder_name") or "").strip()
        if data.get("member") is not None and not data["holder_name"]:
            data["holder_name"] = data["member"].name
        return data


class PlaceForm(VersionedForm):
    """Add or edit a place. Its kind follows from its parent, so it is not asked."""

    name = forms.CharField(
        **_required(
            gettext_lazy("名称"),
            max_length=100,
            help_text=gettext_lazy("例如：第一网格、3号楼、2单元、301室。"),
        )
    )
    population = forms.IntegerField(
        label=gettext_lazy("居民人数"), required=False, min_value=0, initial=0
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)

    def __init__(self, *args: Any, instance: Place | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "population": instance.population,
                "address": instance.address,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_population(self) -> int:
        return self.cleaned_data.get("population") or 0


class PlaceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        if obj.kind == PlaceKind.CORRIDOR and obj.parent is not None:
            return f"{obj.parent.name} {obj.name}"
        return f"{obj.name}（{obj.get_kind_display()}）"


class CoverForm(StyledForm):
    """Which places an organisation covers (ticked boxes)."""

    places = PlaceChoiceField(
        queryset=Place.objects.none(),
        label=gettext_lazy("覆盖区域"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("所选区域不在本社区，请重新选择。")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["places"].queryset = candidates
