"""Writes of target responsibility letters: draft a letter (with the default targets), change its
targets while it is a draft, sign it, void it; judge an unlinked target and note progress.

Every write is atomic and audited; the letter's row is locked and its ``version`` checked, so a
target cannot be changed while someone else signs. Bad input is refused with a Chinese message and
nothing is written. Who may do what: see ``models`` (the issuer changes, either side notes).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import too_long
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, audited_update, user_or_none
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Office, Organisation

from .models import Judgement, Letter, ProgressNote, Side, Status, Target

TEXT_MAX = 300


# ---- checks ---------------------------------------------------------------------------------
def _may_issue(user: Any, issuer: Organisation) -> bool:
    return scope_for(user).reaches_path(issuer.path, CHANGE)


def _check_issuer(letter: Letter, acting_user: Any) -> None:
    if not _may_issue(acting_user, letter.issuer):
        raise PermissionDenied(_("只有发文单位可以修改、签订或作废责任书。"))


def _check_version(letter: Letter, version: int | None) -> None:
    if version is not None and letter.version != version:
        raise ConflictError(
            _(
                "该责任书已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再操作。"
            )
            % {"mine": version, "now": letter.version},
            code="conflict",
        )


def _locked(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update().select_related("issuer", "community").get(pk=letter.pk)
    )


def _check_draft(letter: Letter) -> None:
    if letter.status == Status.SIGNED:
        raise ValidationError(_("责任书已签订，目标不能再修改。如确需调整，请作废后重新起草。"))
    if letter.status == Status.VOIDED:
        raise ValidationError(_("责任书已作废，不能再修改。"))


def _bump(letter: Letter) -> None:
    """A target changed: the letter's version moves on, so a sign form opened before is refused."""
    Letter.objects.filter(pk=letter.pk).update(version=F("version") + 1, updated_at=timezone.now())
    letter.refresh_from_db(fields=["version", "updated_at"])


def issuers_for(*, user: Any, community: Organisation) -> list[Organisation]:
    """Upper organisations above ``community`` the user may issue letters for, nearest first."""
    ancestors = community.ancestors().filter(kind__in=list(UPPER_KINDS), is_active=True)
    return sorted(
        (o for o in ancestors if _may_issue(user, o)), key=lambda o: o.depth, reverse=True
    )


def current_secretaries(*, org: Organisation, on: dt.date) -> list[Office]:
    """The secretary offices of ``org`` held on ``on`` (who may sign a letter that day)."""
    return list(
        Office.objects.filter(org=org, title=Office.Title.SECRETARY, term_start__lte=on)
        .current(on)
        .select_related("member")
        .order_by("-term_start", "pk")
    )


def default_targets(*, community: Organisation) -> list[dict[str, Any]]:
    """One target per indicator weighted above 0 for the community, its rule target as the value."""
    from dangjian.assessment.indicators import all_indicators
    from dangjian.assessment.scoring import Numbers

    numbers = Numbers.for_org(community)
    out = []
    for ind in all_indicators():
        if numbers.weight(ind.key) <= 0:
            continue
        pct = (numbers.target(ind.key) * 100).quantize(Decimal("0.1"))
        pct = min(max(pct, Decimal(0)), Decimal(100))
        out.append(
            {
                "indicator": ind.key,
                "target_percent": pct,
                "text": _("%(t)s达到 %(p)s%%") % {"t": ind.title, "p": _plain(pct)},
            }
        )
    return out


def _plain(d: Decimal) -> str:
    return f"{d:.1f}".rstrip("0").rstrip(".")


