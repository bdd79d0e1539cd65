"""Forms of training records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberMultipleChoiceField

from .models import Level


class CourseForm(StyledForm):
    far_future_fields = ("start",)

    level = forms.ChoiceField(label=_("培训类别"), choices=Level.choices)
    topic = forms.CharField(label=_("培训内容"), max_length=200)
    start = date_field(_("开始日期"))
    days = forms.IntegerField(
        label=_("天数"),
        min_value=1,
        max_value=365,
        initial=1,
        error_messages={"min_value": _("培训天数至少 1 天。")},
    )
    hours = forms.DecimalField(
        label=_("学时"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0.5,
        error_messages={"min_value": _("学时须大于 0。")},
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)


class AttendanceForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    members = MemberMultipleChoiceField(
        label=_("参训党员（打勾）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    completed = MemberMultipleChoiceField(
        label=_("已结业（打勾）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("members", "completed"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda m: m.name


class ResidentForm(StyledForm):
    name = forms.CharField(label=_("居民姓名"), max_length=50)
    completed = forms.BooleanField(label=_("已结业"), required=False)


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.community.name}，{obj.get_kind_display()}）"


class StaffAttendanceForm(StyledForm):
    staff = StaffChoice(label=_("社区工作者（非党员）"), queryset=None)
    completed = forms.BooleanField(label=_("已结业"), required=False)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
