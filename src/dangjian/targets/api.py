"""API: 党建工作目标责任书 — list the letters a caller may see, one letter with the progress of
each target, draft a letter, record its signing. Same selectors and services as the pages; a
letter outside the caller's reach is a 404, as for a missing one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from dangjian.assessment.selectors import community_or_404
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import Office, Organisation

from . import selectors, services
from .models import Letter

router = Router(tags=["目标责任书"])

NOT_FOUND = "未找到该责任书，或您无权查看。"


class LetterBase(Schema):
    id: int
    year: int
    status: str
    status_label: str
    community_id: int
    community: str
    issuer_id: int
    issuer: str
    issuer_signatory: str
    signer_name: str
    signed_on: dt.date | None
    void_reason: str
    targets: int
    version: int


class LetterOut(LetterBase):
    @staticmethod
    def resolve_status_label(obj) -> str:  # noqa: ANN001
        return obj.get_status_display()

    @staticmethod
    def resolve_community(obj) -> str:  # noqa: ANN001
        return obj.community.name

    @staticmethod
    def resolve_issuer(obj) -> str:  # noqa: ANN001
        return obj.issuer.name

    @staticmethod
    def resolve_targets(obj) -> int:  # noqa: ANN001
        return getattr(obj, "n_targets", 0)


class NoteOut(Schema):
    day: dt.date
    side: str
    text: str


class TargetOut(Schema):
    id: int
    order: int
    text: str
    indicator: str
    target_percent: Decimal | None
    state: str  # met / not_met / no_data / pending
    state_label: str
    percent: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    records_url: str
    notes: list[NoteOut]


class LetterDetailOut(LetterBase):
    met: int
    progress: list[TargetOut]


class LetterIn(Schema):
    community_id: int
    year: int
    issuer_id: int | None = None
    issuer_signatory: str = ""
    with_defaults: bool = True


class SignIn(Schema):
    version: int
    signer_office_id: int
    signed_on: dt.date
    issuer_signatory: str | None = None


def _staff(request: HttpRequest) -> None:
    if not scope_for(request.auth).is_staff_role:
        raise HttpError(404, _(NOT_FOUND))


def _letter(request: HttpRequest, pk: int, action: str = "view") -> Letter:
    _staff(request)
    try:
        return get_visible_or_404(
            Letter.objects.select_related("issuer", "community"), request.auth, action, pk=pk
        )
    except Http404:
        raise HttpError(404, _(NOT_FOUND)) from None


def _detail(letter: Letter) -> dict:
    rows = selectors.progress(letter)
    met, _total = selectors.met_of(rows)
    out = {
        "id": letter.pk,
        "year": letter.year,
        "status": letter.status,
        "status_label": letter.get_status_display(),
        "community_id": letter.community_id,
        "community": letter.community.name,
        "issuer_id": letter.issuer_id,
        "issuer": letter.issuer.name,
        "issuer_signatory": letter.issuer_signatory,
        "signer_name": letter.signer_name,
        "signed_on": letter.signed_on,
        "void_reason": letter.void_reason,
        "targets": len(rows),
        "version": letter.version,
    }
    out["met"] = met
    out["progress"] = [
        {
            "id": r.target.pk,
            "order": r.target.order,
            "text": r.target.text,
            "indicator": r.target.indicator,
            "target_percent": r.target.target_percent,
            "state": r.state,
            "state_label": r.state_label,
            "percent": r.percent,
            "numerator": r.numerator,
            "denominator": r.denominator,
            "records_url": r.url,
            "notes": [{"day": n.day, "side": n.side, "text": n.text} for n in r.notes],
        }
        for r in rows
    ]
    return out


@router.get("/letters", response=list[LetterOut])
@paginate(LimitOffsetPagination)
def list_letters(
    request: HttpRequest, year: int | None = None, org: int | None = None, status: str = ""
):
    """责任书（您能看到的社区的；可按年度、组织及其下级、状态 draft/signed/voided 筛选）。"""
    _staff(request)
    qs = selectors.letters_visible(user=request.auth, year=year)
    if org:
        try:
            o = get_visible_or_404(Organisation.objects.all(), request.auth, pk=org)
        except Http404:
            raise HttpError(404, _("未找到该组织，或您无权查看。")) from None
        from dangjian.core.access import subtree_q

        qs = qs.filter(subtree_q("community__path", o.path))
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/letters/{letter_id}", response=LetterDetailOut)
def letter_detail(request: HttpRequest, letter_id: int):
    """一份责任书及每项目标的进度：对应指标的目标按平台记录计算（percent、numerator/denominator，
    records_url 为计入记录的清单页），state 为 met 已达到 / not_met 未达到 / no_data 无数据 /
    pending 未评定（不对应指标、考核组尚未评定）。"""
    return _detail(_letter(request, letter_id))


@router.post(
    "/letters", response={201: LetterDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def create_letter(request: HttpRequest, payload: LetterIn):
    """起草责任书（发文单位：您负责的、社区上级的街道/镇/县党委；不指定时为最近的一级）。"""
    _staff(request)
    try:
        community = community_or_404(user=request.auth, pk=payload.community_id)
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None
    issuer = None
    if payload.issuer_id is not None:
        issuer = Organisation.objects.filter(pk=payload.issuer_id).first()
        if issuer is None:
            return HttpStatus(400, {"detail": _("未找到发文单位。"), "errors": {}})
    try:
        letter = services.letter_create(
            acting_user=request.auth,
            community=community,
            year=payload.year,
            issuer=issuer,
            issuer_signatory=payload.issuer_signatory,
            with_defaults=payload.with_defaults,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return HttpStatus(403, {"detail": str(exc)})
    return HttpStatus(201, _detail(letter))


@router.post(
    "/letters/{letter_id}/sign",
    response={200: LetterDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def sign_letter(request: HttpRequest, letter_id: int, payload: SignIn):
    """登记签订：signer_office_id 为签订当天在任的社区党组织书记的任职记录；签订后目标不能再改。"""
    letter = _letter(request, letter_id, CHANGE)
    office = Office.objects.filter(
        pk=payload.signer_office_id, org=letter.community, title=Office.Title.SECRETARY
    ).first()
    try:
        letter = services.letter_sign(
            letter,
            acting_user=request.auth,
            version=payload.version,
            signer_office=office,
            signed_on=payload.signed_on,
            issuer_signatory=payload.issuer_signatory,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return HttpStatus(403, {"detail": str(exc)})
    return _detail(letter)
