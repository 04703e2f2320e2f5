"""Redis is optional for serving: with it refused or hanging, the cache fails open (reads miss, writes are
skipped, counters start again), the admin and the API keep working from the database, and keys that could
not be deleted during the outage are deleted when Redis answers again."""

import logging
import socket
import threading

import pytest
from django.conf import settings
from django.test import override_settings

from core import cache as cache_module
from core.cache import RedisCache
from tests.conftest import PASSWORD

DEAD = "redis://127.0.0.1:1/0"  # nothing listens there: connection refused


@pytest.fixture
def hanging_redis():
    """A server that accepts connections and never answers (a Redis stuck or behind a dead network)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("where", ["refused", "hanging"])
def test_the_cache_fails_open_and_says_so_once(where, hanging_redis, caplog):
    backend = RedisCache(DEAD if where == "refused" else hanging_redis, {"KEY_PREFIX": "down"})
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert backend.get("k", "default") == "default"
        backend.set("k", 1)
        assert backend.add("k", 1) is False
        assert backend.get_many(["a", "b"]) == {}
        assert backend.incr_with_expiry("hits", 60, 3) == 3  # a rate limit fails open
        backend.delete_many(["x", "y"])
        with pytest.raises(ValueError):
            backend.incr("version")  # as for a missing key: versioning sets a fresh one (skipped too)
    assert caplog.text.count("Redis (cache) is unavailable") == 1  # once per outage, not per call
    assert {"down:1:k", "down:1:x", "down:1:y", "down:1:version"} <= backend._owed_deletes


def test_while_away_redis_is_not_asked_at_all(monkeypatch):
    backend = RedisCache(DEAD, {"KEY_PREFIX": "down"})
    assert backend.get("k") is None  # the failure starts the away window
    monkeypatch.setattr(backend, "client", lambda **kw: pytest.fail("Redis was asked during the away window"))
    assert backend.get("k") is None and backend.has_key("k") is False


@pytest.mark.redis
def test_keys_that_could_not_be_deleted_are_deleted_when_redis_answers_again(monkeypatch):
    backend = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "down-test"})
    backend.set("auth:principal:7", "cached user")
    real_client = backend.client

    def refused(**kwargs):
        import redis

        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(backend, "client", refused)
    backend.delete("auth:principal:7")  # the user was deactivated during the outage
    monkeypatch.setattr(backend, "client", real_client)
    monkeypatch.setattr(cache_module, "AWAY_SECONDS", 0)
    backend._away_until = 0
    assert backend.get("anything") is None  # the first call after the outage pays what is owed first
    assert real_client().get(backend.make_key("auth:principal:7")) is None
    assert backend._owed_deletes == set()


CACHE_DOWN = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": DEAD, "KEY_PREFIX": "down"}}


@pytest.mark.django_db
def test_the_api_and_the_admin_keep_working_with_redis_down(owner_a, client):
    from rest_framework.test import APIClient

    with override_settings(CACHES=CACHE_DOWN):
        api = APIClient()
        login = api.post("/api/v1/auth/login/", {"username": owner_a.username, "password": PASSWORD}, format="json")
        assert login.status_code == 200, login.content
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
        assert api.get("/api/v1/auth/me/").status_code == 200
        assert api.get("/api/v1/leads/").status_code == 200
        client.force_login(owner_a)
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/leads/lead/").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"
        assert "cache" in ready.json()["failing"]
