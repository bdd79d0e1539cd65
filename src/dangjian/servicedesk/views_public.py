"""The resident's pages, without an account: file a request from the community's public page
(or its QR code), behind the arithmetic question of the public board; the receipt, which shows
the request's number and state — never anyone's personal data — and takes the rating once."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangjian.commitments.services_board import challenge_new, challenge_spend
from dangjian.core.forms import add_service_errors
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import services
from .forms import PublicRequestForm
from .models import Channel, State


def public_new(request: HttpRequest, code: str) -> HttpResponse:
    community = Organisation.objects.filter(
        code=code, kind__in=list(COMMUNITY_KINDS), is_active=True
    ).first()
    if community is None:
        raise Http404
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            challenge_spend(
                token=request.POST.get("challenge", ""), answer=request.POST.get("answer", "")
            )
            d = form.cleaned_data
            req = services.request_receive(
                acting_user=None,
                community=community,
                channel=Channel.PUBLIC,
                category=d["category"],
                resident_name=d["resident_name"],
                phone=d["phone"],
                content=d["content"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(
                "servicedesk:public_receipt", pk=req.pk, token=services.rating_token(req)
            )
    form.mark_errors()
    return render(
        request,
        "servicedesk/public_new.html",
        {"community": community, "form": form, "challenge": challenge_new()},
    )


def public_receipt(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        req = services.request_for_token(pk, token)
    except ValidationError as exc:
        return render(
            request, "servicedesk/public_receipt.html", {"error": exc.messages[0]}, status=404
        )
    if request.method == "POST":
        try:
            services.request_rate_by_link(
                pk=pk,
                token=token,
                satisfaction=request.POST.get("satisfaction"),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("谢谢您的评价！"))
        return redirect("servicedesk:public_receipt", pk=pk, token=token)
    response = render(
        request,
        "servicedesk/public_receipt.html",
        {
            "req": req,
            "may_rate": req.state in (State.DONE, State.VISITED) and not services.link_used(token),
            "url": request.build_absolute_uri(),
        },
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response
