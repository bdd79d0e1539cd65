"""Citizen ID numbers (居民身份证号码, GB 11643-1999): validation, masking, synthetic numbers.

The 18th character is an ISO 7064 MOD 11-2 check character; characters 7–14 are the birth date;
the 17th is odd for men and even for women.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
_SPACES = re.compile(r"\s+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
#: the weighted sum of seventeen ASCII zeros: subtracted when the digits are summed as bytes
_ZEROS = ord("0") * sum(_WEIGHTS)


def normalise(raw: str) -> str:
    """Strip spaces, turn full-width digits into ASCII and a lower-case x into X."""
    s = raw or ""
    if not s.isascii():  # the full-width characters are the only ones translated
        s = s.translate(_FULLWIDTH)
    if not s.isalnum():  # no letter or digit is a space: only then is there one to strip
        s = _SPACES.sub("", s)
    return s.upper()


def check_char(first17: str) -> str:
    if len(first17) == 17 and first17.isascii() and first17.isdigit():
        # the same sum, over the bytes (a roster import checks a hundred thousand of these)
        return _CHECK[(sum(map(mul, first17.encode(), _WEIGHTS)) - _ZEROS) % 11]
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"


def parse(raw: str) -> IdInfo:
    """Validate an ID number and return what it encodes; raise ValidationError in Chinese."""
    number = normalise(raw)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号应为 18 位，当前为 %(n)d 位。") % {"n": len(number)}, code="length"
        )
    if not _SHAPE.match(number):
        raise ValidationError(_("身份证号只能由数字组成，最后一位可以是 X。"), code="shape")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号中的出生日期（第 7–14 位）不是有效日期。"), code="birth"
        ) from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("身份证号中的出生日期不合理。"), code="birth")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对是否输错。"), code="checksum")
    gender = "M" if int(number[16]) % 2 else "F"
    return IdInfo(number=number, birth_date=birth, gender=gender)


def check_consistency(info: IdInfo, *, birth_date: dt.date | None, gender: str | None) -> list[str]:
    """Messages for a birth date or gender that disagree with the ID number."""
    problems = []
    if birth_date and birth_date != info.birth_date:
        problems.append(
            _("出生日期与身份证号不一致（身份证号显示为 %(d)s）。")
            % {"d": info.birth_date.isoformat()}
        )
    if gender and gender != info.gender:
        problems.append(
            _("性别与身份证号不一致（身份证号第 17 位表示%(g)s）。")
            % {"g": _("男") if info.gender == "M" else _("女")}
        )
    return problems


def mask(number: str) -> str:
    """1101**********123X: region's first four and last four characters only."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _mask_digits(s: str) -> str:
    if len(s) >= 11:  # mobile 138****5678, landline with its area code, +86…
        return s[:3] + "*" * (len(s) - 7) + s[-4:]
    if len(s) >= 7:  # a local landline number: the last four only
        return "*" * (len(s) - 4) + s[-4:]
    if len(s) >= 5:  # a short number: the last two only
        return "*" * (len(s) - 2) + s[-2:]
    return "*" * len(s)  # too short to show anything


def mask_phone(phone: str) -> str:
    """A phone number as shown on pages, lists and ledgers — the one masking of the platform.

    ``13812345678`` → ``138****5678``; a landline keeps its area code, dash and extension,
    ``0571-87654321`` → ``0571-****4321``; a local number keeps its last four
    (``87654321`` → ``****4321``), a short one its last two (``12345`` → ``***45``), four
    characters or fewer show nothing; blank → ``""``. Spaces are ignored; the length is kept.
    """
    s = re.sub(r"\s+", "", phone or "")
    if not s:
        return ""
    area, dash, local = s.partition("-")
    if dash and area and local and area.lstrip("+").isdigit() and len(area) <= 5:
        number, dash2, extension = local.partition("-")
        return f"{area}-{_mask_digits(number)}" + (f"-{extension}" if dash2 else "")
    return _mask_digits(s)


# Region codes reserved for synthetic data: 9x prefixes are not assigned to any province.
_SYNTHETIC_REGIONS = ("900101", "900102", "910101", "920203")


def synthetic(*, birth_date: dt.date, gender: str, rng: random.Random) -> str:
    """A fictitious number with a valid checksum (region codes no real person has)."""
    region = rng.choice(_SYNTHETIC_REGIONS)
    seq = rng.randrange(0, 100)
    sex_digit = rng.choice("13579" if gender == "M" else "02468")
    first17 = f"{region}{birth_date:%Y%m%d}{seq:02d}{sex_digit}"
    return first17 + check_char(first17)
