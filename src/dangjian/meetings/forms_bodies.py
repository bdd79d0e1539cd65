"""Forms of the bodies, county-leader and study-group pages. They check input and keep what was
typed; the services write. Choices come from what the user may change, so a forged POST naming
another community's organisation or unit is refused like a typing error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED as SHARED_REQUIRED
from dangjian.core.forms import StyledForm, date_field
from dangjian.members.models import Category

from .models import BodyKind

REQUIRED = {"required": SHARED_REQUIRED}
BAD_CHOICE = {"invalid_choice": gettext_lazy("请从列表中选择。"), **REQUIRED}


class OrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(obj.depth - 1, 0) + obj.name


class BodyForm(StyledForm):
    org = OrgChoice(label=gettext_lazy("牵头党组织"), queryset=None, error_messages=BAD_CHOICE)
    kind = forms.ChoiceField(
        label=gettext_lazy("机构类型"),
        choices=[("", gettext_lazy("请选择")), *BodyKind.choices],
        error_messages=BAD_CHOICE,
        help_text=gettext_lazy(
            "县委牵头指导委员会，街道（镇）牵头协调委员会，社区牵头联席会、党员议事会、代表大会和听证会。"
        ),
    )
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, error_messages=REQUIRED)
    established_on = date_field(gettext_lazy("成立日期"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("有效"), required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, orgs: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if not editing:
            del self.fields["is_active"]
            del self.fields["version"]


class SeatForm(StyledForm):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("驻区单位"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不是驻区单位）"),
        error_messages=BAD_CHOICE,
    )
    member_org = OrgChoice(
        label=gettext_lazy("或：成员党组织"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不是党组织）"),
        error_messages=BAD_CHOICE,
    )
    name = forms.CharField(
        label=gettext_lazy("成员单位名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("不填则用所选单位的名称。"),
    )
    head = forms.CharField(
        label=gettext_lazy("单位负责人（委员）"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("不填则用驻区单位登记的负责人。"),
    )
    joined_on = date_field(gettext_lazy("加入日期"))

    def __init__(self, *args: Any, units: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["member_org"].queryset = orgs


class SeatEditForm(StyledForm):
    name = forms.CharField(
        label=gettext_lazy("成员单位名称"), max_length=100, error_messages=REQUIRED
    )
    head = forms.CharField(label=gettext_lazy("单位负责人（委员）"), max_length=50, required=False)
    joined_on = date_field(gettext_lazy("加入日期"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EndForm(StyledForm):
    """Ending a seat or a leader link: the last day."""

    on = date_field(gettext_lazy("退出（结束）日期"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LeaderLinkForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("县领导姓名"), max_length=50, error_messages=REQUIRED)
    title = forms.CharField(label=gettext_lazy("职务"), max_length=100, required=False)
    since = date_field(gettext_lazy("联系开始"))


class LeaderVisitForm(StyledForm):
    date = date_field(gettext_lazy("督导日期"))
    leaders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("来督导的县领导"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("请选择来督导的县领导。"),
            "invalid_choice": gettext_lazy("只能选择联系本社区的县领导。"),
            "invalid_pk_value": gettext_lazy("只能选择联系本社区的县领导。"),
        },
    )
    topic = forms.CharField(
        label=gettext_lazy("督导内容"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("不填则记为“县领导督导社区党建工作”。"),
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    minutes = forms.CharField(
        label=gettext_lazy("督导意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = leaders


CATEGORY_CHOICES = [("", gettext_lazy("不限类别")), *Category.choices]


class StudyGroupForm(StyledForm):
    org = OrgChoice(label=gettext_lazy("所属党组织"), queryset=None, error_messages=BAD_CHOICE)
    name = forms.CharField(
        label=gettext_lazy("学习小组名称"), max_length=100, error_messages=REQUIRED
    )
    category = forms.ChoiceField(
        label=gettext_lazy("党员类别"),
        choices=CATEGORY_CHOICES,
        required=False,
        error_messages=BAD_CHOICE,
    )
    is_active = forms.BooleanField(label=gettext_lazy("有效"), required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, orgs: Any = None, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["org"]
        else:
            self.fields["org"].queryset = orgs
            del self.fields["is_active"]
            del self.fields["version"]


class StudySessionForm(StyledForm):
    far_future_fields = ("date",)

    date = date_field(gettext_lazy("日期"))
    topic = forms.CharField(label=gettext_lazy("学习内容"), max_length=200, error_messages=REQUIRED)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    host = forms.CharField(label=gettext_lazy("主持人"), max_length=50, required=False)
