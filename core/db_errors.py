"""What a database refusal means, in words a person can act on.

``unique_violation(exc)`` reads an ``IntegrityError`` (PostgreSQL or SQLite)
and names the model, the fields and the message of the unique constraint it
broke, so a door can answer "a tag with this name already exists" on the
``name`` field instead of a server error. ``still_used_by(exc)`` reads a
``ProtectedError`` or ``RestrictedError`` and counts what still points at the
row, per kind of thing.
"""

import re
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.db.models.expressions import F
from django.utils.text import capfirst

_SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)")
_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '(?P<name>[^']+)'")
_POSTGRES_KEY = re.compile(r"Key \((?P<columns>.+?)\)=")


@dataclass(frozen=True)
class UniqueViolation:
    model: type[models.Model]
    fields: tuple[str, ...]  # the fields a person set (the tenant key left out)
    message: str


def _expression_fields(expression) -> list[str]:
    if isinstance(expression, F):
        return [expression.name]
    found = []
    for source in getattr(expression, "get_source_expressions", lambda: [])():
        found += _expression_fields(source)
    return found


def _constraint_fields(constraint) -> list[str]:
    if constraint.fields:
        return list(constraint.fields)
    fields = []
    for expression in constraint.expressions:
        fields += _expression_fields(expression)
    return fields


@cache
def _by_name() -> dict[str, tuple[type[models.Model], list[str], str | None]]:
    """Every named unique constraint of the project's models: name -> (model, fields, custom message)."""
    found = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                custom = constraint.violation_error_message
                if custom == models.UniqueConstraint.default_violation_error_message:
                    custom = None
                found[constraint.name] = (model, _constraint_fields(constraint), custom)
    return found


@cache
def _by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


def _field_names(model, columns: list[str]) -> list[str]:
    by_column = {field.column: field.name for field in model._meta.concrete_fields}
    return [by_column.get(column, column) for column in columns]


def _locate(exc) -> tuple[type[models.Model], list[str], str | None] | None:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL
        if getattr(cause, "sqlstate", None) != "23505":
            return None
        if diag.constraint_name in _by_name():
            return _by_name()[diag.constraint_name]
        model = _by_table().get(diag.table_name)
        match = _POSTGRES_KEY.search(diag.message_detail or "")
        if model is None or match is None:
            return None
        columns = [re.sub(r"[^\w].*$", "", part.strip().strip('"')) for part in match.group("columns").split(",")]
        return model, _field_names(model, columns), None
    text = str(exc)
    if match := _SQLITE_INDEX.search(text):
        return _by_name().get(match.group("name"))
    if match := _SQLITE_COLUMNS.search(text):
        qualified = match.group("columns").split(", ")
        model = _by_table().get(qualified[0].split(".")[0])
        if model is None:
            return None
        return model, _field_names(model, [name.split(".", 1)[1] for name in qualified]), None
    return None


def unique_violation(exc) -> UniqueViolation | None:
    """The unique constraint an IntegrityError broke, or None if it was not a unique violation we know."""
    located = _locate(exc)
    if located is None:
        return None
    model, fields, custom = located
    named = tuple(name for name in fields if name not in ("tenant", "tenant_id"))
    if custom:
        message = custom
    else:
        labels = [str(model._meta.get_field(name).verbose_name) for name in named if _has_field(model, name)]
        what = " and ".join(labels) or "these details"
        message = f"{capfirst(model._meta.verbose_name)} with this {what} already exists."
    return UniqueViolation(model, named, message)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # an expression's alias, not a field
        return False
    return True


def still_used_by(exc: ProtectedError | RestrictedError) -> tuple[dict[str, int], str]:
    """What still points at the row a delete was refused for, by model label, and in words:
    ({"leads.lead": 12, "campaigns.campaign": 1}, "12 leads, 1 campaign")."""
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    counts: dict[type[models.Model], int] = {}
    for obj in objects:
        counts[type(obj)] = counts.get(type(obj), 0) + 1
    words = [
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in sorted(counts.items(), key=lambda item: item[0]._meta.label)
    ]
    return {model._meta.label_lower: count for model, count in counts.items()}, ", ".join(words)
