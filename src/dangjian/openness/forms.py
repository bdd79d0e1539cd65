"""Forms of 党务居务公开: the public words of an item, its photos, withdrawing it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm

from .services import SUMMARY_MAX, TITLE_MAX


class ItemForm(StyledForm):
    """What residents read: the community writes it (nothing is copied from minutes)."""

    title = forms.CharField(
        label=_("公开标题"),
        max_length=TITLE_MAX,
        error_messages={"required": _("请填写公开标题。")},
    )
    summary = forms.CharField(
        label=_("公开说明"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "写给居民看的几句话：做了什么、为谁做的、效果如何。请不要写居民或党员的姓名、电话、住址。"
        ),
    )
    photos = forms.TypedMultipleChoiceField(
        label=_("公开的照片"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只选适合公开的照片：不要选拍到居民家中或能认出困难群众的照片。"),
    )
    rating_open = forms.BooleanField(label=_("接受居民评价"), required=False, initial=True)

    def __init__(self, *args: Any, photos: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].choices = [
            (
                p.pk,
                getattr(p, "caption", "") or getattr(p, "name", "") or _("照片 %(n)d") % {"n": i},
            )
            for i, p in enumerate(photos, 1)
        ]


class WithdrawForm(StyledForm):
    reason = forms.CharField(
        label=_("撤下原因"),
        max_length=200,
        error_messages={"required": _("请写明撤下原因。")},
    )
