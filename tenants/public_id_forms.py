"""Form fields and widgets that name rows by public id (core.public_ids): the admin's related fields and
autocompletes, and the filters of the API and the dashboard. A page never holds a row's key, and a
posted key, another model's id or another tenant's row is "not one of the choices"."""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

from core import public_ids


def _shown(model, value):
    """A row, or its key as the database gives it (an int), as its public id; anything else as it is."""
    if hasattr(value, "_meta"):
        return public_ids.of(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return public_ids.encode(model, value)
    return value


class PublicIdChoiceField(forms.ModelChoiceField):
    def prepare_value(self, value):
        return _shown(self.queryset.model, value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = public_ids.decode(self.queryset.model, str(value))
        if pk is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(pk)


class PublicIdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def prepare_value(self, value):
        if hasattr(value, "__iter__") and not isinstance(value, str) and not hasattr(value, "_meta"):
            return [_shown(self.queryset.model, item) for item in value]
        return _shown(self.queryset.model, value)

    def _check_values(self, value):
        keys = []
        for item in value:
            pk = public_ids.decode(self.queryset.model, str(item))
            if pk is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(item)[:40]}
                )
            keys.append(pk)
        return super()._check_values(keys)


class _PublicIdAutocomplete:
    """Django's autocomplete widget, with the selected rows read from and shown as public ids."""

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        keys = [str(pk) for pk in (public_ids.decode(model, str(item)) for item in value) if pk is not None]
        groups = super().optgroups(name, keys, attr)
        for _group, options, _index in groups:
            for option in options:
                if option["value"] not in ("", None):
                    option["value"] = public_ids.encode(model, int(option["value"]))
        return groups


class PublicIdAutocompleteSelect(_PublicIdAutocomplete, AutocompleteSelect):
    pass


class PublicIdAutocompleteSelectMultiple(_PublicIdAutocomplete, AutocompleteSelectMultiple):
    pass


class PublicIdAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers: each row by its public id."""

    def serialize_result(self, obj, to_field_name):
        if to_field_name == obj._meta.pk.attname:
            return {"id": public_ids.of(obj), "text": str(obj)}
        return super().serialize_result(obj, to_field_name)
