"""Encryption at rest for sensitive fields, and the keyed hash used to find duplicates.

Values are encrypted with Fernet (AES-128-CBC + HMAC) under a key derived from ``FIELD_KEY``;
equality look-ups use an HMAC-SHA256 "blind index" so the plain value is never stored or compared.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    key = hashlib.sha256(b"dangjian-field-encryption:" + settings.FIELD_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    return hashlib.sha256(b"dangjian-blind-index:" + settings.FIELD_KEY.encode()).digest()


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def blind_index(plain: str) -> str:
    return hmac.new(_hash_key(), plain.encode(), hashlib.sha256).hexdigest() if plain else ""
