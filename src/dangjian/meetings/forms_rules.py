"""Forms of the §13 rules kept by the meetings app: a heart-to-heart talk, a lost-contact case
and its decisions, a vote and its withdrawal. They check the shape of the input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED as SHARED_REQUIRED
from dangjian.core.forms import StyledForm, date_field

from .models_lost import LostDecisionKind

REQUIRED = {"required": SHARED_REQUIRED}


class TalkForm(StyledForm):
    talker = forms.TypedChoiceField(
        label=gettext_lazy("谈话人"),
        coerce=int,
        error_messages={"required": gettext_lazy("请选择谈话人。")},
    )
    date = date_field(gettext_lazy("谈话日期"))
    note = forms.CharField(
        label=gettext_lazy("谈话要点"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "简要记录即可（300 字以内）。只有支部书记等管理人员和谈话对象本人能看到。"
        ),
    )

    def __init__(self, *args: Any, talkers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["talker"].choices = [
            ("", gettext_lazy("请选择")),
            *((o.pk, f"{o.holder_name}（{o.org.name}{o.get_title_display()}）") for o in talkers),
        ]


class LostForm(StyledForm):
    member = forms.TypedChoiceField(
        label=gettext_lazy("党员"),
        coerce=int,
        error_messages={"required": gettext_lazy("请选择党员。")},
    )
    lost_on = date_field(
        gettext_lazy("失去联系日期"), help_text=gettext_lazy("最后一次联系上的日期之后。")
    )
    note = forms.CharField(
        label=gettext_lazy("查找情况"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("电话、走访、向工作单位或家属了解的情况。"),
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", gettext_lazy("请选择")), *members]


class FoundForm(StyledForm):
    found_on = date_field(gettext_lazy("恢复联系日期"))
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=200)


class DecideForm(StyledForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("决定"),
        choices=LostDecisionKind.choices,
        error_messages={"required": gettext_lazy("请选择决定。")},
    )
    decided_on = date_field(gettext_lazy("决定日期"))
    decided_by = forms.CharField(
        label=gettext_lazy("决定机构"),
        max_length=100,
        initial=gettext_lazy("支部委员会"),
        error_messages=REQUIRED,
        help_text=gettext_lazy("例如：支部委员会、支部党员大会。"),
    )
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in LostDecisionKind.choices if c[0] in kinds]


class VoteForm(StyledForm):
    motion = forms.CharField(
        label=gettext_lazy("表决事项"), max_length=200, error_messages=REQUIRED
    )
    yes = forms.IntegerField(label=gettext_lazy("赞成"), min_value=0, error_messages=REQUIRED)
    no = forms.IntegerField(
        label=gettext_lazy("反对"), min_value=0, initial=0, error_messages=REQUIRED
    )
    abstain = forms.IntegerField(
        label=gettext_lazy("弃权"), min_value=0, initial=0, error_messages=REQUIRED
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("yes", "no", "abstain"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"


class VoteVoidForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("撤销原因"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写撤销原因，例如票数录入错误。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
