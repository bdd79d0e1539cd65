"""Password complexity (等保 2.0 level 3): three of the four kinds of character, checked where a
user changes their password, with the rule said in Chinese; the old password keeps working
when the new one is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from dangjian.accounts.validators import kinds_of


@pytest.mark.parametrize(
    ("password", "kinds"),
    [
        ("abcdefgh", 1),
        ("abcd1234", 2),
        ("Abcd1234", 3),
        ("abcd-1234", 3),
        ("ABCD-efgh", 3),
        ("demo-Pass-2026", 4),
        ("党建工作很重要", 1),  # Chinese characters count as symbols, not letters
    ],
)
def test_kinds_of_characters(password, kinds):
    assert kinds_of(password) == kinds


def test_two_kinds_are_refused_and_three_pass(db):
    with pytest.raises(ValidationError) as err:
        validate_password("abcd12345")
    assert any("至少 3 种" in m for m in err.value.messages)
    validate_password("Abcd-2026x")


def test_changing_to_a_simple_password_is_refused_with_the_rule(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        "/accounts/password/",
        {
            "old_password": cast.password,
            "new_password1": "zhangsan1958",
            "new_password2": "zhangsan1958",
        },
    )
    assert r.status_code == 200 and "至少 3 种" in r.content.decode()
    cast.comm_a_sec.refresh_from_db()
    assert cast.comm_a_sec.check_password(cast.password)