def _clean_target(
    *, text: str, indicator: str, target_percent: Any
) -> tuple[str, str, Decimal | None]:
    from dangjian.assessment.indicators import get

    errors: dict[str, str] = {}
    text = (text or "").strip()
    indicator = (indicator or "").strip()
    if not text:
        errors["text"] = _("请填写目标内容。")
    elif len(text) > TEXT_MAX:
        errors["text"] = too_long(text, TEXT_MAX, _("目标内容"))
    if indicator and get(indicator) is None:
        errors["indicator"] = _("没有这个考核指标。")
    value: Decimal | None = None
    if target_percent not in (None, ""):
        try:
            value = Decimal(str(target_percent)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors["target_percent"] = _("目标值请填写 0 到 100 之间的数。")
        else:
            if not indicator:
                errors["target_percent"] = _(
                    "只有对应考核指标的目标才填写目标值；不对应指标的目标由考核组评定。"
                )
            elif not Decimal(0) <= value <= Decimal(100):
                errors["target_percent"] = _("目标值请填写 0 到 100 之间的数。")
    if errors:
        raise ValidationError(errors)
    return text, indicator, value


# ---- letters --------------------------------------------------------------------------------
@transaction.atomic
def letter_create(
    *,
    acting_user: Any,
    community: Organisation,
    year: int,
    issuer: Organisation | None = None,
    issuer_signatory: str = "",
    with_defaults: bool = True,
    today: dt.date | None = None,
) -> Letter:
    """Draft the year's letter for a community, its targets pre-filled from the indicators."""
    today = today or timezone.localdate()
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError(_("目标责任书与社区党组织签订。"))
    allowed = issuers_for(user=acting_user, community=community)
    if issuer is None:
        if not allowed:
            raise PermissionDenied(_("只有社区上级的街道（镇）或县（区）党委可以起草责任书。"))
        issuer = allowed[0]
    elif issuer.pk not in {o.pk for o in allowed}:
        raise PermissionDenied(_("只能以您负责的上级党委的名义起草本社区的责任书。"))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("请填写年度。")}) from None
    if not today.year - 1 <= year <= today.year + 1:
        raise ValidationError({"year": _("只能起草去年、今年或明年的责任书。")})
    if Letter.objects.live().filter(community=community, year=year).exists():
        raise ValidationError(
            _("%(c)s %(y)d 年度已有目标责任书，请先作废后再起草。")
            % {"c": community.name, "y": year}
        )
    signatory = (issuer_signatory or "").strip()
    if not signatory:
        offices = current_secretaries(org=issuer, on=today)
        signatory = offices[0].holder_name if offices else ""
    if long := too_long(signatory, Letter._meta.get_field("issuer_signatory").max_length):
        raise ValidationError({"issuer_signatory": long})
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                issuer=issuer,
                community=community,
                year=year,
                issuer_signatory=signatory,
                created_by=user_or_none(acting_user),
            )
    except IntegrityError:
        raise ValidationError(
            _("%(c)s %(y)d 年度已有目标责任书，请先作废后再起草。")
            % {"c": community.name, "y": year}
        ) from None
    if with_defaults:
        Target.objects.bulk_create(
            [
                Target(letter=letter, order=i, **t)
                for i, t in enumerate(default_targets(community=community), start=1)
            ]
        )
    audit.record_create(letter, acting_user=acting_user)
    return letter


@transaction.atomic
def letter_update(
    letter: Letter, *, acting_user: Any, version: int, issuer_signatory: str
) -> Letter:
    """Correct the issuer's signatory while the letter is a draft."""
    letter = _locked(letter)
    _check_issuer(letter, acting_user)
    _check_draft(letter)
    signatory = (issuer_signatory or "").strip()
    if len(signatory) > 50:
        raise ValidationError({"issuer_signatory": too_long(signatory, 50, _("姓名"))})
    return audited_update(
        letter,
        data={"issuer_signatory": signatory},
        acting_user=acting_user,
        expected_version=version,
    )


@transaction.atomic
def letter_sign(
    letter: Letter,
    *,
    acting_user: Any,
    version: int,
    signer_office: Office | None,
    signed_on: dt.date | None,
    issuer_signatory: str | None = None,
    today: dt.date | None = None,
) -> Letter:
    """Record the signing: only a draft with targets; the community's secretary in office that
    day (picked from the office records, not typed). The targets are frozen from then on."""
    today = today or timezone.localdate()
    letter = _locked(letter)
    _check_issuer(letter, acting_user)
    _check_version(letter, version)
    if letter.status != Status.DRAFT:
        raise ValidationError(
            _("只有草稿可以签订；这份责任书%(s)s。") % {"s": letter.get_status_display()}
        )
    if not letter.targets.exists():
        raise ValidationError(_("责任书还没有目标，请先添加目标再签订。"))
    errors: dict[str, str] = {}
    if signed_on is None:
        errors["signed_on"] = _("请填写签订日期。")
    elif signed_on > today:
        errors["signed_on"] = _("签订日期不能晚于今天。")
    elif signed_on.year < letter.year - 1 or signed_on.year > letter.year:
        errors["signed_on"] = _("签订日期应在责任书年度内（或上一年年末）。")
    signatory = (letter.issuer_signatory if issuer_signatory is None else issuer_signatory).strip()
    if not signatory:
        errors["issuer_signatory"] = _("请填写发文单位的签订人。")
    elif len(signatory) > 50:
        errors["issuer_signatory"] = too_long(signatory, 50, _("姓名"))
    if signer_office is None:
        errors["signer_office"] = _("请选择签订责任书的社区党组织书记。")
    elif signed_on is not None and "signed_on" not in errors:
        in_office = {o.pk for o in current_secretaries(org=letter.community, on=signed_on)}
        if signer_office.pk not in in_office:
            errors["signer_office"] = _(
                "所选人员在签订之日不是%(c)s的书记，请在组织管理中核对任职记录。"
            ) % {"c": letter.community.name}
    if errors:
        raise ValidationError(errors)
    return audited_update(
        letter,
        data={
            "status": Status.SIGNED,
            "signed_on": signed_on,
            "signer_office": signer_office,
            "signer_name": signer_office.holder_name,
            "issuer_signatory": signatory,
        },
        acting_user=acting_user,
        expected_version=version,
    )


