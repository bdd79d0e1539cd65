"""Forms of the awards pages. The services check everything again (the API uses them too)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm
from dangjian.members.fields import MemberChoiceField

from .models import Outcome

STAR_CHOICES = [
    (5, _("五星")),
    (4, _("四星")),
    (3, _("三星")),
    (2, _("二星")),
    (1, _("一星")),
    (0, _("不评为示范点")),
]


class DecideForm(StyledForm):
    stars = forms.TypedChoiceField(label=_("决定星级"), choices=STAR_CHOICES, coerce=int)
    reason = forms.CharField(
        label=_("与建议不同的理由"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("决定与建议星级不同时必须填写。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RoundForm(StyledForm):
    org = forms.ModelChoiceField(label=_("评选组织"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=100)
    nominate_by = forms.DateField(
        label=_("推荐截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, orgs=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class NominateForm(StyledForm):
    member = MemberChoiceField(
        label=_("被推荐的党员"), queryset=None, required=False, empty_label=_("（不是党员）")
    )
    staff = forms.ModelChoiceField(
        label=_("或：社区工作者"), queryset=None, required=False, empty_label=_("（不选）")
    )
    citation = forms.CharField(
        label=_("推荐理由（主要事迹）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args, members=None, staff=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.org.name}）"
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda s: (
            f"{s.name}（{s.post or s.get_kind_display()}）"
        )


class NominationDecideForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("评选结果"),
        choices=[(Outcome.CHOSEN, _("评为优秀")), (Outcome.NOT_CHOSEN, _("未评上"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("未评上的必须写明理由。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
