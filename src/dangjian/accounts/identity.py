"""Who is logged in, as the header shows them: their own name and, smaller, their role.

A secretary's account is often named after the post ("文化东路社区书记"); the person behind it is
the member the account is linked to. So the name is the linked member's (a worker in post is a
member too — ``staff.Staff`` links to a member, not to an account), else the name given in the
account's profile, else the account's full name, else its username. The role is the office the
member holds (社区党委书记), else what the account's highest grant makes them (社区党委党务工作者),
else 党员.

Everything is read with the user (:mod:`dangjian.accounts.backends` annotates ``_member_name``,
``_office`` and ``_grant``), so the header costs no query of its own; a user loaded another way
(a test's ``force_login`` with another backend) falls back to three small queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Concat, Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Offices in the order one is named by when a member holds several (the highest org first).
OFFICE_RANK = ("secretary", "deputy", "organiser", "propaganda", "discipline", "committee")
#: What an account's grant makes them, when they hold no office (after the organisation's kind).
GRANT_ROLE_WORDS = {
    "admin": gettext_lazy("管理员"),
    "secretary": gettext_lazy("党务工作者"),
    "viewer": gettext_lazy("督查"),
}
SEP = ":"


@dataclass(frozen=True)
class Identity:
    name: str
    role: str

    def __str__(self) -> str:
        return f"{self.name} · {self.role}" if self.role else self.name


def office_subquery(user_ref: Any, today: dt.date) -> QuerySet:
    """The member's current offices, highest first, as ``"title:org kind"``.

    Read from the member's own offices, the organisation looked up per office by its key: a
    join would let SQLite start from every organisation and look for offices in each (17 ms a
    request at 1,000,000 members, where the offices table had no statistics yet)."""
    from dangjian.members.models import Member
    from dangjian.orgs.models import Office, Organisation

    rank = Case(
        *[When(title=t, then=Value(i)) for i, t in enumerate(OFFICE_RANK)],
        default=Value(len(OFFICE_RANK)),
        output_field=IntegerField(),
    )
    # one level deeper than the caller's reference: the member is looked up inside the offices
    user = OuterRef(user_ref) if isinstance(user_ref, OuterRef) else user_ref
    member = Member.objects.filter(user=user).order_by().values("pk")[:1]
    org = Organisation.objects.filter(pk=OuterRef("org_id"), is_active=True).order_by()
    return (
        Office.objects.current(today)
        .filter(
            member_id=Subquery(member),
            title__in=OFFICE_RANK,
        )
        .annotate(
            _depth=Subquery(org.values(d=Length("path"))[:1]),
            _kind=Subquery(org.values("kind")[:1]),
        )
        .filter(_depth__isnull=False)  # an organisation that is no longer active gives none
        .order_by("_depth", rank, "pk")
        .values(v=Concat("title", Value(SEP), "_kind"))
    )


def grant_subquery(user_ref: Any) -> QuerySet:
    """The account's grants, highest first, as ``"role:org kind"``."""
    from dangjian.accounts.models import Grant

    rank = Case(When(role="viewer", then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        Grant.objects.filter(user=user_ref, org__is_active=True)
        .order_by(Length("org__path"), rank, "pk")
        .values(v=Concat("role", Value(SEP), "org__kind"))
    )


def grants_joined(user_ref: Any) -> QuerySet:
    """The account's grants on active organisations, as one ``"role:path;role:path"`` (NULL
    for none): read with the user, so a page's scope costs no statement of its own."""
    from dangjian.accounts.models import Grant
    from dangjian.core.aggregates import Joined

    return (
        Grant.objects.filter(user=user_ref, org__is_active=True)
        .order_by()
        .values("user")
        .annotate(v=Joined(Concat("role", Value(SEP), "org__path")))
        .values("v")
    )


def _loaded(user: Any) -> tuple[str | None, str | None, str | None]:
    if hasattr(user, "_office"):
        return getattr(user, "_member_name", None), user._office, getattr(user, "_grant", None)
    from django.utils import timezone

    from dangjian.members.models import Member

    name = Member.objects.filter(user=user).order_by("pk").values_list("name", flat=True).first()
    office = next(iter(office_subquery(user.pk, timezone.localdate())[:1]), {}).get("v")
    grant = next(iter(grant_subquery(user.pk)[:1]), {}).get("v")
    return name, office, grant


def _kind_label(kind: str) -> str:
    from dangjian.orgs.models import OrgKind

    try:
        return str(OrgKind(kind).label)
    except ValueError:
        return ""


def role_label(*, office: str | None, grant: str | None, is_member: bool) -> str:
    from dangjian.orgs.models import Office

    if office:
        title, _sep, kind = office.partition(SEP)
        try:
            return _kind_label(kind) + str(Office.Title(title).label)
        except ValueError:
            pass
    if grant:
        role, _sep, kind = grant.partition(SEP)
        word = GRANT_ROLE_WORDS.get(role)
        if word:
            return _kind_label(kind) + str(word)
    return _("党员") if is_member else ""


def identity_of(user: Any) -> Identity:
    """The name and role the header shows for ``user`` (cached on the user for the request)."""
    cached = getattr(user, "_dangjian_identity", None)
    if cached is not None:
        return cached
    member_name, office, grant = _loaded(user)
    try:
        profile_name = user.profile.display_name
    except Exception:  # no profile row: an account made outside the services
        profile_name = ""
    name = member_name or profile_name or user.get_full_name() or user.get_username()
    if user.is_superuser and not office:
        role = _("系统管理员")
    else:
        role = role_label(office=office, grant=grant, is_member=bool(member_name))
    ident = Identity(name=name, role=role)
    user._dangjian_identity = ident
    return ident
