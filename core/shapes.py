"""Declared shapes of structured JSON values, checked the same way at every door.

A shape says what a JSON value may hold: ``Text``, ``Integer``, ``Boolean``,
``IsoDate``, ``ListOf``, ``MapOf`` (free keys), ``Record`` (named keys) and
``Scalar`` (any of text, number, true/false or null). ``problems(shape, value)``
lists every problem with the path where it is (``weights.source``), so an API
answers a field map and a form shows the path beside the message.

``ShapeValidator("app.schemas.NAME")`` puts a shape on a model field: the admin's
forms, the API's serializers (``tenants.api.base`` reports the paths as fields)
and ``full_clean`` all run it. It names its shape by import path so migrations
stay plain. Each app declares its shapes once, in its ``schemas.py``; services
read a stored value assuming it has its shape.

Why not pydantic (or JSON Schema with a validator library): one small declarative
type gives the three things needed here and nothing else: validation, error
messages by path in the project's words (the same at every door), and JSON
Schema for the OpenAPI document (``tenants.api.schema``). A second model layer
beside Django's would be one more way to say what a field holds.
"""

import datetime
import re
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from core import public_ids

Problems = list[tuple[str, str]]


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


class Shape:
    def check(self, value, path: str) -> Problems:
        raise NotImplementedError

    def json_schema(self) -> dict:
        """The same shape as JSON Schema (OpenAPI 3.0), for the API's documentation."""
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Shape):
    max_length: int = 200
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    blank: bool = True

    def check(self, value, path):
        if not isinstance(value, str):
            return [(path, "Enter text.")]
        if not self.blank and not value.strip():
            return [(path, "This may not be blank.")]
        if len(value) > self.max_length:
            return [(path, f"Use at most {self.max_length} characters.")]
        if self.choices is not None and value not in self.choices:
            return [(path, f"“{value[:40]}” is not one of: {', '.join(self.choices)}.")]
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return [(path, f"“{value[:40]}” is not in the expected form.")]
        return []

    def json_schema(self):
        schema = {"type": "string", "maxLength": self.max_length}
        if self.choices is not None:
            schema["enum"] = list(self.choices)
        if self.pattern is not None:
            schema["pattern"] = f"^{self.pattern}$"
        if not self.blank:
            schema["minLength"] = 1
        return schema


@dataclass(frozen=True)
class PublicId(Text):
    """A row named by its public id (core.public_ids)."""

    max_length: int = 36
    pattern: str | None = public_ids.PATTERN
    blank: bool = False

    def check(self, value, path):
        if not isinstance(value, str):
            return [(path, f"Expected an id (a string like {PUBLIC_ID_EXAMPLE}), received {type(value).__name__}.")]
        return super().check(value, path)


PUBLIC_ID_EXAMPLE = "3f1c2b9e-5d4a-4e7b-9c21-0a8f6d2e4b17"


@dataclass(frozen=True)
class Integer(Shape):
    min_value: int | None = None
    max_value: int | None = None

    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            return [(path, "Enter a whole number.")]
        if self.min_value is not None and value < self.min_value:
            return [(path, f"Use {self.min_value} or more.")]
        if self.max_value is not None and value > self.max_value:
            return [(path, f"Use {self.max_value} or less.")]
        return []

    def json_schema(self):
        schema = {"type": "integer"}
        if self.min_value is not None:
            schema["minimum"] = self.min_value
        if self.max_value is not None:
            schema["maximum"] = self.max_value
        return schema


@dataclass(frozen=True)
class Boolean(Shape):
    def check(self, value, path):
        return [] if isinstance(value, bool) else [(path, "Use true or false.")]

    def json_schema(self):
        return {"type": "boolean"}


@dataclass(frozen=True)
class IsoDate(Shape):
    def check(self, value, path):
        if isinstance(value, str) and len(value) == 10:
            try:
                datetime.date.fromisoformat(value)
                return []
            except ValueError:
                pass
        return [(path, "Enter a date as YYYY-MM-DD.")]

    def json_schema(self):
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class Scalar(Shape):
    """Text (bounded), a number, true/false or null: a custom field's value."""

    max_length: int = 500

    def check(self, value, path):
        if value is None or isinstance(value, bool | int | float):
            return []
        if isinstance(value, str):
            return [] if len(value) <= self.max_length else [(path, f"Use at most {self.max_length} characters.")]
        return [(path, "Use text, a number, true/false or null.")]

    def json_schema(self):
        return {
            "nullable": True,
            "oneOf": [{"type": "string", "maxLength": self.max_length}, {"type": "number"}, {"type": "boolean"}],
        }


@dataclass(frozen=True)
class Nullable(Shape):
    """The inner shape, or null."""

    inner: Shape

    def check(self, value, path):
        return [] if value is None else self.inner.check(value, path)

    def json_schema(self):
        return {**self.inner.json_schema(), "nullable": True}


