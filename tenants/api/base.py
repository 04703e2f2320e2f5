"""The base classes every API view of the project stands on.

``TenantScopedAPIMixin`` owns security so subclasses cannot forget it: after
JWT authentication it picks the tenant (``X-Tenant`` header, else the token's
tenant, else the user's only membership), enters the tenant scope and the
audit context, and always leaves both when the request ends, even if the view
raised. A class-level ``queryset`` of a tenant-owned model needs nothing more: it takes
the tenant in scope when it runs (``tenants.managers``). Other querysets (users)
are narrowed to the tenant's people, and
``TenantModelSerializer`` only accepts related ids of the same tenant and
rejects unknown fields.
"""

from collections.abc import Mapping
from contextlib import ExitStack

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField, RelatedField
from rest_framework.views import APIView

from core import public_ids
from core.formats import currency
from core.shapes import ShapeValidator, problems

from ..audit import audit_context, client_ip
from ..related import scoped_queryset_for
from ..resolution import TenantChoice, TenantNotAllowed, active_memberships, choose
from ..scoping import tenant_scope
from . import idempotency
from .errors import TenantRequired
from .filtering import EARLIEST, LATEST, MAX_INT, reject_nul_in_query, reject_unknown_query_params
from .identifiers import PublicIdField, PublicIdRelatedField
from .negotiation import JSONOnly

TENANT_HEADER = "X-Tenant"


def resolve_api_tenant(request, *, required: bool):
    """The TenantChoice for an authenticated API request, or None; raises API errors."""
    user = request.user
    slug = request.META.get("HTTP_X_TENANT")  # request.headers would parse every header on each request
    if slug:
        try:
            return choose(user, slug=slug.strip())
        except TenantNotAllowed:
            raise exceptions.PermissionDenied(
                f"You are not a member of tenant “{slug}”.", code="tenant_forbidden"
            ) from None
    token_tenant = request.auth.get("tenant") if request.auth is not None else None
    if token_tenant is not None:
        try:
            return choose(user, slug=str(token_tenant))
        except TenantNotAllowed:
            raise exceptions.PermissionDenied(
                "Your membership of this token's tenant has ended.", code="tenant_forbidden"
            ) from None
    memberships = active_memberships(user)
    if len(memberships) == 1:
        return TenantChoice(memberships[0].tenant, memberships[0])
    if not required:
        return None
    if not memberships:
        raise exceptions.PermissionDenied("You are not a member of any tenant.", code="no_membership")
    slugs = ", ".join(m.tenant.slug for m in memberships)
    raise TenantRequired(f"You belong to several tenants; send the {TENANT_HEADER} header with one of: {slugs}.")


_instances: dict[tuple, list] = {}


_CLASSES = {
    "parsers": "parser_classes",
    "authenticators": "authentication_classes",
    "permissions": "permission_classes",
    "renderers": "renderer_classes",
}


def _shared(view, kind: str, make) -> list:
    """One list of instances per view class and configured classes (an action may configure its own)."""
    key = (type(view), kind, tuple(getattr(view, _CLASSES[kind])))
    if key not in _instances:
        _instances[key] = make()
    return _instances[key]


class TenantScopedAPIMixin:
    """The life of every tenant-scoped API request, in order:

    1. authenticate (JWT), then enter the audit context and the tenant scope;
    2. permissions and throttles;
    3. for a POST with an ``Idempotency-Key``, claim the key (or replay its stored answer);
    4. a write (POST, PUT, PATCH, DELETE) runs in one transaction: an error answer rolls all of it
       back, so a refused request leaves nothing half-done;
    5. leave the transaction, the scope and the audit context, whatever happened;
    6. settle the idempotency key with the answer.
    """

    tenant_required = True
    in_write_transaction = False
    content_negotiation_class = JSONOnly

    def dispatch(self, request, *args, **kwargs):
        self._idempotency = None
        self.in_write_transaction = False
        response = None
        try:
            with ExitStack() as stack:
                self._scope_stack = stack
                response = super().dispatch(request, *args, **kwargs)
            return response
        finally:
            if self._idempotency is not None:
                idempotency.settle(self._idempotency, response)

    def initial(self, request, *args, **kwargs):
        reject_nul_in_query(request)
        super().initial(request, *args, **kwargs)
        if request.method in SAFE_METHODS:
            return
        if getattr(request, "tenant", None) is not None:
            self._idempotency = idempotency.claim(request)
        self._scope_stack.enter_context(transaction.atomic())
        self.in_write_transaction = True

    # Parsers, authenticators, permissions and renderers hold no per-request state: made once per view class.
    def get_parsers(self):
        return _shared(self, "parsers", super().get_parsers)

    def get_authenticators(self):
        return _shared(self, "authenticators", super().get_authenticators)

    def get_permissions(self):
        return _shared(self, "permissions", super().get_permissions)

    def get_renderers(self):
        return _shared(self, "renderers", super().get_renderers)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response()
        return super().handle_exception(exc)

    def perform_authentication(self, request):
        super().perform_authentication(request)
        request.tenant = request.membership = None
        user = request.user
        if not user or not user.is_authenticated:
            return
        self._scope_stack.enter_context(audit_context(user, client_ip(request)))
        choice = resolve_api_tenant(request, required=self.tenant_required)
        if choice is not None:
            request.tenant = choice.tenant
            request.membership = choice.membership
            self._scope_stack.enter_context(tenant_scope(choice.tenant.pk))


class TenantAPIView(TenantScopedAPIMixin, APIView):
    """A tenant-scoped view that is not a model viewset (searches, reports)."""


