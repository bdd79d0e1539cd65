import pytest

from dangjian.core.search import fold_query, search_key


def test_the_search_key_holds_characters_full_pinyin_and_initials():
    assert search_key("张三") == "张三 zhangsan zs"


@pytest.mark.parametrize(
    "typed", ["张三", "張三", "zhangsan", "ZhangSan", "zs", "zhang", "ｚｓ", " zhang san "]
)
def test_what_a_secretary_types_is_found_in_the_key(typed):
    assert fold_query(typed) in search_key("张三")


def test_another_name_is_not_found():
    assert fold_query("ls") not in search_key("张三")


def test_the_cached_per_character_key_equals_pypinyins_reading_of_the_whole_name():
    """search_key reads a name character by character (cached) when no word of pypinyin's
    phrase dictionary is inside it; the result must be exactly pypinyin's whole-name reading."""
    import random

    from pypinyin import Style, lazy_pinyin

    from dangjian.core.search import search_key, to_simplified
    from dangjian.demo import names

    def whole(name):
        simple = to_simplified(name.strip())
        syl = lazy_pinyin(simple, style=Style.NORMAL, errors="ignore")
        return f"{simple} {''.join(syl).lower()} {''.join(s[0] for s in syl if s).lower()}"

    rng = random.Random(7)
    sample = {names.han_name(rng, rng.choice("MF")) for _ in range(3000)}
    sample |= {
        "單雄信",
        "曾国藩",
        "长孙无忌",
        "尉迟恭",
        "重阳",
        "王长江",
        "李重庆",
        "馮小剛",
        "覃单",
    }
    search_key.cache_clear()
    assert [search_key(n) for n in sorted(sample)] == [whole(n) for n in sorted(sample)]
