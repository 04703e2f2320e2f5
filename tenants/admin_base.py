"""Base classes for every admin page of a tenant-owned model.

They keep the admin inside the tenant in scope (entered by the middleware):
changelists and change pages, foreign-key and many-to-many choices,
autocomplete (it reads the target admin's ``get_queryset``), related list
filters, inlines and actions. Another tenant's row is a 404, never a page.
"""

import json
from functools import partial

from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from unfold.admin import ModelAdmin, StackedInline, TabularInline, checkbox
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import display

from core import public_ids

from . import json_editors
from .public_id_forms import (
    PublicIdAutocompleteSelect,
    PublicIdAutocompleteSelectMultiple,
    PublicIdChoiceField,
    PublicIdMultipleChoiceField,
)
from .related import is_tenant_owned, scoped_queryset_for
from .roles import OPERATIONS, may
from .scoping import get_current_tenant_id


class ScopedRelatedFilter(RelatedDropdownFilter):
    """A related-field filter whose choices are the tenant's rows only, named by public id in the URL
    (core.public_ids); a value that names none of the tenant's rows is refused like any bad filter."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        related = field.remote_field.model
        if self.lookup_kwarg in self.used_parameters:
            keys = [public_ids.decode(related, value) for value in self.used_parameters[self.lookup_kwarg]]
            if None in keys:
                raise IncorrectLookupParameters(f"Unknown {self.title}.")
            self.used_parameters[self.lookup_kwarg] = keys

    def field_choices(self, field, request, model_admin):
        model = field.remote_field.model
        queryset = scoped_queryset_for(model)
        if queryset is None:
            queryset = model._default_manager.all()
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(public_ids.of(obj), str(obj)) for obj in queryset[:500]]

    def get_facet_counts(self, pk_attname, filtered_qs):
        related = self.field.remote_field.model
        counts = {
            f"{value}__c": models.Count(
                pk_attname, filter=models.Q(**{self.lookup_kwarg: public_ids.decode(related, value)})
            )
            for value, _ in self.lookup_choices
        }
        if self.include_empty_choice:
            counts["__c"] = models.Count(pk_attname, filter=models.Q(**{self.lookup_kwarg_isnull: True}))
        return counts


def _scoped_formfield_kwargs(db_field, kwargs):
    if "queryset" not in kwargs:
        scoped = scoped_queryset_for(db_field.remote_field.model)
        if scoped is not None:
            kwargs["queryset"] = scoped
    else:
        scoped = scoped_queryset_for(kwargs["queryset"].model, kwargs["queryset"])
        if scoped is not None:
            kwargs["queryset"] = scoped
    return kwargs


def _by_public_id(formfield):
    """Related choices and autocompletes name rows by public id (tenants.public_id_forms)."""
    if formfield is not None and isinstance(formfield.widget, AutocompleteSelectMultiple):
        formfield.widget.__class__ = PublicIdAutocompleteSelectMultiple
    elif formfield is not None and isinstance(formfield.widget, AutocompleteSelect):
        formfield.widget.__class__ = PublicIdAutocompleteSelect
    return formfield


def _popup_by_public_id(response, model):
    """A "+" (or change, or delete) popup hands the row back to the form that opened it by public id, the
    form's own values (tenants.public_id_forms), not by key."""
    data = getattr(response, "context_data", None) or {}
    if "popup_response_data" not in data:
        return response
    answer = json.loads(data["popup_response_data"])
    for name in ("value", "new_value"):
        if str(answer.get(name, "")).isdigit():
            answer[name] = public_ids.encode(model, int(answer[name]))
    response.context_data["popup_response_data"] = json.dumps(answer)
    return response


