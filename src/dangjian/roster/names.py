"""Organisation names as people write them, and the register's name they most likely mean.

A community's own sheet writes 第一楼栋支部 or 文化东路第一楼栋支部 where the register says
文化东路社区第一楼栋党支部. Names are compared after ``normalise``: NFKC, no spaces or punctuation,
Arabic numbers as Chinese ones (第1 = 第一), the formal long forms folded to the short ones
(支部委员会 → 支部, 委员会 → 委) and the words that are so often left out that they carry no
meaning here (中国共产党, 中共, 社区, 党) removed. Pure: no database.

``similarity`` is difflib's ratio of the normalised names, raised to ``SUFFIX_SCORE`` when one
ends with the other (the community's name left out in front), and capped below the threshold
when both carry numbers and the numbers differ: 第一楼栋 is never proposed for 第二楼栋, however
alike the rest is. Only a unique best match at or above ``THRESHOLD`` is proposed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import TypeVar

#: the lowest similarity at which a match is proposed (the user still confirms it)
THRESHOLD = 0.6
#: the similarity of a name that is the end of the other, e.g. 第一楼栋支部 in 文化东路第一楼栋支部
SUFFIX_SCORE = 0.9
#: the shortest name the suffix rule applies to: 支部 alone ends every branch's name
SUFFIX_MIN = 3
#: the similarity of two names whose numbers differ: below any proposal
OTHER_NUMBER_SCORE = 0.3

_NOISE = re.compile(r"[\s\W_]+")
_ARABIC = re.compile(r"\d+")
_NUMERALS = re.compile(r"[〇零一二三四五六七八九十百]+")
_CN_DIGITS = "〇一二三四五六七八九"
# longest first: 总支部委员会 must not become 总支部委 by the shorter rule
_FOLD = (
    ("总支部委员会", "总支"),
    ("支部委员会", "支部"),
    ("总支部", "总支"),
    ("委员会", "委"),
)
_DROP = ("中国共产党", "中共", "社区", "党")


def _chinese_number(match: re.Match[str]) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五; 100 and above digit by digit."""
    n = int(match.group())
    if 10 <= n < 100:
        tens, ones = divmod(n, 10)
        return (
            ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if ones == 0 else _CN_DIGITS[ones])
        )
    return "".join(_CN_DIGITS[int(d)] for d in match.group())


def normalise(name: object) -> str:
    """The part of an organisation's name that tells it apart (see the module's docstring)."""
    s = unicodedata.normalize("NFKC", str(name or ""))
    s = _NOISE.sub("", s)
    s = _ARABIC.sub(_chinese_number, s)
    for long, short in _FOLD:
        s = s.replace(long, short)
    for word in _DROP:
        s = s.replace(word, "")
    return s


def similarity(a: str, b: str) -> float:
    """How alike two *normalised* names are, 0 … 1."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    numbers_a, numbers_b = _NUMERALS.findall(a), _NUMERALS.findall(b)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return OTHER_NUMBER_SCORE
    score = SequenceMatcher(None, a, b, autojunk=False).ratio()
    short, long = sorted((a, b), key=len)
    if len(short) >= SUFFIX_MIN and long.endswith(short):
        score = max(score, SUFFIX_SCORE)
    return score


T = TypeVar("T")


def closest(written: str, candidates: Iterable[tuple[T, Iterable[str]]]) -> T | None:
    """The candidate whose names (full name, short name …) best match ``written``: only when it
    scores at least ``THRESHOLD`` and no other candidate scores as well (a tie is no proposal)."""
    key = normalise(written)
    best: T | None = None
    best_score, tied = 0.0, False
    for item, names in candidates:
        score = max((similarity(key, normalise(n)) for n in names if n), default=0.0)
        if score > best_score:
            best, best_score, tied = item, score, False
        elif score == best_score and score > 0:
            tied = True
    if best is None or tied or best_score < THRESHOLD:
        return None
    return best
