"""Managers that keep every query inside the tenant in scope, and fail closed.

The rule: **the SQL of a query on a tenant-owned table carries the tenant in
scope at the moment it runs.** ``Model.objects`` builds querysets that hold no
tenant at all; the tenant filter is added when Django compiles the query
(top-level, as a subquery, inside ``count()``/``exists()``/``aggregate()``, in
an ``UPDATE`` or ``DELETE``). With no tenant in scope at that moment the query
raises ``TenantScopeError``.

So a queryset built at import time (a viewset's ``queryset``, a serializer's
``PrimaryKeyRelatedField(queryset=…)``, a filter's choices), even if the
import happens inside some request's scope, binds nobody: every request runs
it for its own tenant. A result already fetched under one tenant refuses to be
read again under another.

``Model.objects.unscoped()`` is the explicit, greppable escape hatch for code
that works across tenants (beat fan-out, platform staff, tenant resolution).
``Model.all_tenants`` is a plain manager, Django's default manager, so that
migrations, related managers and deletion cascades keep working.
"""

from django.db import models
from django.db.models import Q
from django.db.models.sql import Query

from .scoping import TenantScopeError, current_tenant_id, get_current_tenant_id

_IN_SCOPE = "in scope when run"
_ALL_TENANTS = "all tenants"
_DERIVED = "derived"


class TenantQuery(Query):
    """A query whose tenant filter is added when it is compiled, for the tenant in scope then.

    ``tenant_binding`` is ``_IN_SCOPE`` for querysets of ``objects``, ``_ALL_TENANTS`` for
    ``unscoped()``, the tenant id once compiled, and ``_DERIVED`` for the queries Django makes
    inside another one (an ``exclude()`` across a relation): the outer query carries the tenant.
    """

    tenant_binding = _DERIVED

    def for_run(self):
        """This query as it must run now: with the tenant in scope added (raises with none)."""
        if self.tenant_binding != _IN_SCOPE:
            return self
        tenant_id = current_tenant_id_for(self.model)
        bound = self.clone()
        bound.add_q(Q(tenant_id=tenant_id))
        bound.tenant_binding = tenant_id
        return bound

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        query = self.for_run()
        return super(TenantQuery, query).get_compiler(using, connection, elide_empty)

    def chain(self, klass=None):
        # UPDATE and DELETE turn the query into another class, which would lose the binding: bind first.
        query = self
        if klass is not None and not issubclass(klass, TenantQuery):
            query = self.for_run()
        return super(TenantQuery, query).chain(klass)


def current_tenant_id_for(model) -> int:
    try:
        return current_tenant_id()
    except TenantScopeError:
        raise TenantScopeError(f"{model.__name__}.objects was queried with no tenant in scope.") from None


class TenantQuerySet(models.QuerySet):
    def __init__(self, model=None, query=None, using=None, hints=None):
        if query is None:
            query = TenantQuery(model)
            query.tenant_binding = _IN_SCOPE
        super().__init__(model, query, using, hints)
        self._fetched_for = None

    def _clone(self):
        clone = super()._clone()
        clone._fetched_for = None
        return clone

    def _fetch_all(self):
        if self._result_cache is None:
            super()._fetch_all()
            # The tenant these rows belong to (None for every tenant's): see the check below.
            self._fetched_for = None if self.query.tenant_binding == _ALL_TENANTS else get_current_tenant_id()
            return
        scope = get_current_tenant_id()
        if isinstance(self._fetched_for, int) and scope not in (None, self._fetched_for):
            raise TenantScopeError(
                f"Rows of tenant {self._fetched_for} were read again in the scope of tenant {scope}."
            )
        super()._fetch_all()

    def _raw_delete(self, using):
        # Django turns a clone of the query into a DeleteQuery itself: bind before it does.
        clone = self._chain()
        clone.query = clone.query.for_run()
        return super(TenantQuerySet, clone)._raw_delete(using)

    _raw_delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        tenant_id = current_tenant_id_for(self.model)
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
    """``objects`` on tenant-owned models: the rows of the tenant in scope when the query runs."""

    def unscoped(self):
        """Every tenant's rows. Only for code that must cross tenants; grep for it in review."""
        queryset = self.get_queryset()
        queryset.query.tenant_binding = _ALL_TENANTS
        return queryset
