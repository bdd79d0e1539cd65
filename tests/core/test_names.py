"""Names shown to the public: the surname and 某."""

from __future__ import annotations

import pytest

from dangjian.core.names import public_name, surname


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三", "张某"),
        ("王小明", "王某"),
        ("欧阳修", "欧阳某"),
        ("司马相如", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("上官婉儿", "上官某"),
        ("端木蓉", "端木某"),
        (" 李四 ", "李某"),
        ("张", "张某"),
        ("", ""),
    ],
)
def test_the_public_sees_the_surname_and_mou(name, shown):
    assert public_name(name) == shown


def test_a_two_character_name_starting_like_a_compound_surname_keeps_one_character():
    # 欧阳 alone is more likely 欧 + 阳 than a surname with no given name
    assert surname("欧阳") == "欧"
    assert public_name("欧阳") == "欧某"


def test_a_surname_that_is_not_compound_is_one_character():
    assert surname("东郭先生") == "东"  # not in the list: taken as 东
