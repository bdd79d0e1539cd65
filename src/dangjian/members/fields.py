"""Form fields that pick members, with people of the same name told apart (``members.labels``).

Django labels each choice on its own (``label_from_instance``), which cannot know that another
choice has the same name. These fields label the whole choice set at once: the queryset is read
once per rendering, as before, and a name that occurs twice gets its birth year (then the ID
number's last four, then the household) beside it.

A subclass or a form may still set ``label_from_instance`` (``"name（org）"``); the hint is put
inside its brackets: ``"name（1968年生，org）"``.

``org``: also show the member's organisation in every label — ``"name"`` (its full name) or
``"short"`` (the short name where there is one); the queryset should ``select_related("org")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from .labels import add_hint, duplicate_hints, with_hint


class MemberChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        objs = list(self.queryset)
        for obj, hint in zip(objs, duplicate_hints(objs), strict=True):
            yield (
                ModelChoiceIteratorValue(field.prepare_value(obj), obj),
                field.label_with_hint(obj, hint),
            )


class _MemberLabels:
    iterator = MemberChoiceIterator
    org: str | None = None

    def _init_labels(self, kwargs: dict[str, Any]) -> None:
        self.org = kwargs.pop("org", None)

    def _org_name(self, obj: Any) -> str:
        if not self.org or not getattr(obj, "org_id", None):
            return ""
        if self.org == "short":
            return obj.org.short_name or obj.org.name
        return obj.org.name

    def label_with_hint(self, obj: Any, hint: str) -> str:
        # the field's own label (a subclass's or a form's override), with the hint put in
        return add_hint(self.label_from_instance(obj), obj.name, hint)

    def label_from_instance(self, obj: Any) -> str:
        # used alone only outside the choice list (e.g. an error naming one choice)
        return with_hint(obj.name, "", self._org_name(obj))


class MemberChoiceField(_MemberLabels, forms.ModelChoiceField):
    """Pick one member; same names told apart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._init_labels(kwargs)
        super().__init__(*args, **kwargs)


class MemberMultipleChoiceField(_MemberLabels, forms.ModelMultipleChoiceField):
    """Pick several members; same names told apart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._init_labels(kwargs)
        super().__init__(*args, **kwargs)
