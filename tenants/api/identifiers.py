"""How the API names rows: opaque public ids (core.public_ids), never integer keys.

- ``PublicIdField``: a row's own ``id``.
- ``PublicIdRelatedField``: a related row, written and read by its public id; only the tenant's rows
  are accepted, and another tenant's id answers exactly like one that never existed.
- ``PublicIdKeyField``: a key by public id, where a view wants the key itself.

Filters and forms use tenants.public_id_forms.
"""

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField

from core import public_ids
from core.shapes import PUBLIC_ID_EXAMPLE

SCHEMA = {"type": "string", "format": "uuid", "example": PUBLIC_ID_EXAMPLE}


@extend_schema_field({**SCHEMA, "readOnly": True})
class PublicIdField(serializers.Field):
    """A row's own id: its key as the public id of ``model``."""

    def __init__(self, model, **kwargs):
        self.model = model
        kept = {name: kwargs[name] for name in ("source", "help_text", "label") if name in kwargs}
        super().__init__(read_only=True, **{"source": "pk", **kept})

    def to_representation(self, value):
        return public_ids.encode(self.model, value)


@extend_schema_field(SCHEMA)
class PublicIdRelatedField(PrimaryKeyRelatedField):
    """A related row by public id. ``model`` is needed only when the field is read-only (no queryset)."""

    default_error_messages = {
        "incorrect_type": f"Expected an id (a string like {PUBLIC_ID_EXAMPLE}), received {{data_type}}.",
        "does_not_exist": "Unknown id “{pk_value}”.",
    }

    def __init__(self, model=None, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def _model(self):
        queryset = self.get_queryset() if self.queryset is not None else None
        return queryset.model if queryset is not None else self.model

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        pk = public_ids.decode(self._model(), data)
        if pk is None:
            self.fail("does_not_exist", pk_value=data[:40])
        try:
            return self.get_queryset().get(pk=pk)
        except ObjectDoesNotExist:
            self.fail("does_not_exist", pk_value=data[:40])

    def to_representation(self, value):
        return public_ids.encode(self._model(), value.pk)


@extend_schema_field(SCHEMA)
class PublicIdKeyField(serializers.Field):
    """A row's key by public id, where the view wants the key itself (``staff_id=…``), not the row."""

    default_error_messages = {"invalid": "Not a known id."}

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = public_ids.decode(self.model, data)
        if pk is None:
            self.fail("invalid")
        return pk

    def to_representation(self, value):
        return public_ids.encode(self.model, value)
