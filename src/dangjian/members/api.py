"""API for the member register, through the same scoped selectors as the pages."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import selectors
from .models import Member

router = Router(tags=["党员"])


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date
    id_masked: str
    status: str
    state: str
    mode: str
    org_id: int
    org_name: str
    joined_on: dt.date
    full_on: dt.date | None
    categories: list[str]

    @staticmethod
    def resolve_org_name(obj: Member) -> str:
        return obj.org.name

    @staticmethod
    def resolve_categories(obj: Member) -> list[str]:
        return [c.category for c in obj.categories.all()]


@router.get("/", response=list[MemberOut])
@paginate(LimitOffsetPagination)
def list_members(
    request,
    org: int | None = None,
    category: str | None = None,
    status: str | None = None,
    mode: str | None = None,
    q: str | None = None,
):
    qs = selectors.members_visible(
        user=request.auth, org=org, category=category, status=status, mode=mode, q=q
    )
    return selectors.with_list_data(qs)


@router.get("/{int:member_id}", response=MemberOut)
def get_member(request, member_id: int):
    return get_object_or_404(
        selectors.with_list_data(Member.objects.visible_to(request.auth)), pk=member_id
    )
