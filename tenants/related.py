"""What a form or serializer may offer for a related field: only rows of the tenant in scope.

Used by the admin mixin (foreign-key choices, list filters) and the base
serializer (related fields), so that another tenant's id is never a valid
choice. With no tenant in scope the answer is an unbound queryset, which
raises on use: it fails closed.
"""

from django.contrib.auth import get_user_model

from .managers import TenantQuerySet
from .scoping import get_current_tenant_id


def is_tenant_owned(model) -> bool:
    from .models import TenantOwnedModel

    return issubclass(model, TenantOwnedModel)


def scoped_queryset_for(model, queryset=None):
    """The rows of ``model`` the tenant in scope may point at, or None if ``model`` is not per tenant.

    ``queryset``, when given, keeps its own filters and ordering.
    """
    from .models import Tenant

    tenant_id = get_current_tenant_id()
    if is_tenant_owned(model):
        # A TenantQuerySet takes the tenant in scope when it runs; anything else is replaced.
        return queryset if isinstance(queryset, TenantQuerySet) else model.objects.all()
    if model is get_user_model():
        base = queryset if queryset is not None else model._default_manager.all()
        if tenant_id is None:
            return base.none()
        return base.filter(memberships__tenant_id=tenant_id, memberships__is_active=True)
    if model is Tenant:
        base = queryset if queryset is not None else model._default_manager.all()
        return base.filter(pk=tenant_id) if tenant_id is not None else base.none()
    return None
