"""Writes of the public board (公开示诺): its address and choices, the arithmetic question that
stands between a visitor and a rating, and voiding (作废) the ratings of a suspicious burst.

The question needs no outside service (no image, no captcha provider): two small numbers to add,
with the answer carried in a signed, time-limited token — as a keyed hash, so the page does not
give it away — and a one-time nonce recorded when it is answered, so one solved question cannot
be replayed for many ratings. It keeps scripts that post blindly out; a determined script could
read the question, which is why the address limits and the burst page exist too.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.crypto import blind_index
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update, user_or_none
from dangjian.orgs.models import Organisation

from .models import Rating, State, Tier
from .models_board import PublicBoard, UsedChallenge, new_slug

CHALLENGE_SALT = "dangjian.commitments.board.challenge"
#: how long a question may be answered after the page showed it: time to read, choose and type
#: a phone number on a phone, not long enough to stockpile solved questions
CHALLENGE_MAX_AGE = 10 * 60


# ---- the board ---------------------------------------------------------------------------
def board_for(community: Organisation) -> PublicBoard:
    """The community's board, made (with a new random address) the first time it is needed."""
    board = PublicBoard.objects.filter(org=community).first()
    if board is not None:
        return board
    try:
        with transaction.atomic():
            board = PublicBoard.objects.create(org=community)
            audit.record_create(board, acting_user=None)
    except IntegrityError:  # another request made it at the same moment
        board = PublicBoard.objects.get(org=community)
    return board


def _can_change(board: PublicBoard, acting_user: Any) -> None:
    if not scope_for(acting_user).reaches_path(board.org.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织可以修改公开示诺页面的设置。"))


def board_update(
    board: PublicBoard,
    *,
    acting_user: Any,
    allow_code_address: bool | None = None,
    show_full_names: bool | None = None,
    show_stars: bool | None = None,
    expected_version: int | None = None,
) -> PublicBoard:
    """The community's choices: keep the old (guessable) address, show full names, show the
    resident units' stars on the public board. ``None`` leaves a choice as it is."""
    _can_change(board, acting_user)
    choices = {
        "allow_code_address": allow_code_address,
        "show_full_names": show_full_names,
        "show_stars": show_stars,
    }
    return audited_update(
        board,
        data={k: bool(v) for k, v in choices.items() if v is not None},
        acting_user=acting_user,
        expected_version=expected_version,
    )


def board_new_address(
    board: PublicBoard, *, acting_user: Any, expected_version: int | None = None
) -> PublicBoard:
    """A new random address: the QR codes printed so far stop working (for a leaked address)."""
    _can_change(board, acting_user)
    return audited_update(
        board,
        data={"slug": new_slug()},
        acting_user=acting_user,
        expected_version=expected_version,
    )


# ---- the question ------------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _answer_hash(nonce: str, answer: int) -> str:
    return blind_index(f"board-challenge:{nonce}:{answer}")


def challenge_new() -> Challenge:
    """A new question (“3 + 8 = ?”) and the signed token to send back with its answer."""
    a, b = 1 + secrets.randbelow(9), 1 + secrets.randbelow(9)
    nonce = secrets.token_hex(16)
    token = signing.dumps({"n": nonce, "h": _answer_hash(nonce, a + b)}, salt=CHALLENGE_SALT)
    return Challenge(question=f"{a} + {b} = ?", token=token)


def challenge_spend(*, token: str, answer: Any) -> None:
    """Accept the answer to a question once. The question is used up whether the answer is right
    or not (a wrong answer means a new question), so it cannot be tried number by number.
    Commits on its own: a rating refused afterwards does not give the question back."""
    try:
        data = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        nonce, expected = str(data["n"]), str(data["h"])
    except signing.SignatureExpired:
        raise ValidationError(
            _("算术题已过期（超过 10 分钟），请重新回答页面上的新题目。"), code="expired"
        ) from None
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationError(_("请回答页面上的算术题后再提交。"), code="invalid") from None
    now = timezone.now()
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(nonce=nonce)
    except IntegrityError:
        raise ValidationError(
            _("这道算术题已经用过了，请回答页面上的新题目。"), code="replayed"
        ) from None
    # what is older than a question's lifetime can never be replayed: forget it
    UsedChallenge.objects.filter(at__lt=now - dt.timedelta(seconds=2 * CHALLENGE_MAX_AGE)).delete()
    raw = str(answer or "").strip()
    if not raw.isdigit() or _answer_hash(nonce, int(raw)) != expected:
        raise ValidationError(_("算术题答错了，请回答新题目后再提交。"), code="wrong")


# ---- voiding -----------------------------------------------------------------------------
@transaction.atomic
def ratings_void(
    *, community: Organisation, ids: list[int], reason: str, acting_user: Any
) -> list[Rating]:
    """作废 residents' ratings of the community's commitments: kept, marked, no longer counted.
    Ratings of a commitment already graded stay as they are (its grade is decided)."""
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织可以作废居民评价。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废原因。")})
    if not ids:
        raise ValidationError(_("请选择要作废的评价。"))
    rows = list(
        Rating.objects.select_for_update()
        .filter(
            subtree_q("commitment__org__path", community.path),
            pk__in=ids,
            tier=Tier.RESIDENT,
            voided_at__isnull=True,
        )
        .exclude(commitment__state=State.EVALUATED)
        .select_related("commitment__org")
    )
    if not rows:
        raise ValidationError(_("没有可以作废的评价（可能已作废，或承诺已评定等次）。"))
    now = timezone.now()
    user = user_or_none(acting_user)
    for r in rows:
        before = audit.snapshot(r)
        r.voided_at, r.voided_by, r.void_reason = now, user, reason[:200]
        r.save(update_fields=["voided_at", "voided_by", "void_reason"])
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=r,
            acting_user=acting_user,
            changes=audit.diff(before, audit.snapshot(r)),
        )
    return rows
