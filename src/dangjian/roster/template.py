"""The roster template to download on the import page (issue 20 item 13): an .xlsx whose first
sheet has exactly the headers the reader recognises (``columns.FIELDS``, in that order) and one
example row with made-up data, and a second sheet 填写说明 that says, column by column, whether
it must be filled, what the reader accepts and which other headers it also recognises.

Everything is built from ``columns`` and ``parse``: a header or an accepted word added there
appears here too. The example row imports as it is (the tests import the template itself); its
ID number is fictitious (a 9x region code, which no real person has, with a valid check
character). The organisation column is left blank: the rows then go to the organisation chosen
when uploading."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dangjian.core import idcard, xlsx

from . import parse
from .columns import FIELDS, REQUIRED

#: fictitious: region 900101 (no such area; kept for synthetic data), born 1965-03-17, with its
#: check character computed, so the example row passes the reader's checks
_EXAMPLE_FIRST17 = "90010119650317031"
EXAMPLE_ID = _EXAMPLE_FIRST17 + idcard.check_char(_EXAMPLE_FIRST17)
DATE_FORMATS = (
    "1985-03-01、1985.03.01、1985/3/1、1985年3月1日、19850301；只知道年月可写 1985.03、1985年3月"
)


def example_row() -> dict[str, str]:
    """The example member, by field: made-up, and importable as it is."""
    return {
        "name": _("王示例"),
        "gender": "男",
        "ethnicity": "汉族",
        "birth_date": "1965-03-17",
        "id_number": EXAMPLE_ID,
        "joined_on": "1990-07-01",
        "full_on": "1991-07-01",
        "status": "正式党员",
        "education": "高中/中专",
        "work_unit": "",
        "phone": "13900001234",
        "address": _("示例小区1号楼1单元101室"),
        "categories": "离退休",
        "mode": "自管党员",
        "org": "",
    }


def _words(choices: dict[str, str]) -> str:
    return "、".join(choices)


def _how(field: str) -> str:
    """What the reader accepts in one column, in plain words."""
    how = {
        "name": _("党员的姓名。同名的人照常填写，系统会用出生日期和身份证号区分。"),
        "gender": _("男 或 女；不填时按身份证号判断。"),
        "ethnicity": _("如 汉族、维吾尔族、哈萨克族；不填时记为汉族。"),
        "birth_date": _("日期，如 %(f)s。不填时按身份证号。") % {"f": DATE_FORMATS},
        "id_number": _(
            "18 位身份证号，最后一位可以是 X。请把这一列设为“文本”格式，否则 Excel 会把号码改掉。"
        ),
        "joined_on": _("日期，如 %(f)s。") % {"f": DATE_FORMATS},
        "full_on": _("日期；预备党员不填。"),
        "status": _("正式党员 或 预备党员；不填时按入党时间是否满一年判断。"),
        "education": _words(parse.EDUCATION),
        "work_unit": _("工作单位名称，可不填。"),
        "phone": _("手机或固定电话，可不填。"),
        "address": _("现居住地址，可不填。"),
        "categories": _("可填多个，用顿号隔开，如 离退休、困难。可用的词：%(w)s")
        % {"w": _words(parse.CATEGORIES)},
        "mode": _("自管党员 或 双重管理；不填时为自管党员。"),
        "org": _(
            "所在党支部的名称、简称或编码。不填时，导入到上传时选择的党组织；"
            "导入到街道、镇一级时必须填写。"
        ),
    }
    return how[field]


def build() -> IO[bytes]:
    """The template workbook, saved and rewound."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("党员名册")
    fields = list(FIELDS)
    bold = Font(bold=True)
    example = example_row()
    for i, f in enumerate(fields, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i, value=FIELDS[f][0])
        head.font = bold
        head.alignment = Alignment(horizontal="center")
        value = ws.cell(row=2, column=i, value=example[f] or None)
        # every column is text: ID numbers, phones and dates stay as typed
        value.number_format = "@"
        ws.column_dimensions[letter].width = 22 if f in ("id_number", "address", "org") else 13
        for r in range(3, 203):  # the rows the secretary fills in: text too
            ws.cell(row=r, column=i).number_format = "@"
    ws.freeze_panes = "A2"

    notes = wb.create_sheet(_("填写说明"))
    notes.append([_("名册填写说明")])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(
        [
            _(
                "第一张表“党员名册”的第 2 行是示例（编造的人和号码），请删除后再填写自己的党员；"
                "每人一行，表头不要改。列的顺序可以调换，用不到的列可以删除。"
            )
        ]
    )
    notes.append([_("列名"), _("是否必填"), _("怎么填"), _("也能识别的列名")])
    for c in notes[3]:
        c.font = bold
    for f in fields:
        label, variants = FIELDS[f]
        notes.append(
            [
                label,
                _("必填") if f in REQUIRED else _("可不填"),
                _how(f),
                "、".join(v for v in variants if v != label),
            ]
        )
    for letter, width in (("A", 14), ("B", 10), ("C", 70), ("D", 36)):
        notes.column_dimensions[letter].width = width
    for line in notes.iter_rows(min_row=4):
        for c in line:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    return xlsx.save(wb)


def filename() -> str:
    return _("党员名册模板") + ".xlsx"
