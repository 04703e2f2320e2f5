"""The simulator's calls play out as rows with due times (voice.simulated_events): a lost wake-up delays
an event, the sweeper delivers it, and each is delivered once."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings

from calls import services
from calls.models import Call, CallEvent
from tenants.scoping import tenant_scope
from tests.clock import moment, monday_of_next_week
from tests.factories import ConsentFactory, LeadFactory, ProviderAccountFactory, ScriptFactory, VoiceAgentFactory
from voice.models import SimulatedEvent
from voice.tasks import deliver_simulated_events, sweep_simulated_events

pytestmark = pytest.mark.django_db
DAYTIME = moment(monday_of_next_week(), 11)


@pytest.fixture
def answered_call(tenant_a, django_capture_on_commit_callbacks):
    account = ProviderAccountFactory(
        tenant=tenant_a, provider="simulator", api_key="k", provider_ids={"mix": {"answered": 1}}
    )
    agent = VoiceAgentFactory(tenant=tenant_a, account=account)
    lead = LeadFactory(tenant=tenant_a, phone="+12125550123", first_name="Ana", time_zone="America/New_York")
    ConsentFactory(tenant=tenant_a, lead=lead, kind="express_written")
    with (
        time_machine.travel(DAYTIME, tick=False),
        override_settings(VOICE_SIMULATOR_PACE=1),
        tenant_scope(tenant_a.pk),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call, decision = services.request_call(lead, agent, ScriptFactory(tenant=tenant_a))
    assert decision.allowed
    return Call.all_tenants.get(pk=call.pk)


def test_the_simulated_call_owes_its_events_with_due_times(answered_call):
    assert answered_call.status == "dialing"  # its wake-up came early (inline): nothing was due yet
    owed = list(SimulatedEvent.all_tenants.order_by("due_at").values_list("event", "due_at"))
    assert [name for name, _ in owed] == ["call_started", "call_ended", "call_analyzed"]
    assert owed[0][1] == DAYTIME + timedelta(seconds=2)
    assert owed[0][1] < owed[1][1] < owed[2][1] <= DAYTIME + timedelta(seconds=9)


def test_events_whose_wake_up_was_lost_are_delivered_by_the_sweeper_once(answered_call):
    with time_machine.travel(DAYTIME + timedelta(seconds=30), tick=False):
        assert sweep_simulated_events() == 3
        assert sweep_simulated_events() == 0
        assert deliver_simulated_events(tenant_id=answered_call.tenant_id) == 0
    call = Call.all_tenants.get(pk=answered_call.pk)
    assert call.status == "ended" and call.outcome and call.summary
    assert CallEvent.all_tenants.filter(call=call).count() == 3
    assert not SimulatedEvent.all_tenants.exists()


def test_only_what_is_due_is_delivered(answered_call):
    with time_machine.travel(DAYTIME + timedelta(seconds=3), tick=False):
        assert deliver_simulated_events(tenant_id=answered_call.tenant_id) == 1  # picked up, still talking
    assert Call.all_tenants.get(pk=answered_call.pk).status == "in_progress"
    assert SimulatedEvent.all_tenants.count() == 2


@pytest.mark.parametrize("result", ["appointment", "callback", "not_interested", "information", "wrong_number"])
def test_a_simulated_person_never_says_they_are_and_are_not_the_lead(result):
    """The README walk read "Hi, yes, this is Emma" … "there's no Emma here" in one transcript."""
    from voice.clients import CallRequest
    from voice.simulation import plan

    request = CallRequest(
        call_id=7, tenant_id=1, to_number="+12125550123", from_number="+12125550100", provider_agent_id="",
        variables={"lead_first_name": "Emma"}, opening_line="", prompt="", purpose="custom",
    )  # fmt: skip
    simulated = plan(request, {"mix": {"answered": 1}, "conversation_mix": {result: 1}})
    said = " ".join(text for role, text in simulated.turns if role == "user")
    assert not ("this is Emma" in said and "no Emma here" in said), said
    assert ("no Emma here" in said) == (result == "wrong_number")
