"""Password complexity as 等保 2.0 level 3 asks (身份鉴别: 口令应有复杂度要求): at least three of
the four kinds of character — capital letters, small letters, digits, other symbols — on top of
the length and common-password checks of Django's own validators (settings.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS_REQUIRED = 3


def kinds_of(password: str) -> int:
    """How many of the four kinds of character ``password`` uses."""
    return sum(
        (
            any(c.isascii() and c.isupper() for c in password),
            any(c.isascii() and c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        )
    )


class CharacterKindsValidator:
    def __init__(self, kinds: int = KINDS_REQUIRED) -> None:
        self.kinds = kinds

    def validate(self, password: str, user=None) -> None:
        if kinds_of(password) < self.kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 种，例如 Dangjian-2026。"
        ) % {"n": self.kinds}