def is_dealership(request) -> bool:
    """Whether the tenant in scope sells and services cars: dealership-only pages and fields are shown."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.vertical == "dealership"


class TenantScopedFormfieldsMixin:
    """Related fields offer the tenant's rows only, by public id: the page never holds a key, so the
    "view", "change" and "delete" links it builds from the selected option open the row's own page. Shaped
    JSON fields get their structured editors."""

    def _shown_in_words(self, request, obj) -> dict[str, str]:
        """For a member who may only look, each shaped JSON field is shown in words, as its editor shows it
        (``<name>__read_only``, answered by ``__getattr__``), not as the JSON Django would print."""
        if obj is None or self.has_change_permission(request, obj):
            return {}
        shaped = [f.name for f in self.model._meta.fields if json_editors.editor_for(f) is not None]
        return {name: f"{name}{json_editors.READ_ONLY}" for name in shaped}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        shown = self._shown_in_words(request, obj)
        if not shown:
            return fieldsets
        # dict.fromkeys: once each (without fieldsets of its own, Django lists the read-only names too)
        return [
            (name, {**options, "fields": list(dict.fromkeys(shown.get(f, f) for f in options["fields"]))})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self._shown_in_words(request, obj).values()]

    def __getattr__(self, name):
        if name.endswith(json_editors.READ_ONLY):
            db_field = self.model._meta.get_field(name.removesuffix(json_editors.READ_ONLY))
            shown = partial(json_editors.read_only_html, db_field)
            shown.short_description = capfirst(db_field.verbose_name)
            return shown
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A shaped JSON field is edited as a person would (tenants.json_editors), unless the form brings its own.
        return super().formfield_for_dbfield(db_field, request, **json_editors.formfield_kwargs(db_field, kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _scoped_formfield_kwargs(db_field, kwargs)
        if db_field.remote_field.field_name == db_field.related_model._meta.pk.name:
            kwargs.setdefault("form_class", PublicIdChoiceField)
        return _by_public_id(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = _scoped_formfield_kwargs(db_field, kwargs)
        kwargs.setdefault("form_class", PublicIdMultipleChoiceField)
        return _by_public_id(super().formfield_for_manytomany(db_field, request, **kwargs))

    def get_queryset(self, request):
        if not is_tenant_owned(self.model):
            return super().get_queryset(request)
        if get_current_tenant_id() is None:
            return self.model.all_tenants.none()  # a superuser before any tenant exists
        queryset = self.model.objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


# Unfold renders each row's selection checkbox through a widget template: 50 rows cost half a list page's time.
# The same HTML, rendered once, with each row's value put in.
_ROW_CHECKBOX = checkbox.render(helpers.ACTION_CHECKBOX_NAME, "__ROW__")


class TenantModelAdmin(TenantScopedFormfieldsMixin, ModelAdmin):
    """Admin of a tenant-owned model. Big tables: no full count, selected relations declared."""

    show_full_result_count = False
    list_filter_submit = True
    list_per_page = 50  # a screen or two of rows; a page of 100 took twice as long to draw (bench/pages.py)

    @display(description=ModelAdmin.action_checkbox.short_description)
    def action_checkbox(self, obj):
        return mark_safe(_ROW_CHECKBOX.replace("__ROW__", escape(str(obj.pk))))

    def has_module_permission(self, request):
        # A platform superuser with no tenant picked (or none existing) has no rows to see here.
        return getattr(request, "tenant", None) is not None and super().has_module_permission(request)

    def get_list_filter(self, request):
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_relation(entry):
                entry = (entry, ScopedRelatedFilter)
            filters.append(entry)
        return filters

    def response_add(self, request, obj, post_url_continue=None):
        return _popup_by_public_id(super().response_add(request, obj, post_url_continue), self.model)

    def response_change(self, request, obj):
        return _popup_by_public_id(super().response_change(request, obj), self.model)

    def response_delete(self, request, obj_display, obj_id):
        return _popup_by_public_id(super().response_delete(request, obj_display, obj_id), self.model)

    def lookup_allowed(self, lookup, value, request=None):
        """No filtering by key in a changelist URL (``?id__lte=500``, ``?campaign=3``): ids there are public
        (core.public_ids), and only the related-field filters' own parameters, which decode them, pass."""
        parts = lookup.split("__")
        keys = {"pk", self.model._meta.pk.name, self.model._meta.pk.attname}
        relations = {f.name for f in self.model._meta.get_fields() if f.is_relation}
        attnames = {f.attname for f in self.model._meta.concrete_fields if f.is_relation}
        if parts[0] in keys or parts[0] in attnames:
            return False
        if parts[0] in relations and parts[1:] not in (["id", "exact"], ["isnull"]):
            return False
        return super().lookup_allowed(lookup, value, request)

    def _is_relation(self, path: str) -> bool:
        model = self.model
        field = None
        for part in path.split("__"):
            field = model._meta.get_field(part)
            if not field.is_relation:
                return False
            model = field.related_model
        return field is not None and field.is_relation

    def __getattr__(self, name):
        """``has_<operation>_permission`` for every operation of tenants.roles.OPERATIONS, so an action
        declares ``permissions=["tag_leads"]`` and the admin asks the same table as the API."""
        operation = name.removeprefix("has_").removesuffix("_permission")
        if name.startswith("has_") and name.endswith("_permission") and operation in OPERATIONS:
            return lambda request, obj=None: may(request.user, operation)
        return super().__getattr__(name)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another tenant's row, or none: the same 404 either way.
        raise Http404(f"No {opts.verbose_name} with id {object_id} here.")


class TenantTabularInline(TenantScopedFormfieldsMixin, TabularInline):
    extra = 0


class TenantStackedInline(TenantScopedFormfieldsMixin, StackedInline):
    extra = 0


class ReadOnlyAdminMixin:
    """View-only admin, for rows the product writes (logs, events)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def bulk_action_with_form(form_class, *, description: str, permissions: list[str]):
    """A changelist action that first asks for some input on an intermediate page.

    The decorated function is called as ``func(modeladmin, request, queryset, cleaned_data)``
    once the form is valid; forms take ``request`` as a keyword argument.
    """
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.template.response import TemplateResponse

    def decorator(func):
        def action(modeladmin, request, queryset):
            submitted = "apply" in request.POST
            form = form_class(request.POST if submitted else None, request=request)
            if submitted and form.is_valid():
                return func(modeladmin, request, queryset, form.cleaned_data)
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "form": form,
                "count": queryset.count(),
                "action_name": func.__name__,
                "opts": modeladmin.model._meta,
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/bulk_action_form.html", context)

        action.__name__ = func.__name__
        action.short_description = description
        action.allowed_permissions = permissions
        return action

    return decorator
