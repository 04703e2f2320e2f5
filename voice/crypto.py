"""Secrets at rest: provider API keys and webhook secrets are stored encrypted (Fernet).

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys): the first
encrypts, every one decrypts, so a key is rotated by putting a new one first and
running ``manage.py rotate_secrets`` (it reads each secret and saves it again).
Without the setting (development only: production refuses to start without it), one key is derived from
``SECRET_KEY``.

Every value saved is encrypted, whatever it looks like: a typed value that starts with ``enc:`` is
encrypted like any other, so nothing typed can pass for a stored secret. A stored value no key can
decrypt reads as empty (and is logged): the account then signs nothing and accepts no webhook until its
secret is entered again, and the rest of the product keeps working.
"""

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc:"
logger = logging.getLogger(__name__)


class Unreadable(ImproperlyConfigured):
    """A stored secret that no key of FIELD_ENCRYPTION_KEYS decrypts."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        digest = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = (base64.urlsafe_b64encode(digest).decode(),)
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds an invalid Fernet key: {exc}") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(k for k in settings.FIELD_ENCRYPTION_KEYS if k))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise Unreadable("A stored secret could not be decrypted: is its key still in FIELD_ENCRYPTION_KEYS?") from exc


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted in the database and plain in Python."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except Unreadable:
            logger.error("A stored %s no key decrypts: it reads as empty until it is entered again.", self.name)
            return ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
