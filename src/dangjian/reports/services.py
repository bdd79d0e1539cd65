"""Saving the secretary's words of an annual report — never its figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.services import audited_update, user_or_none

from .figures import SECTION_KEYS
from .models import ReportDraft

MAX_CHARS = 3000


def _clean(prose: dict[str, Any]) -> dict[str, str]:
    unknown = sorted(set(prose) - set(SECTION_KEYS))
    if unknown:
        raise ValidationError(_("报告中没有这一部分：%(k)s") % {"k": "、".join(unknown)})
    out = {}
    for key in SECTION_KEYS:
        text = str(prose.get(key, "") or "").strip()
        if len(text) > MAX_CHARS:
            raise ValidationError(
                _("每一部分的文字不超过 %(n)d 字（现有 %(m)d 字），请精简。")
                % {"n": MAX_CHARS, "m": len(text)},
                code=key,
            )
        out[key] = text
    return out


@transaction.atomic
def draft_save(
    *, community: Any, year: int, prose: dict[str, Any], acting_user: Any, version: int | None
) -> ReportDraft:
    """Save the words of each section; ``version`` is the draft's version the form showed
    (``None`` when there was no draft yet). A draft saved meanwhile by someone else is not
    overwritten: the conflict is reported and nothing changes."""
    clean = _clean(prose)
    draft = ReportDraft.objects.filter(community=community, year=year).first()
    if draft is None:
        if version is not None:
            raise ValidationError(_("这份报告已被删除或不存在，请刷新页面。"), code="conflict")
        try:
            with transaction.atomic():
                draft = ReportDraft.objects.create(
                    community=community,
                    year=year,
                    prose=clean,
                    updated_by=user_or_none(acting_user),
                )
        except IntegrityError:
            raise ValidationError(
                _("这份报告刚刚已由他人保存，请刷新页面，核对后再保存。"), code="conflict"
            ) from None
        audit.record_create(draft, acting_user=acting_user)
        return draft
    return audited_update(
        draft,
        data={"prose": clean, "updated_by": user_or_none(acting_user)},
        acting_user=acting_user,
        expected_version=version if version is not None else -1,
    )
