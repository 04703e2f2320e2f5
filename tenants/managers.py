"""Managers that keep every query inside the tenant in scope, and fail closed.

``Model.objects`` returns querysets filtered by the tenant in scope. Built with
no tenant in scope, a queryset is *unbound*: it can be declared (a class-level
``queryset = Lead.objects.all()`` is fine), but any database access raises
``TenantScopeError``. ``in_current_scope()`` binds an unbound queryset to the
tenant in scope at the time of the request, keeping its filters, ordering and
``select_related``.

``Model.objects.unscoped()`` is the explicit, greppable escape hatch for code
that works across tenants (beat fan-out, platform staff, tenant resolution).
``Model.all_tenants`` is a plain manager, Django's default manager, so that
migrations, related managers and deletion cascades keep working.
"""

from django.db import models
from django.db.models import Q

from .scoping import TenantScopeError, current_tenant_id, get_current_tenant_id

_UNBOUND = "unbound"
_ALL_TENANTS = "all"


class TenantQuerySet(models.QuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tenant_binding = _UNBOUND

    def _clone(self):
        clone = super()._clone()
        clone._tenant_binding = self._tenant_binding
        return clone

    # --- binding -----------------------------------------------------------

    def _bound_to(self, tenant_id: int):
        clone = self._chain()
        # add_q (not filter) so that a queryset that was already sliced can be bound too.
        clone.query.add_q(Q(tenant_id=tenant_id))
        clone._tenant_binding = tenant_id
        return clone

    def in_current_scope(self):
        """This queryset restricted to the tenant in scope now (raises with no scope)."""
        tenant_id = current_tenant_id()
        if self._tenant_binding == tenant_id:
            return self._chain()
        if self._tenant_binding in (_UNBOUND, _ALL_TENANTS):
            return self._bound_to(tenant_id)
        raise TenantScopeError(
            f"A queryset of tenant {self._tenant_binding} was used in the scope of tenant {tenant_id}."
        )

    def _guard(self):
        if self._tenant_binding == _UNBOUND:
            raise TenantScopeError(f"{self.model.__name__}.objects was queried with no tenant in scope.")

    # --- every way a queryset reaches the database -------------------------

    def _fetch_all(self):
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._guard()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._guard()
        return super().count()

    def exists(self):
        self._guard()
        return super().exists()

    def contains(self, obj):
        self._guard()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._guard()
        return super().aggregate(*args, **kwargs)

    def explain(self, *args, **kwargs):
        self._guard()
        return super().explain(*args, **kwargs)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    update.alters_data = True

    def _update(self, values):
        self._guard()
        return super()._update(values)

    _update.alters_data = True

    def delete(self):
        self._guard()
        return super().delete()

    delete.alters_data = True

    def _raw_delete(self, using):
        self._guard()
        return super()._raw_delete(using)

    def resolve_expression(self, *args, **kwargs):
        # Used as a subquery inside another query.
        self._guard()
        return super().resolve_expression(*args, **kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        tenant_id = current_tenant_id()
        objs = list(objs)  # any iterable, as Django allows; a generator would be used up by the check below
        for obj in objs:
            if obj.tenant_id is None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise TenantScopeError(
                    f"Cannot create a row of tenant {obj.tenant_id} in the scope of tenant {tenant_id}."
                )
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """``objects`` on tenant-owned models: the rows of the tenant in scope, or an unbound queryset."""

    def get_queryset(self):
        queryset = super().get_queryset()
        tenant_id = get_current_tenant_id()
        if tenant_id is None:
            return queryset  # unbound: raises when it touches the database
        return queryset._bound_to(tenant_id)

    def unscoped(self):
        """Every tenant's rows. Only for code that must cross tenants; grep for it in review."""
        queryset = super().get_queryset()
        queryset._tenant_binding = _ALL_TENANTS
        return queryset
