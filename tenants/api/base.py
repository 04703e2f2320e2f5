"""The base classes every API view of the project stands on.

``TenantScopedAPIMixin`` owns security so subclasses cannot forget it: after
JWT authentication it picks the tenant (``X-Tenant`` header, else the token's
tenant, else the user's only membership), enters the tenant scope and the
audit context, and always leaves both when the request ends, even if the view
raised. ``TenantModelViewSet`` binds its class-level queryset to that scope, and
``TenantModelSerializer`` only accepts related ids of the same tenant and
rejects unknown fields.
"""

from collections.abc import Mapping
from contextlib import ExitStack

from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.views import APIView

from ..audit import audit_context, client_ip
from ..related import scoped_queryset_for
from ..resolution import TenantChoice, TenantNotAllowed, active_memberships, choose
from ..scoping import tenant_scope
from .errors import TenantRequired

TENANT_HEADER = "X-Tenant"


def resolve_api_tenant(request, *, required: bool):
    """The TenantChoice for an authenticated API request, or None; raises API errors."""
    user = request.user
    slug = request.headers.get(TENANT_HEADER)
    if slug:
        try:
            return choose(user, slug=slug.strip())
        except TenantNotAllowed:
            raise exceptions.PermissionDenied(
                f"You are not a member of tenant “{slug}”.", code="tenant_forbidden"
            ) from None
    token_tenant = request.auth.get("tenant_id") if request.auth is not None else None
    if token_tenant is not None:
        try:
            return choose(user, tenant_id=int(token_tenant))
        except (TenantNotAllowed, ValueError, TypeError):
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


class TenantScopedAPIMixin:
    """Enter the tenant scope after authentication; leave it in ``finally``."""

    tenant_required = True

    def dispatch(self, request, *args, **kwargs):
        self._scope_stack = ExitStack()
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            self._scope_stack.close()

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
    lookup_value_regex = r"\d+"  # ids are integers; "settings", "export"… are never mistaken for one

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset  # schema generation only reads queryset.model
        if hasattr(queryset, "in_current_scope"):
            return queryset.in_current_scope()
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


def _rebind(field) -> None:
    target = field.child_relation if isinstance(field, ManyRelatedField) else field
    if isinstance(target, RelatedField) and getattr(target, "queryset", None) is not None:
        scoped = scoped_queryset_for(target.queryset.model, target.queryset)
        if scoped is not None:
            target.queryset = scoped


class _Strict:
    """Related fields accept only the tenant's rows; unknown fields are a 400 (reported with the other errors)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _rebind(field)
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
    """Never exposes ``tenant``; related fields accept only the tenant's rows; unknown fields are a 400."""

    def get_field_names(self, declared_fields, info):
        return [name for name in super().get_field_names(declared_fields, info) if name != "tenant"]


class StrictSerializer(_Strict, serializers.Serializer):
    """A plain serializer (an action's input): related fields take the tenant's rows only; unknown fields are a 400."""
