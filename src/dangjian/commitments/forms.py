"""Forms of the commitment pages: large fields, plain words, what was typed kept on error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.labels import member_choices

from .models import Kind


class CommitmentForm(StyledForm):
    kind = forms.ChoiceField(label=_("承诺类型"), choices=Kind.choices, initial=Kind.DEED)
    title = forms.CharField(
        label=_("承诺事项"),
        max_length=100,
        error_messages={"required": _("请填写承诺事项。")},
        help_text=_("一句话说清做什么，例如：每月为独居老人代买药品。"),
    )
    content = forms.CharField(
        label=_("承诺内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写承诺内容。")},
    )
    measures = forms.CharField(
        label=_("践诺措施"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DraftForOtherForm(CommitmentForm):
    """A secretary writes the draft on a member's behalf (the member still submits it)."""

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "member": forms.ChoiceField(
                label=_("党员"),
                choices=[("", "——")]
                + member_choices(members, lambda m: f"{m.name}（{m.org.name}）"),
            ),
            **self.fields,
        }
        self.fields["member"].widget.attrs["class"] = "form-select form-select-lg"


class EvidenceForm(StyledForm):
    """A deed not recorded before (践诺 or 履职): recorded once, then counted where it belongs."""

    date = date_field(_("日期"))
    text = forms.CharField(
        label=_("做了什么"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明做了什么。")},
    )


class StepForm(StyledForm):
    """A step of the workflow. What is typed is checked by the service (a return needs a reason,
    a deliberation its meeting): the form only carries it back to the page on a refusal."""

    reason = forms.CharField(label=_("退回原因"), required=False, max_length=300)
    meeting = forms.CharField(label=_("议诺会议"), required=False)


class RatingForm(StyledForm):
    score = forms.IntegerField(label=_("分数（0–100）"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("评语"), required=False, max_length=300)


class ResidentRatingForm(RatingForm):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("只用于防止重复评价，系统不保存号码本身。"),
    )


class BoardForm(StyledForm):
    """The community's choices for its public board."""

    allow_code_address = forms.BooleanField(
        label=_("保留旧地址（用组织代码组成的地址）"),
        required=False,
        help_text=_(
            "只为已经张贴、还没换下来的旧二维码保留。旧地址容易被猜到，换好新二维码后请取消。"
        ),
    )
    show_full_names = forms.BooleanField(
        label=_("向未登录的访客显示党员全名"),
        required=False,
        help_text=_("不勾选时，未登录的访客看到“张某”；登录的党员和干部总能看到全名。"),
    )
    show_stars = forms.BooleanField(
        label=_("在党务居务公开栏显示驻区单位星光榜"),
        required=False,
        help_text=_("勾选后，公开栏显示本年度驻区单位的星级评定（五星单位列出名称）。"),
    )


class VoidForm(StyledForm):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=200,
        error_messages={"required": _("请写明作废原因。")},
        help_text=_("例如：同一网络十分钟内 8 条满分评价，手机号码连号。"),
    )
