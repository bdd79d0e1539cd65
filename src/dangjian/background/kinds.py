"""The registry of background kinds: ``{kind: Kind(label, write, apply)}``.

An export kind has ``write``; a kind whose result is a summary instead of a file (the roster
import) has ``apply``: ``apply(job)`` does the work with the owner's scope, read afresh when the
worker runs it, inside the transaction the runner commits only for the job's current attempt,
and returns the summary kept on the row; ``Refused(message, result)`` says why nothing was done.

``write(job, progress, out)`` writes the workbook for ``job`` (with its owner's scope, read
afresh when the worker runs it) into ``out``, a temporary file open for binary writing, and
returns the number of rows; it passes its rows through ``progress.counted(rows)`` and may call
``progress.set_total(n)`` first. The runner (:mod:`dangjian.background.services`) moves the file
into place when it is whole."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import BackgroundExport
    from .services import Progress

Writer = Callable[["BackgroundExport", "Progress", IO[bytes]], int]
Applier = Callable[["BackgroundExport"], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    label: Any
    write: Writer | None = None
    apply: Applier | None = None
    #: whether the run reports rows as it goes (a bar with a count) or works in one piece (an
    #: indeterminate bar until it is done)
    counts_rows: bool = True
    #: the file's extension (an export)
    suffix: str = ".xlsx"


KINDS: dict[str, Kind] = {}


class Refused(Exception):
    """The work was refused and nothing was written: ``message`` (Chinese, for the job's page)
    and what to keep on the row (``result``, e.g. the problems found)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result or {}


def register(
    kind: str, label: Any, *, counts_rows: bool = True, suffix: str = ".xlsx"
) -> Callable[[Writer], Writer]:
    def wrap(fn: Writer) -> Writer:
        KINDS[kind] = Kind(label, write=fn, counts_rows=counts_rows, suffix=suffix)
        return fn

    return wrap


def register_apply(kind: str, label: Any) -> Callable[[Applier], Applier]:
    def wrap(fn: Applier) -> Applier:
        KINDS[kind] = Kind(label, apply=fn, counts_rows=False)
        return fn

    return wrap


MEMBERS = "members"


#: Members read per round trip (and categories fetched for them in one query).
CHUNK = 2000


def member_rows(qs: Any) -> Iterator[list[Any]]:
    """The rows of :func:`dangjian.members.exports.member_rows`, cell for cell (a test compares
    the two files), read as plain values: model instances with prefetched categories cost
    about 20 s for 100,000 members, plain values about 1 s. Categories come in one query per
    chunk of members."""
    from dangjian.members.models import MemberCategory
    from dangjian.members.tables import Labels

    lb = Labels()
    values = qs.values_list(
        "pk",
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_masked",
        "joined_on",
        "full_on",
        "status",
        "mode",
        "education",
        "employer_unit__name",
        "work_unit",
        "phone",
        "org__name",
    ).iterator(chunk_size=CHUNK)
    while chunk := list(islice(values, CHUNK)):
        cats: dict[int, list[str]] = {}
        for member_id, category in (
            MemberCategory.objects.filter(member_id__in=[r[0] for r in chunk])
            .order_by("category")
            .values_list("member_id", "category")
        ):
            cats.setdefault(member_id, []).append(lb.category.get(category, category))
        for (
            pk,
            name,
            gender,
            ethnicity,
            birth,
            id_masked,
            joined,
            full,
            status,
            mode,
            education,
            unit_name,
            work_unit,
            phone,
            org_name,
        ) in chunk:
            yield [
                name,
                lb.gender.get(gender, gender),
                ethnicity,
                birth,
                id_masked,
                joined,
                full,
                lb.status.get(status, status),
                "、".join(cats.get(pk, ())),
                lb.mode.get(mode, mode),
                lb.education.get(education, education),
                unit_name if unit_name is not None else work_unit,
                phone,
                org_name,
            ]


@register(MEMBERS, _("党员名册"))
def members_register(job: BackgroundExport, progress: Progress, out: IO[bytes]) -> int:
    """The member list with the synchronous export's rows and columns, through the same selector
    with the owner's scope and the filters they had chosen."""
    from django.utils.translation import gettext as gt

    from dangjian.members import exports, selectors

    from . import xlsxstream

    qs = selectors.members_visible(user=job.requested_by, **job.params.get("filters", {}))
    progress.set_total(qs.count())
    return xlsxstream.write_table(
        out,
        sheet=gt("党员名册"),
        title=job.params.get("title", ""),
        columns=list(zip(exports.headers(), exports.WIDTHS, strict=True)),
        rows=progress.counted(member_rows(qs)),
        freeze="A3",
    )


PARTY_STATISTICS = "party_statistics"


def members_under(org: Any) -> int:
    """How many members are on record in ``org``'s subtree (one count): the size of what the
    党内统计 and the annual report read, which decides whether they are built in the request
    or by the worker."""
    from dangjian.core.access import subtree_q
    from dangjian.members.models import Member

    return Member.objects.filter(subtree_q("org__path", org.path)).count()


@register(PARTY_STATISTICS, _("党内统计"), counts_rows=False)
def party_statistics(job: BackgroundExport, progress: Progress, out: IO[bytes]) -> int:
    """The 党内统计 workbook, the same file the statistics page's 导出 gives, for the owner if
    they may still see the organisation. Built in one piece (tens of rows, counted from every
    member's events): the bar is indeterminate until it is done. Returns the members counted."""
    import datetime as dt
    import shutil

    from django.utils.translation import gettext as gt

    from dangjian.partystats import exports, selectors

    p = job.params
    org = selectors.org_for(job.requested_by, str(p["org"]))
    if org is None:
        raise Refused(gt("您现在不能查看这个党组织的统计（或它已撤销），没有生成文件。"))
    stats = selectors.statistics(
        org=org, on=dt.date.fromisoformat(p["on"]), since=dt.date.fromisoformat(p["since"])
    )
    shutil.copyfileobj(exports.statistics_workbook(stats), out)
    return stats.register


ANNUAL_REPORT = "annual_report"


@register(ANNUAL_REPORT, _("年度党建工作报告"), counts_rows=False, suffix=".docx")
def annual_report(job: BackgroundExport, progress: Progress, out: IO[bytes]) -> int:
    """The community's annual report .docx, the same document the report page's download gives,
    with the words saved for it when the worker runs, for the owner if they may still see the
    community. Returns the number of figures."""
    import shutil

    from django.http import Http404
    from django.utils.translation import gettext as gt

    from dangjian.assessment.selectors import community_or_404
    from dangjian.reports import documents
    from dangjian.reports.figures import annual_sections
    from dangjian.reports.models import ReportDraft

    p = job.params
    user = job.requested_by
    try:
        community = community_or_404(user=user, pk=p["community"])
    except Http404:
        raise Refused(gt("您现在不能查看这个社区（或它已撤销），没有生成文件。")) from None
    year = int(p["year"])
    draft = ReportDraft.objects.visible_to(user).filter(community=community, year=year).first()
    sections = annual_sections(community, year)
    fh = documents.write_report(
        community=community,
        year=year,
        sections=sections,
        prose=dict(draft.prose) if draft else {},
        site=p.get("site", ""),
    )
    shutil.copyfileobj(fh, out)
    return sum(len(s.figures) for s in sections)


ROSTER_IMPORT = "roster_import"
#: Problems kept on a refused import for its page (the first ones, by row).
MAX_PROBLEMS_KEPT = 100


@register_apply(ROSTER_IMPORT, _("名册导入"))
def roster_import(job: BackgroundExport) -> dict[str, Any]:
    """The confirmed roster upload imported by the same service the request would call, with
    the owner's scope as it is now; all or nothing (one transaction, committed by the runner).
    The uploaded rows are deleted once the import is committed."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as gt

    from dangjian.core.access import CHANGE, scope_for
    from dangjian.orgs.models import Organisation
    from dangjian.roster import services as roster
    from dangjian.roster import uploads

    from .services import note_progress

    p = job.params
    user = job.requested_by
    org = Organisation.objects.filter(pk=p["org"], is_active=True).first()
    if org is None or not scope_for(user).reaches_path(org.path, CHANGE):
        raise Refused(gt("您现在不负责这个党组织（或它已撤销），没有导入任何党员。"))
    sheet = uploads.load(p["token"])
    if sheet is None:
        raise Refused(gt("上传的名册已超过保存期限被删除，没有导入任何党员。请重新上传名册。"))
    try:
        out = roster.import_rows(
            acting_user=user,
            org=org,
            headers=sheet.headers,
            rows=sheet.rows,
            mapping={int(k): v for k, v in p["mapping"].items()},
            filename=p["filename"],
            header_row=sheet.header_row,
            # the progress page reads it while the import is under way, outside its transaction
            progress=lambda done, total: note_progress(job, done=done, total=total),
            release_rows=True,  # each row let go once checked: the sheet is not held meanwhile
        )
    except (PermissionDenied, ValidationError) as exc:
        raise Refused("；".join(getattr(exc, "messages", [str(exc)]))) from None
    if not out.ok:
        raise Refused(
            gt("名册中有 %(n)d 处问题，整份名册都没有导入。") % {"n": len(out.problems)},
            {
                "problem_count": len(out.problems),
                "problems": [[x.row, x.column, x.reason] for x in out.problems[:MAX_PROBLEMS_KEPT]],
            },
        )
    token = p["token"]
    transaction.on_commit(lambda: uploads.delete(token))
    return {
        "rows": out.rows,
        "created": out.created,
        "skipped": out.skipped,
        "org": org.pk,
        "run": out.run.pk if out.run else None,
    }
