"""Outbound requests, field by field, against a local HTTP server; and how provider errors are read."""

from types import SimpleNamespace

import pytest

from core import public_ids
from voice.clients import CallRequest, ErrorCategory, ProviderError
from voice.clients.bland import BlandClient
from voice.clients.elevenlabs import ElevenLabsClient
from voice.clients.retell import RetellClient
from voice.clients.vapi import VapiClient

REQUEST = CallRequest(
    call_id=42,
    tenant_id=7,
    to_number="+13055550123",
    from_number="+13055550100",
    provider_agent_id="agent_9",
    variables={"lead_first_name": "Ana", "visits": 3},
    opening_line="Hi Ana, this is an automated assistant.",
    prompt="Offer a tour.",
    lead_name="Ana Lee",
    max_duration_seconds=300,
    webhook_url="https://crm.example/webhooks/voice/bland/u/",
)

# What the provider keeps with the call: our call and tenant by public id, never by key (core.public_ids).
CALL_42 = public_ids.encode("calls.call", 42)
TENANT_7 = public_ids.encode("tenants.tenant", 7)


def account(provider, server, **ids):
    return SimpleNamespace(
        provider=provider, api_key="key-123", webhook_secret="sec", provider_ids={"base_url": server.url, **ids}
    )


def test_retell_create_phone_call(provider_server):
    provider_server.answer(201, {"call_id": "call_abc", "call_status": "registered"})
    started = RetellClient(account("retell", provider_server)).start_call(REQUEST)
    (sent,) = provider_server.requests
    assert (sent["method"], sent["path"]) == ("POST", "/v2/create-phone-call")
    assert sent["headers"]["authorization"] == "Bearer key-123"
    assert sent["json"] == {
        "from_number": "+13055550100",
        "to_number": "+13055550123",
        "override_agent_id": "agent_9",
        "retell_llm_dynamic_variables": {"lead_first_name": "Ana", "visits": "3"},
        "metadata": {"crm_call_id": CALL_42, "crm_tenant_id": TENANT_7},
    }
    assert started.provider_call_id == "call_abc"


@pytest.mark.parametrize("sip", [False, True])
def test_elevenlabs_outbound_call_over_twilio_or_sip(provider_server, sip):
    provider_server.answer(200, {"success": True, "message": "ok", "conversation_id": "conv_1", "callSid": "CA1"})
    client = ElevenLabsClient(account("elevenlabs", provider_server, agent_phone_number_id="phnum_1", sip_trunk=sip))
    started = client.start_call(REQUEST)
    (sent,) = provider_server.requests
    assert sent["path"] == ("/v1/convai/sip-trunk/outbound-call" if sip else "/v1/convai/twilio/outbound-call")
    assert sent["headers"]["xi-api-key"] == "key-123"
    body = sent["json"]
    assert (body["agent_id"], body["agent_phone_number_id"], body["to_number"]) == (
        "agent_9",
        "phnum_1",
        "+13055550123",
    )
    variables = body["conversation_initiation_client_data"]["dynamic_variables"]
    assert variables["crm_call_id"] == CALL_42 and variables["lead_first_name"] == "Ana"
    assert ("call_recording_enabled" in body) is (not sip)
    assert started.provider_call_id == "conv_1"


def test_elevenlabs_success_false_is_a_failure(provider_server):
    provider_server.answer(200, {"success": False, "message": "Agent has no phone number"})
    with pytest.raises(ProviderError) as error:
        ElevenLabsClient(account("elevenlabs", provider_server)).start_call(REQUEST)
    assert error.value.message == "Agent has no phone number"


def test_vapi_call(provider_server):
    provider_server.answer(201, {"id": "vapi_1", "status": "queued"})
    started = VapiClient(account("vapi", provider_server, phone_number_id="pn_1")).start_call(REQUEST)
    (sent,) = provider_server.requests
    assert (sent["method"], sent["path"], sent["headers"]["authorization"]) == ("POST", "/call", "Bearer key-123")
    assert sent["json"]["assistantId"] == "agent_9" and sent["json"]["phoneNumberId"] == "pn_1"
    assert sent["json"]["customer"] == {"number": "+13055550123", "name": "Ana Lee"}
    overrides = sent["json"]["assistantOverrides"]
    assert overrides["metadata"] == {"crm_call_id": CALL_42, "crm_tenant_id": TENANT_7}
    assert overrides["variableValues"]["visits"] == "3"
    assert started.provider_call_id == "vapi_1"


def test_bland_call(provider_server):
    provider_server.answer(200, {"status": "success", "call_id": "bland_1"})
    started = BlandClient(account("bland", provider_server)).start_call(REQUEST)
    (sent,) = provider_server.requests
    assert (sent["path"], sent["headers"]["authorization"]) == ("/v1/calls", "key-123")
    body = sent["json"]
    assert (body["phone_number"], body["from"], body["pathway_id"]) == ("+13055550123", "+13055550100", "agent_9")
    assert body["webhook"] == REQUEST.webhook_url and body["max_duration"] == 5
    assert body["metadata"]["crm_call_id"] == CALL_42 and body["request_data"]["lead_first_name"] == "Ana"
    assert started.provider_call_id == "bland_1"


