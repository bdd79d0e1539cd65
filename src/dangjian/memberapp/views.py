"""The member's phone app (党员之家, issue 19): one page at ``/m/`` with what matters first to a
member, installable as a web app (manifest, icons, a service worker that keeps the last loaded
copy of the ``/m/`` pages for when the network is gone), and two small JSON endpoints the page's
offline queue sends a leave request or a commitment draft to once the network is back.

Only the member linked to the logged-in user: another member's meeting is a 404, the same as a
missing one. Every write goes through the services of its app (rules, audit)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.commitments import services as commitments
from dangjian.commitments.models import Kind
from dangjian.meetings import services as meetings
from dangjian.meetings.models import Meeting
from dangjian.meetings.selectors import mine as mine_sel

from . import selectors

app_name = "memberapp"

#: The colour of the site's bar (site.css ``--party``).
THEME_COLOUR = "#b71c1c"
#: Static files the /m/ pages use: the service worker keeps them for offline use.
STATIC_FILES = (
    "bootstrap/css/bootstrap.min.css",
    "dangjian/m/m.css",
    "dangjian/m/app.js",
    "dangjian/m/icon.svg",
    "dangjian/m/icon-192.png",
)
ICONS = (
    ("dangjian/m/icon-192.png", 192, "any"),
    ("dangjian/m/icon-512.png", 512, "any"),
    ("dangjian/m/icon-maskable-192.png", 192, "maskable"),
    ("dangjian/m/icon-maskable-512.png", 512, "maskable"),
)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    member = mine_sel.member_of(request.user)
    if member is None:
        return render(request, "memberapp/no_member.html", {"rendered_at": timezone.now()})
    today = timezone.localdate()
    data = selectors.home(user=request.user, member=member, today=today)
    return render(
        request,
        "memberapp/home.html",
        {
            "data": data,
            "member": member,
            "rendered_at": timezone.now(),
            "kinds": Kind.choices,
        },
    )


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    home_url = reverse("memberapp:home")
    body = {
        "name": _("党员之家 · 社区党建"),
        "short_name": _("党员之家"),
        "description": _("我的组织生活、党费和通知，没有网络也能查看。"),
        "lang": "zh-CN",
        "start_url": home_url,
        "scope": home_url,
        "id": home_url,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static(name), "sizes": f"{size}x{size}", "type": "image/png", "purpose": p}
            for name, size, p in ICONS
        ]
        + [{"src": static("dangjian/m/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response


def _static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found if isinstance(found, str) else found[0])


@cache
def release() -> str:
    """The version of the service worker: the package's version and a hash of the files it
    keeps, so a new release (or a changed file) replaces the phone's cache."""
    try:
        pkg = version("dangjian")
    except PackageNotFoundError:
        pkg = "dev"
    digest = hashlib.sha256(pkg.encode())
    for name in (*STATIC_FILES, "dangjian/m/sw.js"):
        digest.update(_static_path(name).read_bytes())
    return f"{pkg}-{digest.hexdigest()[:12]}"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /m/ so that its scope can be /m/."""
    source = _static_path("dangjian/m/sw.js").read_text(encoding="utf-8")
    settings = {
        "version": release(),
        "scope": reverse("memberapp:home"),
        "static": static(""),
        "precache": [static(name) for name in STATIC_FILES],
        "login": reverse("accounts:login"),
        "never": [reverse("memberapp:sw"), reverse("memberapp:sync_leave")[: -len("leave/")]],
    }
    source = source.replace("/*SETTINGS*/ {}", json.dumps(settings))
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("memberapp:home")
    response["Cache-Control"] = "no-cache"
    return response


# ---- the offline queue's endpoints ----------------------------------------------------------
def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """JSON {ok, message} for the page's script; without it (a plain form post) the message
    goes to the page the member came from."""
    if _wants_json(request):
        return JsonResponse({"ok": status == 200, "message": message}, status=status)
    if status == 404:
        raise Http404
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect("memberapp:home")


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@login_required
@require_POST
def sync_leave(request: HttpRequest) -> HttpResponse:
    """A leave request from the member's queue: ``meeting`` and ``reason``. 409 with the reason
    when the meeting was cancelled or is over meanwhile, or a leave already exists."""
    member = mine_sel.member_of(request.user)
    not_found = _("找不到这次会议，或者您不在这次会议的参会名单中。")
    if member is None:
        return _answer(request, 404, not_found)
    try:
        meeting = (
            mine_sel.my_meetings(member)
            .select_related("org")
            .get(pk=int(request.POST.get("meeting", "")))
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        return _answer(request, 404, not_found)
    try:
        meetings.leave_request(
            meeting=meeting,
            member=member,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        )
    except ValidationError as exc:
        status = 400 if "reason" in getattr(exc, "error_dict", {}) else 409
        return _answer(request, status, f"{meeting.topic}：{_messages(exc)}")
    return _answer(request, 200, _("%(t)s：请假已提交，等待支部书记批准。") % {"t": meeting.topic})


@login_required
@require_POST
def sync_commitment(request: HttpRequest) -> HttpResponse:
    """A commitment draft (申诺之前) from the member's queue: ``kind``, ``title``, ``content``."""
    member = mine_sel.member_of(request.user)
    if member is None:
        return _answer(request, 404, _("您的账号没有关联党员档案，不能填写承诺。"))
    try:
        c = commitments.commitment_draft(
            acting_user=request.user,
            member=member,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            content=request.POST.get("content", ""),
        )
    except ValidationError as exc:
        return _answer(request, 400, _messages(exc))
    except PermissionDenied as exc:
        return _answer(request, 409, str(exc))
    return _answer(
        request, 200, _("承诺“%(t)s”已保存为草稿，可以在“我的承诺”里修改和提交。") % {"t": c.title}
    )


urlpatterns = [
    path("", home, name="home"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="sw"),
    path("sync/leave/", sync_leave, name="sync_leave"),
    path("sync/commitment/", sync_commitment, name="sync_commitment"),
]