@transaction.atomic
def letter_void(
    letter: Letter,
    *,
    acting_user: Any,
    version: int,
    reason: str,
    on: dt.date | None = None,
) -> Letter:
    """Void a draft or a signed letter, with the reason; a new one may then be drafted."""
    letter = _locked(letter)
    _check_issuer(letter, acting_user)
    _check_version(letter, version)
    if letter.status == Status.VOIDED:
        raise ValidationError(_("责任书已作废。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废理由。")})
    if len(reason) > 200:
        raise ValidationError({"reason": too_long(reason, 200, _("作废理由"))})
    return audited_update(
        letter,
        data={
            "status": Status.VOIDED,
            "voided_on": on or timezone.localdate(),
            "void_reason": reason,
        },
        acting_user=acting_user,
        expected_version=version,
    )


# ---- targets --------------------------------------------------------------------------------
@transaction.atomic
def target_add(
    letter: Letter,
    *,
    acting_user: Any,
    version: int,
    text: str,
    indicator: str = "",
    target_percent: Any = None,
) -> Target:
    letter = _locked(letter)
    _check_issuer(letter, acting_user)
    _check_draft(letter)
    _check_version(letter, version)
    text, indicator, value = _clean_target(
        text=text, indicator=indicator, target_percent=target_percent
    )
    last = letter.targets.aggregate(m=Max("order"))["m"] or 0
    target = Target.objects.create(
        letter=letter, order=last + 1, text=text, indicator=indicator, target_percent=value
    )
    audit.record_create(target, acting_user=acting_user)
    _bump(letter)
    return target


@transaction.atomic
def target_update(
    target: Target,
    *,
    acting_user: Any,
    version: int,
    text: str,
    indicator: str = "",
    target_percent: Any = None,
) -> Target:
    """Change a draft's target (``version`` is the letter's)."""
    letter = _locked(target.letter)
    _check_issuer(letter, acting_user)
    _check_draft(letter)
    _check_version(letter, version)
    text, indicator, value = _clean_target(
        text=text, indicator=indicator, target_percent=target_percent
    )
    target = audited_update(
        Target.objects.get(pk=target.pk),
        data={"text": text, "indicator": indicator, "target_percent": value},
        acting_user=acting_user,
    )
    _bump(letter)
    return target


@transaction.atomic
def target_remove(target: Target, *, acting_user: Any, version: int) -> None:
    letter = _locked(target.letter)
    _check_issuer(letter, acting_user)
    _check_draft(letter)
    _check_version(letter, version)
    target = Target.objects.select_related("letter__community").get(pk=target.pk)
    audit.record_delete(target, acting_user=acting_user)
    target.delete()
    # keep the numbering 1, 2, 3 … as printed
    for i, t in enumerate(letter.targets.order_by("order", "pk"), start=1):
        if t.order != i:
            Target.objects.filter(pk=t.pk).update(order=i)
    _bump(letter)


@transaction.atomic
def target_judge(
    target: Target,
    *,
    acting_user: Any,
    version: int,
    judgement: str,
    on: dt.date | None = None,
) -> Target:
    """The assessment team's verdict on an unlinked target of a signed letter (``version`` is
    the target's)."""
    letter = _locked(target.letter)
    _check_issuer(letter, acting_user)
    if letter.status != Status.SIGNED:
        raise ValidationError(_("责任书签订后才能评定目标。"))
    target = Target.objects.select_related("letter__community").get(pk=target.pk)
    if target.indicator:
        raise ValidationError(_("对应考核指标的目标按平台记录自动计算，不需要评定。"))
    if judgement not in Judgement.values:
        raise ValidationError({"judgement": _("请选择评定结果。")})
    return audited_update(
        target,
        data={
            "judgement": judgement,
            "judged_on": (on or timezone.localdate()) if judgement else None,
        },
        acting_user=acting_user,
        expected_version=version,
    )


@transaction.atomic
def note_add(
    target: Target,
    *,
    acting_user: Any,
    day: dt.date | None,
    text: str,
    today: dt.date | None = None,
) -> ProgressNote:
    """A line on a target's progress, by the issuer or by the community itself."""
    today = today or timezone.localdate()
    target = Target.objects.select_related("letter__community", "letter__issuer").get(pk=target.pk)
    letter = target.letter
    scope = scope_for(acting_user)
    if scope.reaches_path(letter.issuer.path, CHANGE):
        side = Side.ISSUER
    elif scope.reaches_path(letter.community.path, CHANGE):
        side = Side.COMMUNITY
    else:
        raise PermissionDenied(_("只有发文单位和本社区可以记录进展。"))
    if letter.status != Status.SIGNED:
        raise ValidationError(_("责任书签订后才能记录目标进展。"))
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("请填写进展情况。")
    elif len(text) > 500:
        errors["text"] = too_long(text, 500, _("进展情况"))
    if day is None:
        errors["day"] = _("请填写日期。")
    elif day > today:
        errors["day"] = _("日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    note = ProgressNote.objects.create(
        target=target, day=day, text=text, side=side, author=user_or_none(acting_user)
    )
    audit.record(
        action=AuditEntry.Action.CREATE,
        obj=note,
        acting_user=acting_user,
        changes=audit.diff({}, audit.snapshot(note)),
        scope_path=letter.community.path,
    )
    return note
