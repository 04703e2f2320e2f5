"""The Redis cache backend (core/cache.py): Django's cache contract on one redis client per server."""

import time

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.cache import RedisCache, incr_with_expiry

pytestmark = pytest.mark.redis


@pytest.fixture
def cache():
    backend = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "cache-test", "TIMEOUT": 300})
    backend.clear()
    yield backend
    backend.clear()


def test_values_round_trip_and_expire(cache):
    cache.set("n", 7)
    cache.set("d", {"a": [1, 2]}, timeout=1)
    assert cache.get("n") == 7 and cache.get("d") == {"a": [1, 2]}
    assert cache.get("missing", "default") == "default"
    time.sleep(1.1)
    assert cache.get("d") is None


def test_add_touch_delete_and_has_key(cache):
    assert cache.add("k", 1) is True
    assert cache.add("k", 2) is False and cache.get("k") == 1
    assert cache.add("zero", 1, timeout=0) is True and not cache.has_key("zero")
    assert cache.touch("k", None) is True and cache.client().ttl(cache.make_key("k")) == -1
    assert cache.touch("nothing", 10) is False
    cache.set("gone", 1, timeout=0)
    assert not cache.has_key("gone")
    assert cache.delete("k") is True and cache.delete("k") is False


def test_many_at_once(cache):
    assert cache.set_many({"a": 1, "b": "two"}, timeout=60) == []
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": "two"}
    assert 0 < cache.client().ttl(cache.make_key("a")) <= 60
    cache.delete_many(["a", "b"])
    cache.delete_many([])
    assert cache.get_many(["a", "b"]) == {}


def test_incr_needs_the_key(cache):
    cache.set("count", 1)
    assert cache.incr("count", 4) == 5
    with pytest.raises(ValueError):
        cache.incr("no-such-count")


def test_a_counter_with_expiry_in_one_round_trip(cache):
    assert incr_with_expiry(cache, "hits", 60) == 1
    assert incr_with_expiry(cache, "hits", 5, amount=3) == 4
    assert 5 < cache.client().ttl(cache.make_key("hits")) <= 60  # the first time to live stays


def test_one_client_per_server_and_reads_from_replicas(cache):
    assert cache.client() is cache.client(write=True) is cache.client()
    replicated = RedisCache(f"{settings.REDIS_URL};{settings.REDIS_URL}", {})
    assert replicated.client(write=True) is not replicated.client()
    assert replicated.client() is replicated.client()


def test_djangos_backend_reads_what_this_one_wrote_and_back(cache):
    django = DjangoRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "cache-test"})
    cache.set("ours", {"x": 1})
    cache.set("int", 3)
    django.set("theirs", ["y"])
    assert django.get("ours") == {"x": 1} and django.incr("int") == 4
    assert cache.get("theirs") == ["y"] and cache.get("int") == 4


def test_any_other_cache_counts_with_add_and_incr():
    other = LocMemCache("counter-test", {})
    assert incr_with_expiry(other, "hits", 60) == 1
    assert incr_with_expiry(other, "hits", 60, amount=2) == 3
