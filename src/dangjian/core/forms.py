"""Form pieces every app shares: dates typed the way people type them, Bootstrap styling with
red frames on bad fields, and a service's refusal shown on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    validators: list[Callable[[Any], None]] | None = None,
) -> forms.DateField:
    """A date typed as 2024-07-01 (or 2024/7/1, 2024.7.1, 2024年7月1日)."""
    return forms.DateField(
        label=label,
        required=required,
        validators=validators or [],
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={
            "invalid": gettext_lazy("请按“年-月-日”填写日期，例如 2024-07-01。"),
            "required": gettext_lazy("此项必须填写。"),
        },
    )


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (large: many users are older), and a red frame on the
    fields that have errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self._style(field)

    @staticmethod
    def _style(field: forms.Field) -> None:
        w = field.widget
        if isinstance(w, forms.HiddenInput):
            return
        if isinstance(w, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            w.attrs["class"] = "form-check-input"
        elif isinstance(w, forms.Select):
            w.attrs["class"] = "form-select form-select-lg"
        else:
            w.attrs["class"] = "form-control form-control-lg"

    def mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                if "is-invalid" not in w.attrs.get("class", ""):
                    w.attrs["class"] = w.attrs.get("class", "") + " is-invalid"
                w.attrs["aria-invalid"] = "true"

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self.mark_errors()


def org_options(user: Any, selected: int | None) -> str:
    """``<option>``s of the organisations a user may filter a list by, indented by depth."""
    from django.utils.html import format_html_join

    from dangjian.members.selectors import org_choices

    rows = org_choices(user=user, selected=selected)
    base = min((r[2] for r in rows), default=0)
    return format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        (
            (pk, " selected" if pk == selected else "", "\u3000" * (depth - base), name)
            for pk, name, depth, _path in rows
        ),
    )


def parse_date(raw: str | None):  # noqa: ANN201 - a date or None
    """A date typed the way people type it (see :data:`DATE_FORMATS`), or None."""
    import datetime as dt

    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime((raw or "").strip(), fmt).date()
        except ValueError:
            continue
    return None
