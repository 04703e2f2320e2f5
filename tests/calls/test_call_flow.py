"""From "Call now" to a finished call: the gate, the dial claimed from the row, the simulator's signed events,
the outcome."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from calls import services
from calls.models import Call, CallEvent
from calls.tasks import dial_due_calls, sweep_calls
from core.public_ids import of as pid
from leads.models import DoNotCall, Lead
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.clock import moment, monday_of_next_week
from tests.conftest import api_client, member
from tests.factories import DoNotCallFactory, ProviderAccountFactory, VoiceAgentFactory

pytestmark = pytest.mark.django_db
MONDAY = monday_of_next_week()
DAYTIME = moment(MONDAY, 11)  # 11:00 in New York


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=True):
        yield


def call_now(tenant, lead, agent, script, capture):
    with tenant_scope(tenant.pk), capture(execute=True):
        return services.request_call(lead, agent, script)


def test_call_now_with_the_simulator_ends_with_transcript_outcome_and_summary(
    tenant_a, lead, agent, script, django_capture_on_commit_callbacks
):
    call, decision = call_now(tenant_a, lead, agent, script, django_capture_on_commit_callbacks)
    assert decision.allowed
    call = Call.all_tenants.get(pk=call.pk)
    assert call.status in ("ended", "failed")
    assert call.outcome
    assert call.summary
    assert call.provider_call_id.startswith("sim_")
    assert call.prompt_variables["business_name"] == tenant_a.legal_name
    kinds = set(CallEvent.all_tenants.filter(call=call).values_list("event_type", flat=True))
    assert {"call_ended", "call_analyzed"} <= kinds
    lead.refresh_from_db()
    assert lead.first_contacted_at is not None
    assert (call.due_at, call.effects_due_at, call.dial_attempts) == (None, None, 1)  # nothing owed any more
    assert "lead" in call.effects_done


def test_the_simulator_is_deterministic_and_gives_realistic_conversations(
    tenant_a, lead, script, django_capture_on_commit_callbacks
):
    account = ProviderAccountFactory(
        tenant=tenant_a,
        provider="simulator",
        api_key="k",
        provider_ids={"mix": {"answered": 1}, "conversation_mix": {"appointment": 1}},
    )
    agent = VoiceAgentFactory(tenant=tenant_a, account=account)
    call, _ = call_now(tenant_a, lead, agent, script, django_capture_on_commit_callbacks)
    call = Call.all_tenants.get(pk=call.pk)
    assert call.outcome == "appointment_booked"
    assert call.transcript[0]["role"] == "agent" and "automated assistant" in call.transcript[0]["text"]
    assert any(turn["role"] == "user" for turn in call.transcript)
    assert call.collected_data["appointment_time"]
    assert call.recording_url.endswith(f"?call={call.provider_call_id}")


def test_a_lead_on_the_dnc_list_is_refused_with_dnc(tenant_a, lead, agent, script, django_capture_on_commit_callbacks):
    DoNotCallFactory(tenant=tenant_a, phone=lead.phone)
    call, decision = call_now(tenant_a, lead, agent, script, django_capture_on_commit_callbacks)
    assert (decision.allowed, decision.code) == (False, "dnc")
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.status, call.compliance_code, call.provider_call_id) == ("canceled", "dnc", "")
    assert (call.compliance_file["code"], call.compliance_file["do_not_call_listed"]) == ("dnc", True)


def test_a_call_at_21_30_is_deferred_with_the_next_allowed_moment(tenant_a, lead, agent, script):
    with tenant_scope(tenant_a.pk):
        call, decision = services.request_call(lead, agent, script, when=moment(MONDAY, 21, 30))
    assert decision.code == "calling_hours"
    assert decision.next_allowed_at == moment(MONDAY + timedelta(days=1), 8)  # 08:00 New York
    assert Call.all_tenants.get(pk=call.pk).next_allowed_at == decision.next_allowed_at


def test_a_dial_woken_twice_starts_one_provider_call(tenant_a, lead, agent, script):
    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)  # on_commit not run: no worker was woken yet
    with mock.patch("voice.clients.simulator.SimulatorClient.start_call") as start:
        start.return_value = mock.Mock(provider_call_id="sim_once")
        assert dial_due_calls(tenant_id=tenant_a.pk) == 1
        assert dial_due_calls(tenant_id=tenant_a.pk) == 0
        with tenant_scope(tenant_a.pk):
            assert services.dial(call.pk) is None  # a second claim of the same row: compare-and-swap refuses
    assert start.call_count == 1
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.provider_call_id, call.dial_attempts) == ("sim_once", 1)


def test_a_claimed_dial_a_dead_worker_left_is_claimed_again_when_its_lease_ends(
    tenant_a, lead, agent, script, django_capture_on_commit_callbacks
):
    from calls import work
    from core.leases import claim_due

    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
        assert claim_due(Call.objects.filter(status="queued"), "due_at", work.DIAL_LEASE, 1)[0] == [call.pk]
    # the worker dies here, before the dial: nobody else takes the call while the lease runs
    assert dial_due_calls(tenant_id=tenant_a.pk) == 0
    later = DAYTIME + work.DIAL_LEASE + timedelta(seconds=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert sweep_calls() == {"dials_due": 1}  # the sweeper wakes a dialer (inline here, at the commit)
    call = Call.all_tenants.get(pk=call.pk)
    assert call.status in ("ended", "failed") and call.dial_attempts == 1


def retell_agent(tenant, server):
    account = ProviderAccountFactory(
        tenant=tenant, provider="retell", api_key="rk", provider_ids={"base_url": server.url}
    )
    return VoiceAgentFactory(tenant=tenant, account=account)


@pytest.mark.parametrize(
    "status,category,health", [(401, "bad_credentials", "bad_credentials"), (402, "out_of_funds", "out_of_funds")]
)
def test_provider_refusal_fails_the_call_and_flags_the_account(
    tenant_a, lead, script, provider_server, status, category, health
):
    agent = retell_agent(tenant_a, provider_server)
    provider_server.answer(status, {"message": "Nope: account problem"})
    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
    dial_due_calls(tenant_id=tenant_a.pk)
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.status, call.error_category, call.needs_attention) == ("failed", category, True)
    assert "Nope: account problem" in call.error_message
    agent.account.refresh_from_db()
    assert agent.account.health == health


def test_provider_429_is_retried_later_without_a_second_call(tenant_a, lead, script, provider_server, monkeypatch):
    from voice.clients import http

    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.0)
    agent = retell_agent(tenant_a, provider_server)
    for _ in range(4):  # the client's own retries all meet 429
        provider_server.answer(429, {"message": "concurrency limit reached"})
    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
    dial_due_calls(tenant_id=tenant_a.pk)
    call = Call.all_tenants.get(pk=call.pk)
    assert call.status == "queued"  # back in the queue, due after a backoff
    assert timedelta(seconds=14) < call.due_at - DAYTIME < timedelta(seconds=20)
    provider_server.answer(201, {"call_id": "call_after_retry"})
    assert dial_due_calls(tenant_id=tenant_a.pk) == 0  # not due yet
    with time_machine.travel(call.due_at + timedelta(seconds=1)):
        assert dial_due_calls(tenant_id=tenant_a.pk) == 1  # the retry
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.status, call.provider_call_id, call.dial_attempts) == ("dialing", "call_after_retry", 2)
    accepted = [r for r in provider_server.requests if r["method"] == "POST"]
    assert len(accepted) == 5  # four refused before being taken, one accepted: one call


def test_a_provider_that_keeps_refusing_is_given_up_after_the_last_try(
    tenant_a, lead, script, provider_server, monkeypatch
):
    """Each dial is one try (the client's own retries inside it); after MAX_DIAL_ATTEMPTS the call fails with
    the provider's reason and how many tries were made, and frees the person and the account."""
    from calls.services import MAX_DIAL_ATTEMPTS
    from voice.clients import http

    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.0)
    agent = retell_agent(tenant_a, provider_server)
    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
    moment = timezone.now() + timedelta(seconds=1)
    for attempt in range(1, MAX_DIAL_ATTEMPTS + 1):
        for _ in range(http.RETRIES + 1):  # the client's own retries inside one try all meet 503
            provider_server.answer(503, {"message": "try later"})
        with time_machine.travel(moment):
            assert dial_due_calls(tenant_id=tenant_a.pk) == 1, attempt
        call = Call.all_tenants.get(pk=call.pk)
        assert call.dial_attempts == attempt
        if attempt < MAX_DIAL_ATTEMPTS:
            assert call.status == "queued" and call.due_at > moment
            moment = call.due_at + timedelta(seconds=1)
    assert (call.status, call.error_category) == ("failed", "provider_down")
    assert f"gave up after {MAX_DIAL_ATTEMPTS} tries" in call.error_message
    assert len([r for r in provider_server.requests if r["method"] == "POST"]) == MAX_DIAL_ATTEMPTS * (http.RETRIES + 1)
    with time_machine.travel(moment + timedelta(hours=1)):
        assert dial_due_calls(tenant_id=tenant_a.pk) == 0  # never tried again


