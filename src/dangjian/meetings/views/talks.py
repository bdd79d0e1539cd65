"""Pages: heart-to-heart talks (谈心谈话, rule ``meeting.heart_talk``) — per branch, who is still
to be talked with this year and the talks held; a form to record one; and the member's own
talks. The list and the form are for those holding a grant on the organisation (404 for
everybody else); the notes are need-to-know."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import add_service_errors

from .. import services_talks
from ..forms_rules import TalkForm
from ..selectors import talks as sel


def _today() -> dt.date:
    return timezone.localdate()


@login_required
@require_GET
def talks(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("org", "")
    org = sel.org_or_404(user=request.user, pk=raw) if raw else sel.default_org(request.user)
    if org is None:
        raise Http404
    only_missing = request.GET.get("show") != "all"
    result = sel.talk_cadence(user=request.user, org=org, today=_today())
    return render(
        request,
        "meetings/talks/list.html",
        {
            "org": org,
            "result": result,
            "rule": result.rule,
            "only_missing": only_missing,
            "can_change": scope_for(request.user).reaches_path(org.path, CHANGE),
        },
    )


@login_required
def talk_new(request: HttpRequest, org_id: int, member_id: int) -> HttpResponse:
    org = sel.org_or_404(user=request.user, pk=org_id, action=CHANGE)
    member = sel.member_or_404(user=request.user, org=org, pk=member_id)
    today = _today()
    posted_date = None
    if request.method == "POST":
        from dangjian.core.forms import parse_date

        posted_date = parse_date(request.POST.get("date"))
    talkers = sel.talkers_for(member=member, on=posted_date or today)
    form = TalkForm(request.POST or None, talkers=talkers, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        talker = next(o for o in talkers if o.pk == form.cleaned_data["talker"])
        try:
            services_talks.heart_talk_record(
                member=member,
                talker=talker,
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
                today=today,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录与 %(n)s 的谈心谈话。") % {"n": member.name})
            return redirect(f"{reverse('meetings:talks')}?org={org.pk}")
    return render(
        request,
        "meetings/talks/form.html",
        {
            "org": org,
            "member": member,
            "form": form,
            "talkers": talkers,
            "history": sel.talks_of_member(user=request.user, member_id=member.pk),
            "rule": sel.rules.get(sel.RULE),
        },
    )


@login_required
@require_GET
def talks_mine(request: HttpRequest) -> HttpResponse:
    """The talks recorded with the member themselves (their own need-to-know)."""
    member_id = scope_for(request.user).member_id
    if member_id is None:
        raise Http404
    return render(
        request,
        "meetings/talks/mine.html",
        {
            "rows": sel.talks_of_member(user=request.user, member_id=member_id),
            "rule": sel.rules.get(sel.RULE),
        },
    )


urls = [
    path("talks/", talks, name="talks"),
    path("talks/mine/", talks_mine, name="talks_mine"),
    path("talks/<int:org_id>/new/<int:member_id>/", talk_new, name="talk_new"),
]
