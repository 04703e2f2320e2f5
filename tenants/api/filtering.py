"""Filters that say what they do: every list of the API filters through here.

- A list accepts exactly the query parameters its schema documents (its filters,
  ``search`` where it searches, ``ordering``, ``page``, ``page_size``); anything
  else is a 400 naming the parameter, never silently ignored.
- ``ordering`` names only the fields the list declares; another is a 400.
- Booleans read ``true/false``, ``1/0`` and ``yes/no``; anything else is a 400.
- Numbers, dates and times are bounded: a value the database cannot hold, or a
  time whose offset pushes it out of range, is a 400 on the parameter.
- A related row is named by its public id (core.public_ids). Only the tenant's rows
  are offered: another tenant's id answers "not one of the choices", exactly as
  one that does not exist.
"""

from datetime import UTC, date

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

from core import public_ids

from ..public_id_forms import PublicIdChoiceField
from ..related import scoped_queryset_for

# Wide enough for any real date, narrow enough that converting a time zone never overflows.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
MAX_INT = 2**31 - 1  # ids and counts: PostgreSQL's integer; bigger values are refused rather than overflowing

TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError("Use true or false (also 1/0, yes/no).", code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class BoundedIntegerField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -MAX_INT)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    field_class = BoundedIntegerField


def _in_range(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(f"Pick a date between {EARLIEST:%Y} and {LATEST:%Y}.", code="invalid")


class BoundedDateField(forms.DateField):
    def to_python(self, value):
        result = super().to_python(value)
        if result is not None:
            _in_range(result)
        return result


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        try:
            result = super().to_python(value)
        except (ValueError, OverflowError):
            raise forms.ValidationError("Enter an ISO 8601 date and time, e.g. 2026-12-01T09:00:00Z.") from None
        if result is not None:
            _in_range(result.date())
            try:
                result.astimezone(UTC)
            except OverflowError:
                raise forms.ValidationError("That time is out of range.") from None
        return result


class DateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


@extend_schema_field({"type": "string", "format": "uuid"})
class PublicIdFilter(django_filters.ModelChoiceFilter):
    """A related row by public id (tenants.api.identifiers)."""

    field_class = PublicIdChoiceField


class PublicIdKeyFormField(forms.CharField):
    """A row's key from its public id; anything else is a 400 on the parameter."""

    def __init__(self, *args, model=None, **kwargs):
        self.model = model
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        pk = public_ids.decode(self.model, value)
        if pk is None:
            raise forms.ValidationError("Not a known id.", code="invalid")
        return pk


@extend_schema_field({"type": "string", "format": "uuid"})
class PublicIdKeyFilter(django_filters.Filter):
    """``?owner=<public id>`` on a key column (``owner_id``), with no query for the related row."""

    field_class = PublicIdKeyFormField


def _related_choices(field):
    model = field.remote_field.model
    return {"queryset": lambda request: scoped_queryset_for(model)}


class FilterSet(django_filters.rest_framework.FilterSet):
    """The base of every FilterSet of the API (declared, or made from ``filterset_fields``)."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
        models.IntegerField: {"filter_class": IntegerFilter},
        models.BigIntegerField: {"filter_class": IntegerFilter},
        models.PositiveIntegerField: {"filter_class": IntegerFilter},
        models.PositiveSmallIntegerField: {"filter_class": IntegerFilter},
        models.SmallIntegerField: {"filter_class": IntegerFilter},
        models.AutoField: {"filter_class": IntegerFilter},
        models.BigAutoField: {"filter_class": IntegerFilter},
        models.DateField: {"filter_class": DateFilter},
        models.DateTimeField: {"filter_class": IsoDateTimeFilter},
        models.ForeignKey: {"filter_class": PublicIdFilter, "extra": _related_choices},
        models.OneToOneField: {"filter_class": PublicIdFilter, "extra": _related_choices},
    }


class FilterBackend(DjangoFilterBackend):
    filterset_base = FilterSet

    def get_schema_operation_parameters(self, view):
        """The filters' names (what the schema documents; drf-spectacular reads the FilterSet itself)."""
        filterset_class = self.get_filterset_class(view, view.get_queryset())
        return [{"name": name} for name in (filterset_class.base_filters if filterset_class else {})]


class StrictSearchFilter(SearchFilter):
    """``?search=`` exists only on lists that search (they name ``search_fields``)."""

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "search_fields", None):
            return []
        return super().get_schema_operation_parameters(view)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` takes only the fields a list declares in ``ordering_fields``; another is a 400."""

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in getattr(view, "ordering_fields", None) or ()]

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _label in self.get_valid_fields(queryset, view)}
        unknown = [term for term in fields if term.lstrip("-") not in valid]
        if unknown:
            choices = ", ".join(sorted(valid)) or "none"
            message = f"Unknown field(s): {', '.join(unknown)}. Choose from: {choices} (prefix - to reverse)."
            raise ValidationError({self.ordering_param: [message]})
        return list(fields)

    def get_schema_operation_parameters(self, view):
        fields = getattr(view, "ordering_fields", None) or ()
        if not fields:
            return []
        [param] = super().get_schema_operation_parameters(view)
        param["description"] = f"Sort by {', '.join(fields)}; prefix - to reverse; comma-separate several."
        return [param]


_documented: dict[tuple, frozenset[str]] = {}


def documented_query_params(view) -> frozenset[str]:
    """The query parameters a list documents: its backends', its paginator's, and any it declares.
    They depend on the view's class and action only, so they are worked out once per process."""
    key = (type(view), getattr(view, "action", None))
    if key not in _documented:
        _documented[key] = frozenset(_query_params_of(view))
    return _documented[key]


def _query_params_of(view) -> set[str]:
    names = set(getattr(view, "extra_query_params", ()))
    for backend_class in view.filter_backends:
        names |= {param["name"] for param in backend_class().get_schema_operation_parameters(view)}
    paginator = view.paginator
    if paginator is not None:
        names |= {param["name"] for param in paginator.get_schema_operation_parameters(view)}
    return names


def reject_unknown_query_params(view, request) -> None:
    known = documented_query_params(view)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})


def reject_nul_in_query(request) -> None:
    raw = request.META.get("QUERY_STRING", "")
    if "%00" not in raw and "\x00" not in raw:
        return  # the common case, without parsing the query string
    bad = {name for name, values in request.query_params.lists() if "\x00" in name or any("\x00" in v for v in values)}
    if bad:
        raise ValidationError(
            {name.replace("\x00", "") or "query": ["May not contain NUL characters."] for name in bad}
        )