def test_dnc_added_while_queued_stops_the_dial(tenant_a, lead, agent, script):
    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
        DoNotCall.objects.create(phone=lead.phone, reason="asked by email")
    with mock.patch("voice.clients.simulator.SimulatorClient.start_call") as start:
        dial_due_calls(tenant_id=tenant_a.pk)
    assert start.call_count == 0
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.status, call.compliance_code) == ("canceled", "dnc")


def test_outcome_moves_the_lead_and_updates_its_score(tenant_a, lead, script, django_capture_on_commit_callbacks):
    account = ProviderAccountFactory(
        tenant=tenant_a,
        provider="simulator",
        api_key="k",
        provider_ids={"mix": {"answered": 1}, "conversation_mix": {"not_interested": 1}},
    )
    agent = VoiceAgentFactory(tenant=tenant_a, account=account)
    call_now(tenant_a, lead, agent, script, django_capture_on_commit_callbacks)
    lead = Lead.all_tenants.get(pk=lead.pk)
    assert lead.stage == "not_interested"
    assert lead.last_contacted_at is not None
    assert any(part["rule"] == "engagement" for part in lead.score_explanation)


@pytest.mark.parametrize("status", ["dialing", "ringing", "in_progress"])
def test_a_live_call_past_its_deadline_is_settled_not_redialled(tenant_a, lead, agent, status):
    from tests.factories import CallFactory

    old = CallFactory(
        tenant=tenant_a,
        lead=lead,
        agent=agent,
        account=agent.account,
        status=status,
        outcome="",
        dialed_at=DAYTIME - timedelta(hours=1),
        due_at=DAYTIME - timedelta(seconds=1),
    )
    on_time = CallFactory(
        tenant=tenant_a, agent=agent, account=agent.account, status=status, outcome="", due_at=DAYTIME + timedelta(1)
    )
    assert sweep_calls() == {"settled": 1}
    old.refresh_from_db()
    assert (old.status, old.error_category, old.needs_attention, old.due_at) == (
        "failed",
        "no_word_from_provider",
        True,
        None,
    )
    assert "lead" in old.effects_done  # its effects applied: the person and the line are free again
    on_time.refresh_from_db()
    assert on_time.status == status


