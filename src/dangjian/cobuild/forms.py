"""Forms of 共驻共建 pages; the choices offered are only what the user may use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.deeds.models import Deed
from dangjian.members.fields import MemberMultipleChoiceField
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation, ResidentUnit

from .models import ActivityKind, ResourceKind, Theme


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ActivityForm(StyledForm):
    deed = forms.ModelChoiceField(
        label=_("这件事已登记过（选了就不用再填日期、名称和参加者）"),
        queryset=Deed.objects.none(),
        required=False,
    )
    kind = forms.ChoiceField(label=_("活动类别（六联）"), choices=ActivityKind.choices)
    theme = forms.ChoiceField(
        label=_("八进社区"), choices=[("", "——")] + list(Theme.choices), required=False
    )
    # Not required here: a deed picked above brings them; the service says when they are missing.
    title = forms.CharField(label=_("活动名称"), max_length=300, required=False)
    date = date_field(_("日期"), required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("参加单位"),
        queryset=ResidentUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = MemberMultipleChoiceField(
        label=_("参加党员"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_deed = forms.BooleanField(label=_("这是单位为社区办的实事"), required=False)
    is_volunteer_service = forms.BooleanField(
        label=_("这是单位志愿服务队进社区服务"), required=False
    )
    beneficiaries = forms.IntegerField(label=_("受益人数"), min_value=0, required=False)
    money = forms.DecimalField(
        label=_("投入资金（元）"), min_value=0, required=False, decimal_places=2
    )
    goods = forms.CharField(label=_("物资"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("活动情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback = forms.CharField(
        label=_("居民反映"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultiFileField(label=_("照片（可多选）"), required=False)

    def __init__(
        self,
        *args: Any,
        units: Any = None,
        members: Any = None,
        deeds: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if deeds is not None:
            self.fields["deed"].queryset = deeds
        else:
            del self.fields["deed"]
        if units is not None:
            self.fields["units"].queryset = units
        if members is not None:
            self.fields["members"].queryset = members
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "multiple": True})


class ActivityEditForm(StyledForm):
    """Correcting an activity: the units and members who took part stay as recorded."""

    kind = forms.ChoiceField(label=_("活动类别（六联）"), choices=ActivityKind.choices)
    theme = forms.ChoiceField(
        label=_("八进社区"), choices=[("", "——")] + list(Theme.choices), required=False
    )
    title = forms.CharField(label=_("活动名称"), max_length=300)
    date = date_field(_("日期"))
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    is_deed = forms.BooleanField(label=_("这是单位为社区办的实事"), required=False)
    is_volunteer_service = forms.BooleanField(
        label=_("这是单位志愿服务队进社区服务"), required=False
    )
    organisers = forms.CharField(label=_("组织单位"), max_length=200, required=False)
    beneficiaries = forms.IntegerField(label=_("受益人数"), min_value=0, required=False)
    money = forms.DecimalField(
        label=_("投入资金（元）"), min_value=0, required=False, decimal_places=2
    )
    goods = forms.CharField(label=_("物资"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("活动情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback = forms.CharField(
        label=_("居民反映"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultiFileField(label=_("添加照片（可多选）"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    deed_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "multiple": True})


class UnitForm(StyledForm):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("单位类型"), choices=ResidentUnit.Kind.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    head = forms.CharField(label=_("负责人"), max_length=50, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    member_count = forms.IntegerField(label=_("党员人数"), min_value=0, initial=0)
    also_in = forms.ModelMultipleChoiceField(
        label=_("同时所在的其他社区"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, communities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["also_in"].queryset = communities


class AgreementForm(StyledForm):
    title = forms.CharField(label=_("协议名称"), max_length=100)
    signed_on = date_field(_("签订日期"))
    starts_on = date_field(_("起始日期"))
    ends_on = date_field(_("截止日期"))
    unit_pledges = forms.CharField(
        label=_("驻区单位承诺（每行一项）"), widget=forms.Textarea(attrs={"rows": 3})
    )
    community_pledges = forms.CharField(
        label=_("社区承诺（每行一项）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StarsForm(StyledForm):
    """The community's star decision for a unit's year. The range (a rule) and the reason asked
    for when it differs from the proposal are the service's to check."""

    stars = forms.IntegerField(label=_("评定星级"))
    reason = forms.CharField(label=_("调整理由"), required=False, max_length=300)


class ResourceForm(StyledForm):
    kind = forms.ChoiceField(label=_("类别"), choices=ResourceKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    detail = forms.CharField(label=_("说明"), max_length=200, required=False)


class BookingForm(StyledForm):
    day = date_field(_("日期"))
    start = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    purpose = forms.CharField(label=_("用途"), max_length=100)
