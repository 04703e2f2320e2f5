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

**It fails open** (docs/operations.md, "Failure modes"): Redis is a cache here, so
when it is down or hangs, reads miss, writes are skipped and counters start again,
and every caller falls back to the database; the product keeps serving. Timeouts
are short (connect 0.25 s, answer 0.5 s by default), and after a failure this
process leaves Redis alone for ``AWAY_SECONDS`` (one log line), so an outage
costs one slow request per process, not every request. Keys it could not delete
(a forgotten user, a bumped report version) are deleted when Redis answers again,
so nothing stale outlives the outage.
"""

import logging
import random
import re
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

AWAY_SECONDS = 5.0  # after a failure, Redis is left alone this long
TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}  # unless OPTIONS say otherwise
MAX_OWED_DELETES = 10_000


def _loaded(value):
    return import_string(value) if isinstance(value, str) else value


class RedisCache(BaseCache):
    def __init__(self, server, params):
        import redis

        super().__init__(params)
        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._away_until = 0.0
        self._owed_deletes: set[str] = set()  # keys to delete once Redis answers again
        self._lock = threading.Lock()
        self._servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
        options = dict(params.get("OPTIONS") or {})
        serializer = _loaded(options.pop("serializer", None))
        self._serializer = (serializer() if callable(serializer) else serializer) or RedisSerializer()
        self._pool_class = _loaded(options.pop("pool_class", None)) or redis.ConnectionPool
        parser_class = _loaded(options.pop("parser_class", None)) or redis.connection.DefaultParser
        self._pool_options = {"parser_class": parser_class, **TIMEOUTS, **options}
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

    # --- failing open ------------------------------------------------------------------------------

    def _run(self, default, operation, forget=()):
        """``operation()``, or ``default`` if Redis is away (then the keys in ``forget`` are deleted later)."""
        if time.monotonic() < self._away_until:
            self._owe(forget)
            return default
        try:
            self._pay_owed_deletes()
            return operation()
        except self._errors as exc:
            self._went_away(exc)
            self._owe(forget)
            return default

    def _went_away(self, exc) -> None:
        with self._lock:
            first = time.monotonic() >= self._away_until
            self._away_until = time.monotonic() + AWAY_SECONDS
        if first:
            logger.warning(
                "Redis (cache) is unavailable (%r): reads miss and writes are skipped; trying again in %g s.",
                exc,
                AWAY_SECONDS,
            )

    def _owe(self, keys) -> None:
        if keys:
            with self._lock:
                if len(self._owed_deletes) < MAX_OWED_DELETES:
                    self._owed_deletes.update(keys)

    def _pay_owed_deletes(self) -> None:
        if not self._owed_deletes:
            return
        with self._lock:
            keys, self._owed_deletes = list(self._owed_deletes), set()
        try:
            self.client(write=True).delete(*keys)
        except self._errors:
            self._owe(keys)
            raise

    # --- the cache interface ----------------------------------------------------------------------

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        # None keeps the key forever; zero or less deletes it.
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        value = self._serializer.dumps(value)

        def add():
            client = self.client(write=True)
            if timeout == 0:
                added = bool(client.set(key, value, nx=True))
                if added:
                    client.delete(key)
                return added
            return bool(client.set(key, value, ex=timeout, nx=True))

        return self._run(False, add, forget=[key])

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self._run(None, lambda: self.client().get(key))
        return default if value is None else self._serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self._run(None, lambda: self.client(write=True).delete(key), forget=[key])
        else:
            value = self._serializer.dumps(value)
            self._run(None, lambda: self.client(write=True).set(key, value, ex=timeout), forget=[key])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)

        def touch():
            client = self.client(write=True)
            return bool(client.persist(key) if timeout is None else client.expire(key, timeout))

        return self._run(False, touch)

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self._run(0, lambda: self.client(write=True).delete(key), forget=[key]))

    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        values = self._run([None] * len(names), lambda: self.client().mget(list(names)))
        return {names[k]: self._serializer.loads(v) for k, v in zip(names, values, strict=True) if v is not None}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self._run(0, lambda: self.client().exists(key)))

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        client = self.client(write=True)
        found = self._run(None, lambda: client.exists(key), forget=[key])
        if not found:
            raise ValueError(f"Key '{key}' not found.")
        count = self._run(None, lambda: client.incr(key, delta), forget=[key])
        if count is None:
            raise ValueError(f"Key '{key}' could not be incremented (Redis is unavailable).")
        return count

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        values = {self.make_and_validate_key(k, version=version): self._serializer.dumps(v) for k, v in data.items()}
        timeout = self.get_backend_timeout(timeout)

        def set_many():
            pipe = self.client(write=True).pipeline()
            pipe.mset(values)
            if timeout is not None:
                for key in values:
                    pipe.expire(key, timeout)
            pipe.execute()
            return []

        return self._run(list(data), set_many, forget=list(values))

    def delete_many(self, keys, version=None):
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if keys:
            self._run(None, lambda: self.client(write=True).delete(*keys), forget=keys)

    def clear(self):
        return bool(self._run(False, lambda: self.client(write=True).flushdb()))

    def incr_with_expiry(self, key, ttl: int, amount: int = 1, version=None) -> int:
        """Atomically add ``amount`` to ``key`` (created with a time to live of ``ttl`` seconds); one round trip.
        With Redis away the count starts again (``amount``): a rate limit fails open rather than shut."""
        key = self.make_and_validate_key(key, version=version)

        def incr():
            pipe = self.client(write=True).pipeline(transaction=False)  # one round trip, no MULTI
            pipe.incrby(key, amount)
            pipe.expire(key, ttl, nx=True)
            count, _ = pipe.execute()
            return int(count)

        return self._run(amount, incr)


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
