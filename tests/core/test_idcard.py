import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError

from dangjian.core import crypto, idcard


def _valid(birth=dt.date(1985, 3, 1), gender="M"):
    return idcard.synthetic(birth_date=birth, gender=gender, rng=random.Random(1))


def test_a_synthetic_number_passes_the_checksum_and_encodes_birth_and_gender():
    n = _valid()
    info = idcard.parse(n)
    assert info.birth_date == dt.date(1985, 3, 1) and info.gender == "M"
    assert idcard.parse(_valid(gender="F")).gender == "F"


def test_a_wrong_check_character_is_refused_in_chinese():
    n = _valid()
    wrong = n[:17] + ("0" if n[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        idcard.parse(wrong)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("12345", "18 位"), ("9001011985O30100X1", "数字"), ("900101198502300012", "出生日期")],
)
def test_malformed_numbers_are_refused_with_the_reason(raw, message):
    with pytest.raises(ValidationError, match=message):
        idcard.parse(raw)


def test_full_width_digits_spaces_and_lower_case_x_are_accepted():
    n = None
    rng = random.Random(5)
    while n is None or not n.endswith("X"):
        n = idcard.synthetic(birth_date=dt.date(1970, 1, 2), gender="F", rng=rng)
    messy = " " + n[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " x"
    assert idcard.parse(messy).number == n


def test_birth_date_and_gender_must_agree_with_the_number():
    info = idcard.parse(_valid())
    assert idcard.check_consistency(info, birth_date=dt.date(1985, 3, 1), gender="M") == []
    problems = idcard.check_consistency(info, birth_date=dt.date(1985, 3, 2), gender="F")
    assert len(problems) == 2 and "出生日期" in problems[0] and "性别" in problems[1]


def test_masking_keeps_four_and_four():
    assert idcard.mask("900101198503010012") == "9001**********0012"


def test_encryption_round_trips_and_the_blind_index_is_stable(settings):
    n = _valid()
    token = crypto.encrypt(n)
    assert n not in token and crypto.decrypt(token) == n
    assert crypto.blind_index(n) == crypto.blind_index(n) != crypto.blind_index(n[:-1] + "0")