@pytest.mark.parametrize(
    "status,body,category",
    [
        (401, {"message": "Invalid API key"}, ErrorCategory.BAD_CREDENTIALS),
        (402, {"error": "Payment required"}, ErrorCategory.OUT_OF_FUNDS),
        (400, {"message": "to_number is not a valid number"}, ErrorCategory.INVALID_NUMBER),
        (422, {"detail": "bad field"}, ErrorCategory.INVALID_REQUEST),
    ],
)
def test_errors_are_mapped_to_categories_and_not_retried(provider_server, status, body, category):
    provider_server.answer(status, body)
    with pytest.raises(ProviderError) as error:
        RetellClient(account("retell", provider_server)).start_call(REQUEST)
    assert error.value.category == category and not error.value.retryable
    assert len(provider_server.requests) == 1


def test_429_and_5xx_are_retried_and_one_call_is_started(provider_server):
    provider_server.answer(429, {"message": "slow down"})
    provider_server.answer(503, {"message": "maintenance"})
    provider_server.answer(201, {"call_id": "call_ok"})
    started = RetellClient(account("retell", provider_server)).start_call(REQUEST)
    assert started.provider_call_id == "call_ok"
    assert len(provider_server.requests) == 3  # two refused before being taken, one accepted


def test_a_provider_that_stays_down_is_a_retryable_error(provider_server):
    for _ in range(4):
        provider_server.answer(500, {"message": "down"})
    with pytest.raises(ProviderError) as error:
        RetellClient(account("retell", provider_server)).start_call(REQUEST)
    assert error.value.category == ErrorCategory.PROVIDER_DOWN and error.value.retryable


def test_a_timeout_after_sending_is_never_retried(provider_server, monkeypatch):
    from voice.clients import http

    monkeypatch.setattr(http, "READ_TIMEOUT", 0.2)
    provider_server.answer(201, {"call_id": "late"}, delay=1.0)
    with pytest.raises(ProviderError) as error:
        RetellClient(account("retell", provider_server)).start_call(REQUEST)
    assert error.value.category == ErrorCategory.UNCERTAIN and not error.value.retryable
    assert len(provider_server.requests) == 1  # it may have been placed: never dial twice


def test_an_unreachable_provider_is_retried_then_reported_down():
    unreachable = SimpleNamespace(
        provider="retell", api_key="k", webhook_secret="", provider_ids={"base_url": "http://127.0.0.1:9"}
    )
    with pytest.raises(ProviderError) as error:
        RetellClient(unreachable).start_call(REQUEST)
    assert error.value.category == ErrorCategory.PROVIDER_DOWN


def test_connection_checks_use_read_endpoints(provider_server):
    provider_server.answer(200, {"current_concurrency": 2, "concurrency_limit": 20})
    assert "2 of 20" in RetellClient(account("retell", provider_server)).test_connection()
    assert provider_server.requests[0]["method"] == "GET"
    provider_server.answer(401, {"detail": {"message": "invalid_api_key"}})
    with pytest.raises(ProviderError) as error:
        ElevenLabsClient(account("elevenlabs", provider_server)).test_connection()
    assert error.value.category == ErrorCategory.BAD_CREDENTIALS


# --- asking about one call (the calls sweeper, for a call past its deadline) --------------------------------


@pytest.mark.parametrize(
    "client_class,provider,answer,path,expected",
    [
        (
            RetellClient,
            "retell",
            {"call_id": "c1", "call_status": "ended", "disconnection_reason": "dial_no_answer"},
            "/v2/get-call/c1",
            ("ended", "no_answer"),
        ),
        (
            VapiClient,
            "vapi",
            {"id": "c1", "status": "ended", "endedReason": "customer-ended-call", "cost": 0.12},
            "/call/c1",
            ("ended", "answered"),
        ),
        (
            BlandClient,
            "bland",
            {"call_id": "c1", "completed": True, "status": "completed", "answered_by": "voicemail"},
            "/v1/calls/c1",
            ("ended", "voicemail"),
        ),
        (
            ElevenLabsClient,
            "elevenlabs",
            {"conversation_id": "c1", "status": "done", "transcript": [], "metadata": {"call_duration_secs": 30}},
            "/v1/convai/conversations/c1",
            ("ended", "answered"),
        ),
    ],
)
def test_each_provider_is_asked_about_one_call_at_its_get_endpoint(
    provider_server, client_class, provider, answer, path, expected
):
    provider_server.answer(200, answer)
    (event,) = client_class(account(provider, provider_server)).fetch_call("c1")
    assert provider_server.requests[-1]["method"] == "GET" and provider_server.requests[-1]["path"] == path
    assert (event.status, event.outcome) == expected and event.provider_call_id == "c1"


@pytest.mark.parametrize(
    "client_class,provider,answer",
    [
        (RetellClient, "retell", {"call_id": "c1", "call_status": "registered"}),
        (BlandClient, "bland", {"call_id": "c1", "completed": False, "status": "in-progress"}),
        (ElevenLabsClient, "elevenlabs", {"conversation_id": "c1", "status": "in-progress"}),
    ],
)
def test_a_call_with_nothing_to_report_yet_is_no_event(provider_server, client_class, provider, answer):
    provider_server.answer(200, answer)
    assert client_class(account(provider, provider_server)).fetch_call("c1") == []


def test_our_call_is_read_back_by_public_id_or_by_an_older_releases_key():
    from voice.clients.common import our_call_id

    assert our_call_id({"crm_call_id": CALL_42}) == 42
    assert our_call_id({"crm_call_id": "42"}) == 42  # a call placed before public ids
    assert our_call_id({"crm_call_id": public_ids.encode("leads.lead", 42)}) is None  # a lead's id is no call's
    assert our_call_id({"crm_call_id": "٤٢"}) is None and our_call_id({}, None) is None
