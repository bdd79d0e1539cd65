"""发展党员工作台帐 as .xlsx: one row per person with the date of every step. ID numbers are
exported masked; the full number is only ever shown through the logged reveal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from dangjian.core.xlsx import write_table
from dangjian.members.models import Education, Gender

from .selectors import Row


def headers() -> list[tuple[str, int]]:
    """(header, column width)."""
    return [
        (_("姓名"), 10),
        (_("性别"), 6),
        (_("出生日期"), 12),
        (_("身份证号"), 22),
        (_("学历"), 10),
        (_("工作单位"), 22),
        (_("培养党组织"), 24),
        (_("发展阶段"), 12),
        (_("递交申请书"), 12),
        (_("谈话"), 12),
        (_("列为积极分子"), 12),
        (_("列为发展对象"), 12),
        (_("入党介绍人"), 16),
        (_("培训（天/学时）"), 12),
        (_("培训结业"), 12),
        (_("政审完成"), 12),
        (_("政审结论"), 14),
        (_("公示期"), 24),
        (_("支部大会接收"), 12),
        (_("上级党委审批"), 12),
        (_("预备期延长至"), 12),
        (_("转正"), 12),
        (_("下一步"), 30),
    ]


def ledger_rows(rows: Iterable[Row]) -> Iterable[list[Any]]:
    genders = dict(Gender.choices)
    educations = dict(Education.choices)
    for row in rows:
        c = row.candidate
        introducers = "、".join(x for x in (c.introducer_1_label, c.introducer_2_label) if x)
        training = (
            f"{c.training_days or 0}/{c.training_hours or 0}"
            if c.training_days or c.training_hours
            else ""
        )
        notice = (
            f"{c.notice_from.isoformat()} — {c.notice_to.isoformat()}"
            if c.notice_from and c.notice_to
            else ""
        )
        due = ""
        if row.due is not None:
            due = row.due.text + (_("（已逾期）") if row.due.overdue else "")
        yield [
            c.name,
            str(genders.get(c.gender, c.gender)),
            c.birth_date,
            c.id_masked,
            str(educations.get(c.education, c.education)) if c.education else "",
            c.work_unit,
            c.org.name,
            c.get_stage_display(),
            c.applied_on,
            c.talked_on,
            c.activist_on,
            c.candidate_on,
            introducers,
            training,
            c.training_completed_on,
            c.review_done_on,
            c.review_conclusion,
            notice,
            c.admitted_on,
            c.approved_on,
            c.probation_extended_until,
            c.full_on,
            due,
        ]


def write_xlsx(*, title: str, rows: Iterable[list[Any]]) -> tuple[IO[bytes], int]:
    return write_table(sheet=_("发展党员工作台帐"), title=title, columns=headers(), rows=rows)
