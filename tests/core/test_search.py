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