@dataclass(frozen=True)
class DateTimeText(Shape):
    """An ISO 8601 date and time, as text: "2026-12-01T09:00:00Z"."""

    def check(self, value, path):
        from django.utils.dateparse import parse_datetime

        try:
            parsed = parse_datetime(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            parsed = None
        if parsed is None or not 1900 <= parsed.year <= 2199:
            return [(path, "Enter a date and time (ISO 8601), e.g. 2026-12-01T09:00:00Z.")]
        return []

    def json_schema(self):
        return {"type": "string", "format": "date-time"}


_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class TimeSpan(Shape):
    """An open-close pair of wall times, ``["09:00", "18:00"]``: opening before closing, and within
    ``earliest``–``latest`` when given (``why`` names those bounds: "the legal calling hours")."""

    earliest: str = ""
    latest: str = ""
    why: str = ""

    def check(self, value, path):
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(t, str) and _HHMM.fullmatch(t) for t in value)
        ):
            return [(path, 'Use an ["HH:MM", "HH:MM"] pair.')]
        start, end = value
        if start >= end:
            return [(path, f"Opening time {start} must be before closing time {end}.")]
        if (self.earliest and start < self.earliest) or (self.latest and end > self.latest):
            bounds = f"{self.earliest or '00:00'}–{self.latest or '23:59'}"
            return [(path, f"{start}–{end} is outside {self.why or 'the allowed hours'} ({bounds}).")]
        return []

    def json_schema(self):
        return {
            "type": "array",
            "items": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
            "minItems": 2,
            "maxItems": 2,
            "example": [self.earliest or "09:00", self.latest or "18:00"],
        }


@dataclass(frozen=True)
class ListOf(Shape):
    item: Shape
    max_items: int = 100
    unique: bool = False
    min_items: int = 0

    def check(self, value, path):
        if not isinstance(value, list):
            return [(path, "Enter a list.")]
        if len(value) > self.max_items:
            return [(path, f"Use at most {self.max_items} items.")]
        if len(value) < self.min_items:
            return [(path, f"Use at least {self.min_items} items.")]
        problems = [p for index, item in enumerate(value) for p in self.item.check(item, _join(path, index))]
        if self.unique and not problems and len({repr(v) for v in value}) != len(value):
            problems.append((path, "Each item may appear once."))
        return problems

    def json_schema(self):
        schema = {"type": "array", "items": self.item.json_schema(), "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return schema


@dataclass(frozen=True)
class MapOf(Shape):
    key: Text
    value: Shape
    max_items: int = 100

    def check(self, value, path):
        if not isinstance(value, dict):
            return [(path, "Enter an object.")]
        if len(value) > self.max_items:
            return [(path, f"Use at most {self.max_items} keys.")]
        problems = []
        for key, item in value.items():
            problems += self.entry_problems(key, item, _join(path, key))
        return problems

    def entry_problems(self, key, item, path: str) -> Problems:
        """The problems of one key and its value (an importer checks cell by cell)."""
        return self.key.check(key, path) or self.value.check(item, path)

    def json_schema(self):
        schema = {"type": "object", "additionalProperties": self.value.json_schema(), "maxProperties": self.max_items}
        if self.key.choices is not None:
            schema["properties"] = {name: self.value.json_schema() for name in self.key.choices}
            schema["additionalProperties"] = False
        return schema


@dataclass(frozen=True)
class Record(Shape):
    fields: dict[str, Shape] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    def check(self, value, path):
        if not isinstance(value, dict):
            return [(path, "Enter an object.")]
        problems = [(_join(path, name), "Unknown key.") for name in value if name not in self.fields]
        problems += [(_join(path, name), "This key is required.") for name in self.required if name not in value]
        for name, shape in self.fields.items():
            if name in value:
                problems += shape.check(value[name], _join(path, name))
        return problems

    def json_schema(self):
        schema = {
            "type": "object",
            "properties": {name: shape.json_schema() for name, shape in self.fields.items()},
            "additionalProperties": False,
        }
        if self.required:
            schema["required"] = list(self.required)
        return schema


def problems(shape: Shape, value: Any) -> Problems:
    """Every problem of ``value`` against ``shape``, as (path, message); the top level's path is ""."""
    return shape.check(value, "")


def resolve(dotted: str) -> Shape:
    module, _, name = dotted.rpartition(".")
    return getattr(import_module(module), name)


@deconstructible
class ShapeValidator:
    """A model field validator: the value must have the shape named by ``dotted`` (``app.schemas.NAME``)."""

    def __init__(self, dotted: str):
        self.dotted = dotted

    @property
    def shape(self) -> Shape:
        return resolve(self.dotted)

    def __call__(self, value):
        found = problems(self.shape, value)
        if found:
            raise ValidationError([f"{path}: {message}" if path else message for path, message in found[:10]])

    def __eq__(self, other):
        return isinstance(other, ShapeValidator) and other.dotted == self.dotted

    def __hash__(self):
        return hash(self.dotted)
