"""Rate limits: counted per client and window, shared through the cache, exact near the limit."""

import pytest
import time_machine
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from core import throttling
from tests.clock import moment, monday_of_next_week
from tests.conftest import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_window():
    """Windows are fixed minutes: a test whose requests straddle a minute boundary would see two windows."""
    with time_machine.travel(moment(monday_of_next_week(), 11, 0, 10), tick=False):
        yield


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates):
        monkeypatch.setattr(
            SimpleRateThrottle,
            "THROTTLE_RATES",
            {
                "anon": "1000/minute",
                "user": "1000/minute",
                "login": "1000/minute",
                "login_name": "1000/minute",
                **rates,
            },
        )

    return set_rates


def test_a_client_over_its_limit_gets_429_with_retry_after(owner_a, tenant_a, rates):
    rates(user="5/minute")
    client = api_client(owner_a, tenant_a)
    statuses = [client.get("/api/v1/auth/me").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    body = client.get("/api/v1/auth/me").json()
    assert body["code"] == "throttled" and body["retry_after"] >= 0


def test_far_from_the_limit_requests_are_batched_near_it_each_is_counted(tenant_a):
    from django.core.cache import cache

    key = "throttle-test"
    batch = throttling.batch_for(0, 1000)
    assert batch == throttling.BATCH_MAX
    for _ in range(batch - 1):
        throttling.count(cache, key, 60, limit=1000)
    assert cache.get(key) is None  # nothing sent yet: far from the limit
    assert throttling.count(cache, key, 60, limit=1000) == batch
    assert cache.get(key) == batch
    assert throttling.count(cache, "tight", 60, limit=3) == 1
    assert cache.get("tight") == 1  # near the limit: counted at once


def test_a_batch_shrinks_as_the_limit_nears():
    """Eight processes' unsent counts together never exceed the room left under the limit."""
    assert throttling.batch_for(0, 100_000) == throttling.BATCH_MAX
    assert throttling.batch_for(900, 1000) == 12
    assert throttling.batch_for(995, 1000) == 1 == throttling.batch_for(0, 5)
    for known in range(0, 1000, 7):
        assert throttling.PROCESSES * throttling.batch_for(known, 1000) <= max(1000 - known, throttling.PROCESSES)


def test_login_attempts_are_throttled_per_address(db, rates):
    rates(login="3/minute")
    client = APIClient()
    codes = [client.post("/api/v1/auth/login", {"username": "x", "password": "y"}).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
