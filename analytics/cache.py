"""Reports cached per tenant and filter set for a short time, dropped as soon as a call of the tenant
ends or one of its appointments changes (``core.versioning``: the version is part of the key)."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from analytics.kpi import Filters
from core import versioning
from tenants.scoping import current_tenant_id


def key(name: str, filters: Filters) -> str:
    tenant_id = current_tenant_id()
    return f"analytics:{tenant_id}:{versioning.current(tenant_id)}:{name}:{filters.key()}"


def cached(name: str, filters: Filters, compute: Callable[[Filters], dict]) -> dict:
    """The report ``name`` for ``filters``: from the cache, else computed and kept for
    ``ANALYTICS_CACHE_SECONDS``."""
    cache_key = key(name, filters)
    value = cache.get(cache_key)
    if value is None:
        value = compute(filters)
        cache.set(cache_key, value, settings.ANALYTICS_CACHE_SECONDS)
    return value
