"""Form pieces every app shares: one set of messages (the same words for the same mistake on
every page), dates typed the way people type them, Bootstrap styling with red frames on bad
fields, a warning on dates far in the future, and a service's refusal shown on the form.

Every form of the project derives from :class:`StyledForm` (or uses :class:`SharedMessages`): a
field's Django default message ("这个字段是必填项。", "确保该值不超过 50 个字符…") is replaced
by the project's wording below; a message a form sets itself is kept. Text inputs carry no
``maxlength`` attribute: a browser would cut a pasted name silently, the server refuses it with
both counts instead (:data:`TOO_LONG`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]

# --- the project's messages -----------------------------------------------------------------
REQUIRED = gettext_lazy("此项必须填写。")
TOO_LONG = gettext_lazy("不能超过 %(limit_value)d 个字（现在 %(show_value)d 个字）。")
TOO_SHORT = gettext_lazy("至少 %(limit_value)d 个字（现在 %(show_value)d 个字）。")
INVALID_DATE = gettext_lazy("请按“年-月-日”填写日期，例如 2024-07-01。")
INVALID_TIME = gettext_lazy("请按“时:分”填写时间，例如 14:30。")
INVALID_DATETIME = gettext_lazy("请按“年-月-日 时:分”填写，例如 2024-07-01 14:30。")
INVALID_INTEGER = gettext_lazy("请填写整数，例如 3。")
INVALID_NUMBER = gettext_lazy("请填写数字，例如 12.5。")
MIN_VALUE = gettext_lazy("不能小于 %(limit_value)s。")
MAX_VALUE = gettext_lazy("不能大于 %(limit_value)s。")
MAX_DIGITS = gettext_lazy("数字太长：最多 %(max)s 位。")
MAX_DECIMALS = gettext_lazy("小数点后最多 %(max)s 位。")
MAX_WHOLE_DIGITS = gettext_lazy("整数部分最多 %(max)s 位。")
INVALID_CHOICE = gettext_lazy("请从列表中选择。")
INVALID_EMAIL = gettext_lazy("请填写正确的电子邮箱，例如 name@example.com。")
INVALID_URL = gettext_lazy("请填写正确的网址，例如 https://www.example.com。")
NO_FILE = gettext_lazy("没有收到文件，请重新选择。")
EMPTY_FILE = gettext_lazy("文件是空的，请检查后重新选择。")
FILE_NAME_TOO_LONG = gettext_lazy("文件名不能超过 %(max)d 个字（现在 %(length)d 个字）。")
NOT_AN_IMAGE = gettext_lazy("请选择一张图片（jpg 或 png）。")
FAR_FUTURE = gettext_lazy(
    "这个日期在今天 %(days)d 天以后（%(date)s），请核对年份和月份；"
    "如果无误，请勾选下面的“日期无误，确认保存”再保存。"
)
FAR_FUTURE_CONFIRM = gettext_lazy("日期无误，确认保存")

_TEXT = {
    "required": REQUIRED,
    "max_length": TOO_LONG,
    "min_length": TOO_SHORT,
    "null_characters_not_allowed": gettext_lazy("内容里有无法识别的字符，请删去后再保存。"),
}
_NUMBER = {"min_value": MIN_VALUE, "max_value": MAX_VALUE, "step_size": INVALID_NUMBER}
_CHOICE = {
    "invalid_choice": INVALID_CHOICE,
    "invalid_list": INVALID_CHOICE,
    "invalid_pk_value": INVALID_CHOICE,
}
#: The project's message for each of Django's error codes, by kind of field (first match wins).
SHARED_MESSAGES: tuple[tuple[type[forms.Field], dict[str, Any]], ...] = (
    (forms.EmailField, {**_TEXT, "invalid": INVALID_EMAIL}),
    (forms.URLField, {**_TEXT, "invalid": INVALID_URL}),
    (forms.DateTimeField, {**_TEXT, "invalid": INVALID_DATETIME}),
    (forms.DateField, {**_TEXT, "invalid": INVALID_DATE}),
    (forms.TimeField, {**_TEXT, "invalid": INVALID_TIME}),
    (
        forms.DecimalField,
        {
            **_TEXT,
            **_NUMBER,
            "invalid": INVALID_NUMBER,
            "max_digits": MAX_DIGITS,
            "max_decimal_places": MAX_DECIMALS,
            "max_whole_digits": MAX_WHOLE_DIGITS,
        },
    ),
    (forms.FloatField, {**_TEXT, **_NUMBER, "invalid": INVALID_NUMBER}),
    (forms.IntegerField, {**_TEXT, **_NUMBER, "invalid": INVALID_INTEGER}),
    (forms.ImageField, {**_TEXT, "invalid_image": NOT_AN_IMAGE}),
    (
        forms.FileField,
        {
            **_TEXT,
            "invalid": NO_FILE,
            "missing": NO_FILE,
            "empty": EMPTY_FILE,
            "max_length": FILE_NAME_TOO_LONG,
            "contradiction": gettext_lazy("请选择新文件，或勾选“清除”，不要两样都做。"),
        },
    ),
    (forms.ChoiceField, {**_TEXT, **_CHOICE}),
    (forms.Field, _TEXT),
)

_DEFAULTS_CACHE: dict[type, dict[str, Any]] = {}


def _django_defaults(cls: type[forms.Field]) -> dict[str, Any]:
    """The messages a field class would have if a form set none (Django's own)."""
    if cls not in _DEFAULTS_CACHE:
        msgs: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            msgs.update(getattr(klass, "default_error_messages", {}))
        _DEFAULTS_CACHE[cls] = msgs
    return _DEFAULTS_CACHE[cls]


def shared_messages(field: forms.Field) -> dict[str, Any]:
    """The project's messages for a field of this kind (see :data:`SHARED_MESSAGES`)."""
    for cls, msgs in SHARED_MESSAGES:
        if isinstance(field, cls):
            return msgs
    return _TEXT


def use_shared_messages(field: forms.Field) -> None:
    """Give ``field`` the project's wording wherever it still has Django's default, keep what the
    form said itself, and drop the ``maxlength`` attribute (a browser would cut a paste without a
    word; the server refuses with both counts). Idempotent."""
    if getattr(field, "_shared_messages", False):
        return
    defaults = _django_defaults(type(field))
    for code, msg in shared_messages(field).items():
        current = field.error_messages.get(code)
        if current is None or current is defaults.get(code):
            field.error_messages[code] = msg
    if isinstance(field, forms.MultiValueField):
        for sub in field.fields:
            use_shared_messages(sub)
    field.widget.attrs.pop("maxlength", None)
    field._shared_messages = True


class SharedMessages:
    """Mixin for a ``forms.Form`` that is not a :class:`StyledForm` (the login form, a list's
    filters): the project's messages on every field, including fields added after ``__init__``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            use_shared_messages(field)

    def __getitem__(self, name: str) -> Any:
        if name in self.fields:
            use_shared_messages(self.fields[name])
        return super().__getitem__(name)

    def full_clean(self) -> None:
        for field in self.fields.values():
            use_shared_messages(field)
        super().full_clean()


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
        error_messages={"invalid": INVALID_DATE, "required": REQUIRED},
    )


def too_long(text: str | None, limit: int, what: str = "") -> str:
    """:data:`TOO_LONG` with both counts when ``text`` has more than ``limit`` characters, else
    ``""``; ``what`` names the field when the message is not shown beside it ("作废理由不能超过
    200 个字（现在 230 个字）。"). Services use it instead of cutting what was typed."""
    n = len(text or "")
    if n <= limit:
        return ""
    return f"{what}{TOO_LONG % {'limit_value': limit, 'show_value': n}}"


def length_errors(model: Any, **values: str | None) -> dict[str, str]:
    """The fields of ``model`` whose ``values`` are longer than the column allows, each with
    :data:`TOO_LONG`: ``length_errors(Asset, name=name, code=code)``."""
    out = {}
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit and (message := too_long(value, limit)):
            out[name] = message
    return out


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def far_future_days(org: Any = None) -> int:
    """How many days ahead an event's date may lie before the form asks to confirm it (rule
    ``form.far_future_days``)."""
    from dangjian.core import rules

    if org is not None and not hasattr(org, "ancestor_codes"):
        org = None
    return int(rules.value("form.far_future_days", "days", org=org))


class StyledForm(SharedMessages, forms.Form):
    """Bootstrap classes on every widget (large: many users are older), a red frame on the
    fields that have errors, and the project's messages (:class:`SharedMessages`).

    ``far_future_fields`` names the event dates of the form (a meeting's day, a course's start)
    that may lie ahead but are very likely a typing error when they lie more than
    :func:`far_future_days` ahead (2030 for 2026): such a date comes back once with a warning
    beside it and the checkbox “日期无误，确认保存” right below; checked, the form is valid. A date
    that was not changed (editing a meeting confirmed before) is not asked about again. Dates
    that may not lie in the future at all are refused by their services, not here.
    """

    far_future_fields: tuple[str, ...] = ()
    CONFIRM_FIELD = "confirm_far_future"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self._style(field)
        self.far_future_flagged: list[str] = []
        if self.is_bound and self.far_future_fields:
            self._add_confirm_field()

    def _add_confirm_field(self) -> None:
        confirm = forms.BooleanField(label=FAR_FUTURE_CONFIRM, required=False)
        self._style(confirm)
        fields, placed = {}, False
        for name, field in self.fields.items():
            fields[name] = field
            if not placed and name in self.far_future_fields:
                fields[self.CONFIRM_FIELD], placed = confirm, True
        if not placed:
            fields[self.CONFIRM_FIELD] = confirm
        self.fields = fields

    def _check_far_future(self) -> None:
        if not self.far_future_fields or self.CONFIRM_FIELD not in self.fields:
            return
        self.far_future_flagged = []
        data = getattr(self, "cleaned_data", {})
        days = far_future_days(getattr(self, "org", None))
        limit = timezone.localdate() + dt.timedelta(days=days)
        confirmed = bool(data.pop(self.CONFIRM_FIELD, False))  # not for the service: only ours
        for name in self.far_future_fields:
            day = data.get(name)
            if isinstance(day, dt.date) and day > limit and name in self.changed_data:
                self.far_future_flagged.append(name)
                if not confirmed:
                    self.add_error(
                        name,
                        ValidationError(
                            FAR_FUTURE,
                            code="far_future",
                            params={"days": days, "date": f"{day.year}年{day.month}月{day.day}日"},
                        ),
                    )
        if not self.far_future_flagged:
            del self.fields[self.CONFIRM_FIELD]

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
        if self.is_bound:
            self._check_far_future()
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
