"""API: a community's annual report — its sections, figures with their sources, and the words."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from dangjian.assessment.selectors import community_or_404

from .figures import annual_sections
from .models import ReportDraft

router = Router(tags=["年度党建工作报告"])


class FigureOut(Schema):
    label: str
    value: str
    unit: str
    ref: str


class SectionOut(Schema):
    key: str
    title: str
    prose: str
    figures: list[FigureOut]


class ReportOut(Schema):
    community_id: int
    year: int
    version: int | None
    sections: list[SectionOut]


@router.get("/{pk}/{year}", response=ReportOut)
def report(request: HttpRequest, pk: int, year: int):
    community = community_or_404(user=request.user, pk=pk)
    draft = (
        ReportDraft.objects.visible_to(request.user).filter(community=community, year=year).first()
    )
    prose = dict(draft.prose) if draft else {}
    return {
        "community_id": community.pk,
        "year": year,
        "version": draft.version if draft else None,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "prose": prose.get(s.key, ""),
                "figures": [
                    {"label": f.label, "value": f.text, "unit": f.unit, "ref": f.ref}
                    for f in s.figures
                ],
            }
            for s in annual_sections(community, year)
        ],
    }
