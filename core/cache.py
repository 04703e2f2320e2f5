"""The Redis cache backend, built on Django's public cache API, with one redis client per server.

Django's own ``RedisCache`` builds a new ``redis.Redis`` object for every cache
operation; with redis-py 8 that construction costs more than the round trip
itself, and the API does several cache reads per request (signed-in user,
memberships, throttling). The client is thread-safe (it takes connections from
its pool), so one per server is enough. Changing that in Django's class means
reaching into its private members; this backend instead implements the
documented custom-backend interface (``BaseCache``) on redis-py directly.

It behaves as Django's backend does: the same ``LOCATION`` (several servers
separated by ``;`` or ``,``: writes go to the first, reads to the others), the
same ``OPTIONS`` (``serializer``, ``pool_class``, ``parser_class``, the rest for
the connection pool), and the same stored format (Django's ``RedisSerializer``:
integers as they are, anything else pickled), so either backend reads what the
other wrote. It adds ``incr_with_expiry``: a counter with a time to live in one
round trip.
"""

import random
import re

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from django.utils.module_loading import import_string


def _loaded(value):
    return import_string(value) if isinstance(value, str) else value


class RedisCache(BaseCache):
    def __init__(self, server, params):
        import redis

        super().__init__(params)
        self._servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
        options = dict(params.get("OPTIONS") or {})
        serializer = _loaded(options.pop("serializer", None))
        self._serializer = (serializer() if callable(serializer) else serializer) or RedisSerializer()
        self._pool_class = _loaded(options.pop("pool_class", None)) or redis.ConnectionPool
        parser_class = _loaded(options.pop("parser_class", None)) or redis.connection.DefaultParser
        self._pool_options = {"parser_class": parser_class, **options}
        self._clients = {}  # server index -> redis.Redis, made on first use

    def client(self, *, write: bool = False):
        """The redis client for a write (the first server) or a read (any other server, if there are more)."""
        import redis

        index = 0 if write or len(self._servers) == 1 else random.randint(1, len(self._servers) - 1)
        client = self._clients.get(index)
        if client is None:
            pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients.setdefault(index, redis.Redis(connection_pool=pool))
        return client

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        # None keeps the key forever; zero or less deletes it.
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        client, value = self.client(write=True), self._serializer.dumps(value)
        if timeout == 0:
            added = bool(client.set(key, value, nx=True))
            if added:
                client.delete(key)
            return added
        return bool(client.set(key, value, ex=timeout, nx=True))

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self.client().get(key)
        return default if value is None else self._serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self.client(write=True).delete(key)
        else:
            self.client(write=True).set(key, self._serializer.dumps(value), ex=timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        client = self.client(write=True)
        return bool(client.persist(key) if timeout is None else client.expire(key, timeout))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self.client(write=True).delete(key))

    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        values = self.client().mget(list(names))
        return {names[k]: self._serializer.loads(v) for k, v in zip(names, values, strict=True) if v is not None}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self.client().exists(key))

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        client = self.client(write=True)
        if not client.exists(key):
            raise ValueError(f"Key '{key}' not found.")
        return client.incr(key, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        values = {self.make_and_validate_key(k, version=version): self._serializer.dumps(v) for k, v in data.items()}
        timeout = self.get_backend_timeout(timeout)
        pipe = self.client(write=True).pipeline()
        pipe.mset(values)
        if timeout is not None:
            for key in values:
                pipe.expire(key, timeout)
        pipe.execute()
        return []

    def delete_many(self, keys, version=None):
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if keys:
            self.client(write=True).delete(*keys)

    def clear(self):
        return bool(self.client(write=True).flushdb())

    def incr_with_expiry(self, key, ttl: int, amount: int = 1, version=None) -> int:
        """Atomically add ``amount`` to ``key`` (created with a time to live of ``ttl`` seconds); one round trip."""
        key = self.make_and_validate_key(key, version=version)
        pipe = self.client(write=True).pipeline(transaction=False)  # one round trip, no MULTI
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
