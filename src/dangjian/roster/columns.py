"""The roster's columns: the fields of the member register, each with the header variants the
communities' own sheets use (姓名/名字, 身份证号/公民身份号码, …). Headers are compared after
normalising (NFKC, no spaces, no punctuation like “（”）), so 身份证号码（18位） still matches."""

from __future__ import annotations

import re
import unicodedata

#: field → (the header we write, the variants we recognise)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("姓名", ("姓名", "名字", "党员姓名")),
    "gender": ("性别", ("性别",)),
    "ethnicity": ("民族", ("民族",)),
    "birth_date": ("出生日期", ("出生日期", "出生年月", "出生年月日", "生日")),
    "id_number": (
        "身份证号",
        ("身份证号", "身份证号码", "公民身份号码", "身份证", "居民身份证号码"),
    ),
    "joined_on": ("入党时间", ("入党时间", "入党日期", "入党年月")),
    "full_on": ("转正时间", ("转正时间", "转正日期", "转正年月")),
    "status": ("党员身份", ("党员身份", "党籍状态", "身份")),
    "education": ("学历", ("学历", "文化程度", "最高学历")),
    "work_unit": ("工作单位", ("工作单位", "单位", "工作单位及职务")),
    "phone": ("联系电话", ("联系电话", "手机号", "手机", "电话", "手机号码", "联系方式")),
    "address": ("现居住地址", ("现居住地址", "家庭住址", "住址", "居住地址", "现住址")),
    "categories": ("党员类别", ("党员类别", "类别", "人员类别")),
    "mode": ("管理方式", ("管理方式",)),
    "org": ("所在党组织", ("所在党组织", "所在支部", "支部", "党支部", "所属支部", "所在党支部")),
}
REQUIRED = ("name", "id_number", "joined_on")

_PUNCT = re.compile(r"[\s（）()\[\]【】:：*＊]|18位")


def norm_header(text: object) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text or "")))


_LOOKUP = {norm_header(v): field for field, (_label, variants) in FIELDS.items() for v in variants}


def field_for(header: object) -> str | None:
    return _LOOKUP.get(norm_header(header))


def detect(headers: list[object]) -> dict[int, str]:
    """Column index → field, for the headers we recognise (the first of a duplicate wins)."""
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        f = field_for(h)
        if f and f not in out.values():
            out[i] = f
    return out
