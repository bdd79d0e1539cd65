"""Reads on accounts, each for the user who asks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.orgs.models import Organisation

from .models import ApiToken, Grant


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (nobody lists another user's tokens)."""
    return ApiToken.objects.filter(user=user).order_by("revoked", "-created_at", "-pk")


def is_locked_out(*, username: str) -> bool:
    """Whether the account is locked by failed logins (django-axes), from any address: the lock
    stops the account, so its API tokens too, until the cool-off ends or an administrator
    releases it."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(
        username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.exists()


def token_user(key: str) -> Any:
    """The user a bearer token speaks for, or ``None``: the token must be live, its user active
    and not locked out. (A revoked role revokes the user's tokens: services.grant_revoke.)"""
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(key), revoked=False, user__is_active=True)
        .first()
    )
    if row is None or is_locked_out(username=row.user.get_username()):
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


def admin_paths(*, user: Any) -> tuple[str, ...] | None:
    """Organisation paths where the user holds the ``admin`` role; ``None`` means everywhere
    (a superuser). Only administrators hand out roles — a secretary runs the work but does not
    decide who else may see it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    if user.is_superuser:
        return None
    cached = getattr(user, "_dangjian_admin_paths", None)
    if cached is not None:
        return cached
    paths = Grant.objects.filter(user=user, role=Grant.Role.ADMIN, org__is_active=True).values_list(
        "org__path", flat=True
    )
    # Once per request, like ``scope_for``: the page, the form and the list all ask.
    user._dangjian_admin_paths = tuple(sorted(set(paths)))
    return user._dangjian_admin_paths


def is_role_admin(*, user: Any) -> bool:
    return admin_paths(user=user) != ()


def admin_reaches(*, user: Any, org_path: str) -> bool:
    paths = admin_paths(user=user)
    return paths is None or any(org_path.startswith(p) for p in paths)


def _under(paths: tuple[str, ...] | None, lookup: str) -> Q:
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{lookup}__startswith": p})
    return q


def grants_manageable(*, user: Any) -> QuerySet[Grant]:
    """Grants on organisations in the administrator's subtrees, tree order."""
    return (
        Grant.objects.filter(_under(admin_paths(user=user), "org__path"))
        .select_related("user", "org")
        .order_by("org__path", "role", "user__username")
    )


def orgs_grantable(*, user: Any) -> QuerySet[Organisation]:
    """Organisations on which the administrator may grant roles."""
    return Organisation.objects.filter(_under(admin_paths(user=user), "path"), is_active=True)
