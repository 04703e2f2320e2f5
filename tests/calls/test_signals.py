"""The calls room's extension points are Django signals (docs/architecture.md, "Calls"): ``call_dialed`` and
``call_ended`` (each receiver acts once per call, in the installed order of its app), and the voice room's
``provider_event_received``, through which calls stores what a provider said."""

import json

import pytest
import time_machine

from calls import services
from calls.models import Call, CallEvent
from calls.signals import call_dialed, call_ended
from core.public_ids import of as pid
from tenants.scoping import tenant_scope
from tests.clock import MONDAY, moment, next_weekday
from tests.factories import CallFactory, ProviderAccountFactory, VoiceAgentFactory
from voice.clients.retell import sign
from voice.signals import provider_event_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Connect a test receiver to a signal for the test's length; what it heard is returned."""
    connected, log = [], []

    def connect(signal, uid, handler=None):
        def hear(sender, signal, **kwargs):
            log.append(kwargs)
            return handler(**kwargs) if handler else None

        signal.connect(hear, dispatch_uid=uid, weak=False)
        connected.append((signal, uid))
        return log

    yield connect
    for signal, uid in connected:
        signal.disconnect(dispatch_uid=uid)


def test_after_call_runs_each_receivers_effect_once_in_app_order(tenant_a, lead, agent, heard):
    acted = []
    log = heard(call_ended, "tests.once", lambda call, once: once("tests") and acted.append(call.pk))
    call = CallFactory(tenant=tenant_a, lead=lead, agent=agent, status="ended", outcome="no_answer")
    with tenant_scope(tenant_a.pk):
        services.after_call(call)
        services.after_call(call)  # the task delivered twice
    call.refresh_from_db()
    assert call.effects_done == ["lead", "campaign", "appointments", "tests"]
    assert (len(log), acted) == (2, [call.pk])  # heard twice, acted once


def test_a_dialled_call_is_announced_once_the_provider_took_it(tenant_a, lead, agent, script, heard):
    log = heard(call_dialed, "tests.dialed")
    with time_machine.travel(moment(next_weekday(MONDAY), 11), tick=False), tenant_scope(tenant_a.pk):
        call, decision = services.request_call(lead, agent, script)
        services.dial(call.pk)
        services.dial(call.pk)  # a duplicate delivery dials nothing and announces nothing
    assert decision.allowed
    assert [kwargs["call"].pk for kwargs in log] == [call.pk]


def test_the_webhook_hands_each_verified_event_to_the_receivers(client, tenant_a, lead, heard):
    account = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="retell-key")
    call = CallFactory(tenant=tenant_a, lead=lead, account=account, provider="retell", status="dialing", outcome="")
    log = heard(provider_event_received, "tests.events")
    payload = {"call_id": "call_9", "call_status": "ended", "metadata": {"crm_call_id": str(call.pk)}}
    body = json.dumps({"event": "call_ended", "call": payload}).encode()
    url = f"/webhooks/voice/retell/{account.webhook_uuid}/"
    answer = client.post(url, body, content_type="application/json", HTTP_X_RETELL_SIGNATURE=sign(body, "retell-key"))
    assert answer.json() == {"received": 1, "new": 1}  # calls' receiver stored it
    (kwargs,) = log
    assert (kwargs["account"], kwargs["event"].call_id, kwargs["event"].event_type) == (account, call.pk, "call_ended")
    assert CallEvent.all_tenants.filter(call=call).count() == 1
    assert Call.all_tenants.get(pk=call.pk).status == "ended"


def test_the_simulator_plays_from_the_request_not_from_call_rows(
    tenant_a, lead, script, django_capture_on_commit_callbacks
):
    account = ProviderAccountFactory(tenant=tenant_a, provider="simulator", api_key="k", provider_ids={"seed": 3})
    agent = VoiceAgentFactory(tenant=tenant_a, account=account)
    with time_machine.travel(moment(next_weekday(MONDAY), 11), tick=True), tenant_scope(tenant_a.pk):
        call, _ = services.request_call(lead, agent, script)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.dial(call.pk)
        Call.objects.filter(pk=call.pk).delete()  # nothing of the call is left to read
        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
    events = CallEvent.all_tenants.filter(provider="simulator")
    assert set(events.values_list("event_type", flat=True)) >= {"call_ended", "call_analyzed"}
    assert all(event.is_orphan and event.payload["call"]["metadata"]["crm_call_id"] == pid(call) for event in events)
