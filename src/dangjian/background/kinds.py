"""The registry of background export kinds: ``{kind: Kind(label, write)}``.

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


@dataclass(frozen=True)
class Kind:
    label: Any
    write: Writer


KINDS: dict[str, Kind] = {}


def register(kind: str, label: Any) -> Callable[[Writer], Writer]:
    def wrap(fn: Writer) -> Writer:
        KINDS[kind] = Kind(label, fn)
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
