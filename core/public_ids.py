"""Opaque public ids: what the API and the admin's URLs show in place of integer keys.

Integer primary keys stay inside the database. Outside, a row is named by a UUID-shaped string that is
its key encrypted, with its model, under a server key (AES on one 16-byte block: 4 bytes naming the
model, 8 bytes of key, 4 zero bytes). Nobody without the key can count rows from them, guess another
row's id, or use a lead's id as a call's; a string that does not decrypt to this model with the zero
bytes intact names nothing. Nothing is stored, so there is nothing to migrate and a lookup is still a
primary-key lookup.

The key is derived from ``SUPPRESSION_KEY`` (docs/operations.md, Keys): like it, it never changes, or
every id a client kept would name nothing.
"""

import hashlib
import hmac
import re
import struct
import threading
import uuid

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CANONICAL = re.compile(PATTERN, re.ASCII)
_LAYOUT = struct.Struct(">4sQ4s")
_CHECK = b"\0\0\0\0"
_local = threading.local()


def _master_key() -> bytes:
    return (settings.SUPPRESSION_KEY or f"development-only:{settings.SECRET_KEY}").encode()


def _ciphers():
    """This thread's encryptor and decryptor under the current key (ECB on whole blocks keeps no state)."""
    master = _master_key()
    held = getattr(_local, "held", None)
    if held is None or held[0] != master:
        key = hmac.new(master, b"public ids v1", hashlib.sha256).digest()[:16]
        cipher = Cipher(algorithms.AES(key), modes.ECB())  # one block per id: a keyed permutation
        held = _local.held = (master, cipher.encryptor(), cipher.decryptor())
    return held[1], held[2]


def _tag(model) -> bytes:
    """4 bytes naming the model (a model class, or its label: "calls.call")."""
    label = model if isinstance(model, str) else model._meta.concrete_model._meta.label_lower
    return hashlib.sha256(label.encode()).digest()[:4]


def encode(model, pk) -> str:
    """The public id of ``model``'s row ``pk``."""
    encryptor, _ = _ciphers()
    return str(uuid.UUID(bytes=encryptor.update(_LAYOUT.pack(_tag(model), int(pk), _CHECK))))


def decode(model, value) -> int | None:
    """The key a public id of ``model`` names, or None for anything else (another model's id, an integer…)."""
    if not isinstance(value, str) or not _CANONICAL.fullmatch(value):
        return None  # only the spelling encode() gives: no braces, urn:, capitals or other digits
    block = bytes.fromhex(value.replace("-", ""))
    _, decryptor = _ciphers()
    tag, pk, check = _LAYOUT.unpack(decryptor.update(block))
    if tag != _tag(model) or check != _CHECK or pk >= 2**63:
        return None
    return pk


def of(obj) -> str:
    """The public id of a saved row."""
    return encode(type(obj), obj.pk)


_converters: dict[str, type] = {}


def path_converter(model) -> str:
    """The name of a URL path converter for ``model``'s public ids (registered once).

    ``reverse()`` turns a key into the public id (so every link built from a primary key, Django's own
    included, is opaque) and resolving turns the public id back into the key. Anything else does not
    match the URL. ``__fk__`` passes through: it is the placeholder the admin's related-object links fill in.
    """
    from django.urls import register_converter

    name = f"public_id_{model._meta.concrete_model._meta.label_lower.replace('.', '_')}"
    if name not in _converters:

        class Converter:
            regex = f"{PATTERN}|__fk__"

            def to_python(self, value):
                pk = decode(model, value)
                if pk is None:
                    raise ValueError(value)
                return str(pk)

            def to_url(self, value):
                text = str(value)
                if text.isdigit():
                    return encode(model, int(text))
                return text  # already public, or the placeholder

        register_converter(Converter, name)
        _converters[name] = Converter
    return name
