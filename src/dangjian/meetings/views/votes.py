"""Pages: recording a vote on a branch general meeting (rule ``meeting.general_vote``). The
results are shown on the meeting's page; a refusal (no quorum, too many votes) comes back as
the same page with the form as typed (``core.formviews``). A count entered by mistake is withdrawn from there too (with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.access import CHANGE
from dangjian.core.formviews import rerender_on_error

from .. import services_votes
from ..forms_rules import VoteForm, VoteVoidForm
from ..selectors import meetings as msel
from ..selectors import votes as vsel
from .meetings import meeting_page


@login_required
@require_POST
def vote_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = msel.meeting_for(user=request.user, pk=pk, action="change")
    if meeting is None:
        raise Http404
    form = VoteForm(request.POST)
    if not form.is_valid():
        return rerender_on_error(meeting_page, request, form, name="vote_form", pk=pk)
    try:
        vote = services_votes.vote_record(
            meeting=meeting, acting_user=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        return rerender_on_error(meeting_page, request, form, exc, name="vote_form", pk=pk)
    if vote.passed:
        messages.success(request, _("表决通过：%(m)s。") % {"m": vote.motion})
    else:
        messages.warning(request, _("表决未通过：%(m)s。") % {"m": vote.motion})
    return redirect(reverse("meetings:detail", args=[pk]) + "#votes")


@login_required
@require_POST
def vote_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a count entered by mistake (the row stays, marked withdrawn, with the reason)."""
    vote = vsel.vote_for(user=request.user, pk=pk, action=CHANGE)
    form = VoteVoidForm(request.POST)
    again = {"name": "vote_void_form", "pk": vote.meeting_id, "row": vote.pk}
    if not form.is_valid():
        return rerender_on_error(meeting_page, request, form, **again)
    try:
        services_votes.vote_void(
            vote=vote,
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as exc:
        return rerender_on_error(meeting_page, request, form, exc, **again)
    messages.success(request, _("已撤销表决：%(m)s。") % {"m": vote.motion})
    return redirect(reverse("meetings:detail", args=[vote.meeting_id]) + "#votes")


urls = [
    path("<int:pk>/votes/", vote_add, name="vote_add"),
    path("votes/<int:pk>/void/", vote_void, name="vote_void"),
]
