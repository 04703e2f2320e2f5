"""Call now is done once: a double tap or a retry never rings the person twice, and leaves no stray call."""

import pytest
import time_machine

from calls.models import Call
from core.public_ids import of as pid
from tests.clock import MONDAY, moment, next_weekday
from tests.conftest import api_client

pytestmark = pytest.mark.django_db

DAYTIME = moment(next_weekday(MONDAY), 11)  # 11:00 in New York


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=True):
        yield


def _call_now(client, lead, agent, script, **headers):
    return client.post("/api/v1/calls/", {"lead": pid(lead), "agent": pid(agent), "script": pid(script)}, **headers)


def test_a_second_call_now_while_the_first_is_queued_is_a_409_naming_it_and_writes_nothing(
    owner_a, tenant_a, lead, agent, script
):
    client = api_client(owner_a, tenant_a)
    first = _call_now(client, lead, agent, script)
    second = _call_now(client, lead, agent, script)
    assert first.status_code == 201
    assert second.status_code == 409 and second.json()["code"] == "concurrency"
    assert second.json()["call_id"] == first.json()["id"]
    assert Call.all_tenants.filter(lead=lead).count() == 1


def test_a_retried_call_now_with_its_key_is_answered_as_the_first(owner_a, tenant_a, lead, agent, script):
    client = api_client(owner_a, tenant_a)
    first = _call_now(client, lead, agent, script, HTTP_IDEMPOTENCY_KEY="call-ana")
    retry = _call_now(client, lead, agent, script, HTTP_IDEMPOTENCY_KEY="call-ana")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert Call.all_tenants.filter(lead=lead).count() == 1