def test_a_call_dialled_has_a_deadline(tenant_a, lead, agent, script):
    with tenant_scope(tenant_a.pk), mock.patch("voice.clients.simulator.SimulatorClient.start_call") as start:
        start.return_value = mock.Mock(provider_call_id="sim_deadline")
        call, _ = services.request_call(lead, agent, script)
        assert call.due_at is not None
        services.dial(call.pk)
    call = Call.all_tenants.get(pk=call.pk)
    longest = timedelta(seconds=agent.max_call_seconds)
    assert call.due_at == call.dialed_at + longest + timedelta(minutes=7)  # ring allowance, the longest call, grace


# --- the API ---------------------------------------------------------------------------


def test_api_call_now_201_then_the_record_shows_the_conversation(
    owner_a, tenant_a, lead, agent, script, django_capture_on_commit_callbacks
):
    client = api_client(owner_a, tenant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/calls/", {"lead": pid(lead), "agent": pid(agent), "script": pid(script)})
    assert response.status_code == 201, response.json()
    detail = client.get(f"/api/v1/calls/{response.json()['id']}/").json()
    assert detail["status"] in ("ended", "failed") and detail["outcome"]
    assert "events" in detail and "transcript" in detail


def test_api_call_now_refused_is_409_with_code_and_next_time(owner_a, tenant_a, lead, agent, script):
    DoNotCallFactory(tenant=tenant_a, phone=lead.phone)
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/calls/", {"lead": pid(lead), "agent": pid(agent), "script": pid(script)}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "dnc" and response.json()["call_id"]


def test_api_call_now_with_another_tenants_lead_is_400(owner_a, tenant_a, tenant_b, agent, script):
    from tests.factories import LeadFactory

    foreign = LeadFactory(tenant=tenant_b)
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/calls/", {"lead": pid(foreign), "agent": pid(agent), "script": pid(script)}
    )
    assert response.status_code == 400 and "lead" in response.json()["fields"]


def test_viewers_cannot_call(tenant_a, lead, agent, script):
    viewer = api_client(member(tenant_a, Role.VIEWER, "vera"), tenant_a)
    assert (
        viewer.post("/api/v1/calls/", {"lead": pid(lead), "agent": pid(agent), "script": pid(script)}).status_code
        == 403
    )


def test_needs_attention_resolve_and_qa_reviews(owner_a, tenant_a, lead, agent):
    from tests.factories import CallFactory

    call = CallFactory(
        tenant=tenant_a,
        lead=lead,
        agent=agent,
        account=agent.account,
        needs_attention=True,
        attention_reason="Said: manager",
    )
    client = api_client(owner_a, tenant_a)
    assert [c["id"] for c in client.get("/api/v1/calls/needs-attention/").json()["results"]] == [pid(call)]
    resolved = client.post(f"/api/v1/calls/{pid(call)}/resolve/", {"note": "Called back, sorted."}).json()
    assert resolved["needs_attention"] is False and resolved["resolved_by"] == pid(owner_a)
    assert client.get("/api/v1/calls/needs-attention/").json()["results"] == []
    review = client.post(f"/api/v1/calls/{pid(call)}/qa-reviews/", {"score": 4, "checklist": {"greeting": True}})
    assert review.status_code == 201 and review.json()["reviewer"] == pid(owner_a)
    assert client.post(f"/api/v1/calls/{pid(call)}/qa-reviews/", {"score": 9}).status_code == 400


