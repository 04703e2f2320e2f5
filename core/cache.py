"""Django's Redis cache, keeping one redis client per connection pool.

Django builds a new ``redis.Redis`` object for every cache operation; with
redis-py 8 that construction costs more than the round trip itself, and the API
does several cache reads per request (signed-in user, memberships, throttling).
The client is thread-safe (it takes connections from the pool), so one per
pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient

    def incr_with_expiry(self, key, ttl: int, amount: int = 1, version=None) -> int:
        """Atomically add ``amount`` to ``key`` (created with a time to live of ``ttl`` seconds); one round trip."""
        key = self.make_and_validate_key(key, version=version)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)  # one round trip, no MULTI
        pipe.incrby(key, amount)
        pipe.expire(key, ttl, nx=True)
        count, _ = pipe.execute()
        return int(count)


def incr_with_expiry(cache, key, ttl: int, amount: int = 1) -> int:
    """A counter that expires ``ttl`` seconds after it was created, on any Django cache."""
    fast = getattr(cache, "incr_with_expiry", None)
    if fast is not None:
        return fast(key, ttl, amount)
    if cache.add(key, amount, ttl):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, ttl)
        return amount
