"""Synthetic people for the demo county and the generated city: names, ethnicities, ID numbers.

Nobody here is real. Names are drawn from common surnames and given-name characters (so some will
coincide with real people's names, as any common name does); ID numbers use region codes that no
province has (``core.idcard.synthetic``) and carry a valid checksum, so they pass validation and
can never be a real person's number. No phone numbers are made up: a plausible mobile number could
belong to someone.
"""

from __future__ import annotations

import datetime as dt
import random

from dangjian.core import idcard

# The most common surnames, weighted roughly by how often they occur.
SURNAMES = (
    ("王", 72),
    ("李", 71),
    ("张", 68),
    ("刘", 53),
    ("陈", 45),
    ("杨", 31),
    ("黄", 23),
    ("赵", 20),
    ("吴", 19),
    ("周", 18),
    ("徐", 15),
    ("孙", 14),
    ("马", 13),
    ("朱", 12),
    ("胡", 11),
    ("郭", 11),
    ("何", 10),
    ("高", 10),
    ("林", 10),
    ("罗", 9),
    ("郑", 9),
    ("梁", 8),
    ("谢", 7),
    ("宋", 7),
    ("唐", 6),
    ("许", 6),
    ("韩", 6),
    ("冯", 6),
    ("邓", 6),
    ("曹", 5),
    ("彭", 5),
    ("曾", 5),
    ("肖", 5),
    ("田", 5),
    ("董", 4),
    ("袁", 4),
    ("潘", 4),
    ("于", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("余", 4),
    ("杜", 4),
    ("叶", 3),
    ("程", 3),
    ("苏", 3),
    ("魏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("沈", 3),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 3),
    ("钟", 3),
    ("谭", 2),
    ("陆", 2),
    ("汪", 2),
    ("范", 2),
    ("金", 2),
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆建国志峰东海林文学兵成"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂英秀兰萍红琳莉雪梅婷慧颖洁晶倩月琴玉凤"

# Kazakh, Uyghur and Mongolian names as they are written in Chinese (the seed's county is a
# border county with many ethnic groups); "·" separates a given name from the father's name.
KAZAKH_MALE = ("叶尔兰", "努尔兰", "别克", "哈力别克", "木拉提", "达吾列提", "叶尔江", "阿斯哈尔")
KAZAKH_FEMALE = ("阿依古丽", "古丽娜尔", "阿丽玛", "加娜尔", "阿依达娜", "沙吾列", "玛丽娜")
KAZAKH_FATHER = ("托合塔尔", "吾拉孜别克", "沙吾提", "努尔别克", "哈布力", "加肯", "阿曼")
UYGHUR_MALE = ("艾力", "买买提", "阿不都", "热合曼", "艾尔肯")
UYGHUR_FEMALE = ("阿依努尔", "古丽巴哈尔", "热依拉", "米娜瓦尔")
UYGHUR_FATHER = ("吐尔逊", "依明", "卡德尔", "艾山")
MONGOL = ("巴特尔", "其其格", "乌云", "额尔敦", "那仁", "萨仁")

ETHNICITIES = (("汉族", 70), ("哈萨克族", 18), ("回族", 6), ("维吾尔族", 4), ("蒙古族", 2))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def han_name(rng: random.Random, gender: str) -> str:
    pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
    given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
    return _pick(rng, SURNAMES) + given


def person_name(rng: random.Random, gender: str, ethnicity: str) -> str:
    """A name that fits the ethnicity: Han and Hui names, or transliterated names."""
    male = gender == "M"
    if ethnicity == "哈萨克族":
        return rng.choice(KAZAKH_MALE if male else KAZAKH_FEMALE) + "·" + rng.choice(KAZAKH_FATHER)
    if ethnicity == "维吾尔族":
        return rng.choice(UYGHUR_MALE if male else UYGHUR_FEMALE) + "·" + rng.choice(UYGHUR_FATHER)
    if ethnicity == "蒙古族":
        return rng.choice(MONGOL)
    return han_name(rng, gender)


def ethnicity(rng: random.Random) -> str:
    return _pick(rng, ETHNICITIES)


def birth_date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


class IdNumbers:
    """Unique fictitious ID numbers: ``idcard.synthetic`` again whenever a number repeats."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken: set[str] = taken if taken is not None else set()

    def new(self, *, birth: dt.date, gender: str) -> str:
        while True:
            number = idcard.synthetic(birth_date=birth, gender=gender, rng=self.rng)
            if number not in self.taken:
                self.taken.add(number)
                return number
