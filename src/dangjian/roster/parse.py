"""Cells as people type them, turned into register values. Pure: no database.

Dates: 1985.03, 1985.3, 1985-3-1, 1985/03/01, 1985年3月, 1985年3月1日, 19850301, 198503, Excel's
serial numbers and the date objects a reader gives; a month alone means its first day. Digits
may be full-width and cells may carry stray spaces.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)
_SEP = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(\d{1,2})\s*日?)?\s*月?\s*$")
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def text(value: Any) -> str:
    """A cell as clean text: NFKC (full-width → ASCII), no stray spaces; a float like 138.0 of
    a phone number column without its “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    return " ".join(s.split())


def date(value: Any) -> dt.date | None:
    """A date, or None for an empty cell; ValueError for what cannot be read."""
    return dated(value)[0]


def dated(value: Any) -> tuple[dt.date | None, bool]:
    """(the date, whether only its month was given: 1985.03 → the 1st, month only)."""
    if value is None or value == "":
        return None, False
    if isinstance(value, dt.datetime | dt.date) or (
        isinstance(value, int | float) and not isinstance(value, bool) and 10_000 < value < 80_000
    ):
        return _date(value), False
    s = text(value).replace(" ", "")
    m = _SEP.match(s) or _DIGITS.match(s)
    return _date(value), bool(m and m.group(3) is None)


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000 < value < 80_000:  # an Excel serial number (1927–2119)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    s = text(value).replace(" ", "")
    if not s:
        return None
    m = _SEP.match(s) or _DIGITS.match(s)
    if not m:
        raise ValueError(s)
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    return dt.date(year, month, day)


GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F"}
STATUSES = {"正式党员": "full", "正式": "full", "预备党员": "probationary", "预备": "probationary"}
EDUCATION = {
    "小学": "primary",
    "初中": "junior",
    "高中": "senior",
    "中专": "senior",
    "高中/中专": "senior",
    "职高": "senior",
    "技校": "senior",
    "大专": "college",
    "专科": "college",
    "大学专科": "college",
    "本科": "bachelor",
    "大学本科": "bachelor",
    "大学": "bachelor",
    "硕士": "master",
    "硕士研究生": "master",
    "研究生": "master",
    "博士": "doctor",
    "博士研究生": "doctor",
}
CATEGORIES = {
    "在职": "in_service",
    "离退休": "retired",
    "退休": "retired",
    "离休": "retired",
    "下岗失业": "unemployed",
    "下岗": "unemployed",
    "失业": "unemployed",
    "流动": "mobile",
    "困难": "difficulty",
    "大学毕业生": "graduate",
    "务工经商": "migrant",
    "年老体弱": "elderly",
}
MODES = {
    "自管党员": "self",
    "自管": "self",
    "在职党员（双重管理）": "dual",
    "双重管理": "dual",
    "在职党员(双重管理)": "dual",
}


def categories(value: Any) -> list[str]:
    """“离退休、困难” → ["retired", "difficulty"]; ValueError names the one not known."""
    out = []
    for part in re.split(r"[、,，/;；\s]+", text(value)):
        if not part:
            continue
        if part not in CATEGORIES:
            raise ValueError(part)
        out.append(CATEGORIES[part])
    return sorted(set(out))
