"""A per-tenant version number in the cache, bumped when the tenant's data changes in a way a cached
report depends on. Cached reports put the version in their key, so one bump makes every report of
that tenant miss at once (the old entries simply expire).

Bumps happen after the transaction commits (``bump_on_commit``): a report computed between the
write and the commit cannot be cached under the new version with old data.
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_TTL = 7 * 24 * 3600


def _key(name: str, tenant_id: int) -> str:
    return f"version:{name}:{tenant_id}"


def current(tenant_id: int, name: str = "analytics") -> int:
    version = cache.get(_key(name, tenant_id))
    if version is None:
        # A new (or evicted) counter starts from the clock, never from a number used before.
        version = time.time_ns() // 1000
        if not cache.add(_key(name, tenant_id), version, VERSION_TTL):
            version = cache.get(_key(name, tenant_id), version)
    return int(version)


def bump(tenant_id: int, name: str = "analytics") -> None:
    try:
        cache.incr(_key(name, tenant_id))
    except ValueError:  # not there: any fresh number is new
        cache.set(_key(name, tenant_id), time.time_ns() // 1000, VERSION_TTL)


def bump_on_commit(tenant_id: int | None, name: str = "analytics") -> None:
    if tenant_id is not None:
        transaction.on_commit(lambda: bump(tenant_id, name))
