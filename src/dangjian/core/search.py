"""Finding people by name the way secretaries type it: characters, full pinyin, initials, 繁體.

A member row stores ``search_key`` = "张三 zhangsan zs"; a query is folded to simplified characters
and lower-case ASCII and matched as a substring, so "张三", "張三", "zhangsan", "zhang" and "zs" all
find 张三.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin


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


@lru_cache(maxsize=65536)
def search_key(name: str) -> str:
    """ "张三" -> "张三 zhangsan zs". Heteronyms in surnames (e.g. 单) take pypinyin's choice."""
    simple = to_simplified(name.strip())
    syllables = lazy_pinyin(simple, style=Style.NORMAL, errors="ignore")
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return f"{simple} {full} {initials}"
