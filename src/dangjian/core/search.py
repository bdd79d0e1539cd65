"""Finding people by name the way secretaries type it: characters, full pinyin, initials, 繁體.

A member row stores ``search_key`` = "张三 zhangsan zs"; the name in it and a query are folded
alike (full width to half width, 繁 to 简, no spaces, lower case) and the query is matched as a
substring, so "张三", "張三", "zhangsan", "zhang" and "zs" all find 张三, and "anna" finds "Anna李" on
PostgreSQL too (whose LIKE, unlike SQLite's, tells upper from lower case).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def fold_query(q: str) -> str:
    """Normalise what a user typed: full-width to half-width, 繁 to 简, lower case, no spaces."""
    q = unicodedata.normalize("NFKC", q or "").strip()
    q = to_simplified(q)
    return re.sub(r"\s+", "", q).lower()


def _fold_name(name: str) -> str:
    """A name folded as :func:`fold_query` folds a query, so whatever part of the name a user
    types is a substring of the key ("Ａｎｎａ 李" → "anna李")."""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return _simplified_name(name).lower()


@lru_cache(maxsize=16384)
def _char_simplified(ch: str) -> str:
    return _t2s().convert(ch)


@lru_cache(maxsize=16384)
def _char_pinyin(ch: str) -> str:
    syllables = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return syllables[0].lower() if syllables else ""


def _in_phrase(text: str) -> bool:
    """Whether a run of two or more characters of ``text`` is a word pypinyin reads as a whole
    (then a character's reading may depend on its neighbours)."""
    n = len(text)
    return any(text[i:j] in PHRASES_DICT for i in range(n - 1) for j in range(i + 2, n + 1))


def _simplified_name(name: str) -> str:
    """OpenCC's t2s of a name; character by character (cached) when no character changes on its
    own, which is what OpenCC does then too — a roster import converts a hundred thousand."""
    if all(_char_simplified(ch) == ch for ch in name):
        return name
    return to_simplified(name)


@lru_cache(maxsize=65536)
def search_key(name: str) -> str:
    """ "张三" -> "张三 zhangsan zs", "Anna李" -> "anna李 li l": all lower case. Heteronyms in
    surnames (e.g. 单) take pypinyin's choice."""
    simple = _fold_name(name)
    if len(simple) <= 6 and not _in_phrase(simple):
        # no word inside the name: pypinyin reads each character alone, so cache those
        syllables = [p for p in map(_char_pinyin, simple) if p]
    else:
        syllables = lazy_pinyin(simple, style=Style.NORMAL, errors="ignore")
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return f"{simple} {full} {initials}"
