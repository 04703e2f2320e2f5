"""The provider clients' retry policy (voice/clients/http.py): what is retried, how long it waits, what never is."""

import pytest
from urllib3.exceptions import MaxRetryError, ReadTimeoutError
from urllib3.response import HTTPResponse

from voice.clients import http
from voice.clients.http import JsonHttp, retry_policy


def answer(status, **headers):
    return HTTPResponse(status=status, headers=headers, preload_content=False)


@pytest.fixture
def sleeps(monkeypatch):
    waited = []
    monkeypatch.setattr("urllib3.util.retry.time.sleep", waited.append)
    return waited


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_statuses_that_mean_not_taken_are_retried_for_every_method(method):
    policy = retry_policy(3)
    assert all(policy.is_retry(method, status) for status in (429, 500, 502, 503, 504))
    assert not any(policy.is_retry(method, status) for status in (400, 401, 402, 404, 409, 422))
    assert not policy.is_retry(method, 413, has_retry_after=True)  # urllib3 alone would retry this one


def test_the_backoff_doubles_from_the_first_retry(monkeypatch):
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.5)
    policy, waits = retry_policy(3), []
    for _ in range(3):
        policy = policy.increment("POST", "/v2/create-phone-call", response=answer(503))
        waits.append(policy.get_backoff_time())
    assert waits == [0.5, 1.0, 2.0]
    with pytest.raises(MaxRetryError):
        policy.increment("POST", "/v2/create-phone-call", response=answer(503))


@pytest.mark.parametrize(
    "header,seconds",
    [("2", 2), ("1.5", 1.5), ("120", 10), ("soon", None), ("-3", 0)],
)
def test_retry_after_is_honoured_up_to_ten_seconds(header, seconds):
    assert retry_policy(3).get_retry_after(answer(429, **{"Retry-After": header})) == seconds


def test_a_request_lost_after_it_was_sent_is_never_retried():
    with pytest.raises(ReadTimeoutError):
        retry_policy(3).increment("POST", "/call", error=ReadTimeoutError(None, "/call", "read timed out"))


def test_retry_after_from_the_provider_is_waited_before_the_retry(provider_server, sleeps):
    provider_server.answer(429, {"message": "slow down"}, headers={"Retry-After": "3"})
    provider_server.answer(201, {"call_id": "c1"})
    assert JsonHttp(provider_server.url, {}).request("POST", "/call", {"to": "+1"}) == {"call_id": "c1"}
    assert sleeps == [3]
    assert [r["json"] for r in provider_server.requests] == [{"to": "+1"}, {"to": "+1"}]


def test_a_connection_check_is_not_retried(provider_server, sleeps):
    provider_server.answer(503, {"message": "maintenance"})
    client = JsonHttp(provider_server.url, {})
    with pytest.raises(http.ProviderError) as error:
        client.request("GET", "/v1/me", retries=0)
    assert error.value.status == 503 and len(provider_server.requests) == 1
    provider_server.answer(503, {"message": "maintenance"})
    assert client.request("GET", "/v1/me") == {}  # the same client, default retries: the next answer is a 200
    assert len(provider_server.requests) == 3