def test_call_list_query_count_does_not_grow_with_page_size(
    owner_a, tenant_a, lead, agent, django_assert_max_num_queries
):
    from tests.factories import CallFactory

    CallFactory.create_batch(40, tenant=tenant_a, lead=lead, agent=agent, account=agent.account)
    client = api_client(owner_a, tenant_a)
    with django_assert_max_num_queries(5) as few:
        client.get("/api/v1/calls/", {"page_size": 5})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/calls/", {"page_size": 40}).json()["results"]) == 40


# --- the admin ---------------------------------------------------------------------------


def test_admin_call_now_shows_the_gates_answer(client, owner_a, tenant_a, lead, agent, script):
    DoNotCallFactory(tenant=tenant_a, phone=lead.phone)
    client.force_login(owner_a)
    url = reverse("admin:calls_call_now", args=[lead.pk])
    answer = client.post(url, {"agent": pid(agent), "script": pid(script), "_once": "token-t1"})
    assert answer.status_code == 302 and answer["Location"] == url  # a reload shows the page, never calls again
    assert "Not called: dnc" in client.get(url).content.decode()


def test_admin_call_now_redirects_to_the_call_and_the_same_form_twice_calls_once(
    client, owner_a, tenant_a, lead, agent, script
):
    client.force_login(owner_a)
    url = reverse("admin:calls_call_now", args=[lead.pk])
    form = {"agent": pid(agent), "script": pid(script), "_once": "same-form"}
    first = client.post(url, form)
    call = Call.all_tenants.get(lead=lead)
    assert first.status_code == 302 and first["Location"] == reverse("admin:calls_call_change", args=[call.pk])
    again = client.post(url, form)  # a double click, or Back and send
    assert again["Location"] == first["Location"] and Call.all_tenants.filter(lead=lead).count() == 1
    assert "Calling now" in client.get(first["Location"]).content.decode()
    shown = client.get(url).content.decode()
    assert 'name="_once"' in shown and 'value="same-form"' not in shown  # a fresh form, a fresh token


def test_admin_call_page_shows_the_conversation(client, owner_a, tenant_a, lead, agent):
    from tests.factories import CallFactory

    call = CallFactory(
        tenant=tenant_a,
        lead=lead,
        agent=agent,
        account=agent.account,
        summary="Booked a tour.",
        recording_url="https://example.com/r.wav",
        transcript=[
            {"role": "agent", "text": "Hello from the gym", "seconds": 0},
            {"role": "user", "text": "Hi there", "seconds": 2},
        ],
    )
    client.force_login(owner_a)
    page = client.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    assert "Hello from the gym" in page and "Hi there" in page and "Booked a tour." in page
    assert "<audio controls" in page
    lead_page = client.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "Call now" in lead_page and "Call: Answered" in lead_page


class WorkerKilled(BaseException):
    """What ``kill -9`` does to a worker in the middle of a request, as far as the database can tell."""


def test_a_worker_killed_while_asking_the_provider_never_dials_twice(
    tenant_a, lead, agent, script, django_capture_on_commit_callbacks
):
    from calls import work

    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
    with mock.patch("voice.clients.simulator.SimulatorClient.start_call", side_effect=WorkerKilled) as start:
        with pytest.raises(WorkerKilled):
            dial_due_calls(tenant_id=tenant_a.pk)
        stuck = Call.all_tenants.get(pk=call.pk)
        assert (stuck.status, stuck.error_category) == ("dialing", "uncertain")  # the provider may have it
        assert stuck.due_at == stuck.dialed_at + work.UNCERTAIN_DEADLINE
        later = stuck.due_at + timedelta(seconds=1)
        with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
            assert sweep_calls() == {"settled": 1}
    assert start.call_count == 1  # never asked again
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.status, call.error_category) == ("failed", "no_word_from_provider")
    assert "never confirmed" in call.error_message


def test_a_worker_killed_before_asking_leaves_the_call_queued_for_the_next_claim(tenant_a, lead, agent, script):
    with tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
    with mock.patch("calls.services.prompting.render", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        dial_due_calls(tenant_id=tenant_a.pk)
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.status, call.dial_attempts, call.dialed_at) == ("queued", 0, None)  # claimed, not dialled