class TenantViewSetMixin(TenantScopedAPIMixin):
    lookup_value_regex = public_ids.PATTERN  # "settings", "export"… are never mistaken for an id

    def get_object(self):
        """The row the URL's public id names; anything else, another model's id included, is a 404."""
        key = self.lookup_url_kwarg or self.lookup_field
        if not getattr(self, "_lookup_decoded", False):
            pk = public_ids.decode(self.get_queryset().model, self.kwargs[key])
            if pk is None:
                raise Http404
            self.kwargs[key] = str(pk)
            self._lookup_decoded = True
        return super().get_object()

    def filter_queryset(self, queryset):
        if self.request.method == "GET" and not self.detail:
            reject_unknown_query_params(self, self.request)
        return super().filter_queryset(queryset)

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset  # schema generation only reads queryset.model
        scoped = scoped_queryset_for(queryset.model, queryset)
        return scoped if scoped is not None else queryset


class TenantModelViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    """CRUD over one tenant-owned model: name queryset, serializer_class and filterset_class."""

    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantCreateListRetrieveViewSet(
    TenantViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """No DELETE: rows that are deactivated, not deleted."""

    http_method_names = ["get", "post", "patch", "head", "options"]


class BoundedDateField(serializers.DateField):
    """A day between 1900 and 2199: later days overflow date arithmetic and are no real bookings."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError(f"Pick a date between {EARLIEST:%Y} and {LATEST:%Y}.")
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    """A moment between 1900 and 2199 whose offset converts to UTC (a far one would overflow)."""

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except OverflowError:
            moment = None
        if moment is None or not EARLIEST <= moment.date() <= LATEST:
            raise serializers.ValidationError(f"Pick a moment between {EARLIEST:%Y} and {LATEST:%Y}.")
        return moment


def _harden(field) -> None:
    """What every writable field of the API gets, declared or generated: related ids only of the tenant
    in scope and within the database's range; whole numbers within the database's range."""
    target = field.child_relation if isinstance(field, ManyRelatedField) else field
    if isinstance(target, RelatedField) and getattr(target, "queryset", None) is not None:
        scoped = scoped_queryset_for(target.queryset.model, target.queryset)
        if scoped is not None:
            target.queryset = scoped
    # Same state, named by public id: the declared field keeps every option it was given.
    if type(target) is PrimaryKeyRelatedField:
        target.__class__ = PublicIdRelatedField
        target.model = None
        target.error_messages = {**target.error_messages, **PublicIdRelatedField.default_error_messages}
    if type(field) is serializers.DateField:
        field.__class__ = BoundedDateField
    if type(field) is serializers.DateTimeField:
        field.__class__ = BoundedDateTimeField
    if isinstance(field, serializers.IntegerField) and not field.read_only:
        if field.max_value is None:
            field.validators.append(MaxValueValidator(MAX_INT))
        if field.min_value is None:
            field.validators.append(MinValueValidator(-MAX_INT))


@extend_schema_field({"type": "string", "example": "USD", "description": "The currency of the amounts (ISO 4217)."})
class CurrencyField(serializers.Field):
    """``currency`` beside an amount: amounts are decimal strings in the installation's currency."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value):
        return currency()


class ShapedJSONField(serializers.JSONField):
    """A JSON value with a declared shape (core.shapes): each problem is reported at its path."""

    def __init__(self, *args, shape, **kwargs):
        self.shape = shape
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        found = problems(self.shape, value)
        if found:
            top = [message for path, message in found if not path]
            if top:
                raise serializers.ValidationError(top)
            detail: dict[str, list[str]] = {}
            for path, message in found:
                detail.setdefault(path, []).append(message)
            raise serializers.ValidationError(detail)
        return value


class _Strict:
    """Related fields accept only the tenant's rows; unknown fields are a 400 (reported with the other errors)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _harden(field)
        return fields

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {name: ["Unknown field."] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            raise serializers.ValidationError({**errors, **detail}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


class TenantModelSerializer(_Strict, serializers.ModelSerializer):
    """Never exposes ``tenant``; rows are named by public ids, related fields accept only the tenant's rows;
    unknown fields are a 400."""

    serializer_related_field = PublicIdRelatedField

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if issubclass(field_class, PublicIdRelatedField):
            kwargs["model"] = relation_info.related_model
        return field_class, kwargs

    def get_field_names(self, declared_fields, info):
        return [name for name in super().get_field_names(declared_fields, info) if name != "tenant"]

    def get_fields(self):
        fields = super().get_fields()
        model_fields = {f.name: f for f in self.Meta.model._meta.get_fields() if hasattr(f, "blank")}
        for name, field in fields.items():
            model_field = model_fields.get(field.source or name)  # source is set when fields bind, later
            if (
                model_field is not None
                and model_field.blank
                and isinstance(field, serializers.CharField | serializers.ChoiceField)
            ):
                field.allow_blank = True  # read-only fields too: the schema must admit the "" they answer
        return fields

    def build_standard_field(self, field_name, model_field):
        if model_field.primary_key:
            return PublicIdField, {"model": self.Meta.model}
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        shaped = [v for v in kwargs.get("validators", []) if isinstance(v, ShapeValidator)]
        if shaped:
            kwargs["validators"] = [v for v in kwargs["validators"] if not isinstance(v, ShapeValidator)]
            return ShapedJSONField, {**kwargs, "shape": shaped[0].shape}
        return field_class, kwargs


class StrictSerializer(_Strict, serializers.Serializer):
    """A plain serializer (an action's input): related fields take the tenant's rows only; unknown fields are a 400."""
