"""A booking is made once: the same request sent twice (a double tap, a retry after a timeout, two at the very
same moment) never gives one person two appointments at one time."""

import threading

import pytest
from django.db import connection

from appointments.models import Appointment
from core.public_ids import of as pid
from tenants.roles import Role
from tests.conftest import api_client, member

from .conftest import TUE, at

URL = "/api/v1/appointments/"


def _body(lead, branch, start):
    return {"lead": pid(lead), "branch": pid(branch), "kind": "tour", "start": start.isoformat()}


@pytest.fixture
def client(clock, tenant_a):
    return api_client(member(tenant_a, Role.MANAGER, "maria"), tenant_a)


@pytest.mark.django_db
def test_the_same_booking_twice_without_a_key_is_a_409_naming_the_first(client, branch, tours, lead):
    first = client.post(URL, _body(lead, branch, at(TUE, 10)), format="json")
    second = client.post(URL, _body(lead, branch, at(TUE, 10)), format="json")
    assert first.status_code == 201
    assert second.status_code == 409, second.content
    assert second.json()["code"] == "already_booked" and second.json()["existing_id"] == first.json()["id"]
    assert Appointment.all_tenants.filter(lead=lead).count() == 1


@pytest.mark.django_db
def test_the_same_booking_twice_with_a_key_is_answered_alike(client, branch, tours, lead):
    first = client.post(URL, _body(lead, branch, at(TUE, 10)), format="json", HTTP_IDEMPOTENCY_KEY="book-1")
    second = client.post(URL, _body(lead, branch, at(TUE, 10)), format="json", HTTP_IDEMPOTENCY_KEY="book-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert Appointment.all_tenants.filter(lead=lead).count() == 1


@pytest.mark.django_db
def test_a_canceled_booking_does_not_block_booking_that_time_again(client, branch, tours, lead):
    first = client.post(URL, _body(lead, branch, at(TUE, 10)), format="json").json()
    assert client.post(f"{URL}{first['id']}/cancel/", {"reason": "ill"}, format="json").status_code == 200
    assert client.post(URL, _body(lead, branch, at(TUE, 10)), format="json").status_code == 201


def _at_once(send, count=2):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = send()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_book_once_and_get_the_same_answer(client, branch, tours, lead):
    body = _body(lead, branch, at(TUE, 10))
    responses = _at_once(lambda: client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="tap-tap"))
    assert [r.status_code for r in responses] == [201, 201], [r.content for r in responses]
    assert responses[0].json() == responses[1].json()
    assert Appointment.all_tenants.filter(lead=lead).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_without_a_key_book_once(client, branch, tours, lead):
    body = _body(lead, branch, at(TUE, 10))
    responses = _at_once(lambda: client.post(URL, body, format="json"))
    assert sorted(r.status_code for r in responses) == [201, 409], [r.content for r in responses]
    assert Appointment.all_tenants.filter(lead=lead).count() == 1
