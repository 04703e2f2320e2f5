"""Booking from calls: free slots in the prompt, the simulator agreeing to a real slot, the agreed time booked
in the person's time zone, a taken slot falling back to the nearest or flagging the call."""

from datetime import datetime

import pytest

from appointments import call_hooks, services
from appointments.models import Appointment
from calls import services as call_services
from calls.models import Call
from leads.models import Lead
from tenants.scoping import tenant_scope
from tests.clock import moment
from tests.factories import CallFactory, LeadFactory, ProviderAccountFactory, ScriptFactory, VoiceAgentFactory

from .conftest import MON, TUE, at

pytestmark = pytest.mark.django_db
TUESDAY_10 = at(TUE, 10)  # 10:00 New York, 07:00 Los Angeles


@pytest.fixture
def script(tenant_a):
    return ScriptFactory(tenant=tenant_a, purpose="lead_followup")


def agreed_call(tenant, lead, when: str, **fields):
    return CallFactory(
        tenant=tenant,
        lead=lead,
        purpose="lead_followup",
        status="ended",
        outcome="appointment_booked",
        collected_data={"appointment_time": when},
        **fields,
    )


def test_the_simulator_agrees_to_a_real_slot_and_the_call_books_it(
    tenant_a, branch, tours, lead, script, clock, django_capture_on_commit_callbacks
):
    account = ProviderAccountFactory(
        tenant=tenant_a,
        provider="simulator",
        api_key="k",
        provider_ids={"mix": {"answered": 1}, "conversation_mix": {"appointment": 1}},
    )
    agent = VoiceAgentFactory(tenant=tenant_a, account=account)
    with tenant_scope(tenant_a.pk), django_capture_on_commit_callbacks(execute=True):
        call, _ = call_services.request_call(lead, agent, script)
    call = Call.all_tenants.get(pk=call.pk)
    assert call.outcome == "appointment_booked"
    first_free_tour = f"{MON:%A %d %B} at 11:00"  # e.g. "Monday 23 November at 11:00"
    assert call.prompt_variables["free_slots"].startswith(first_free_tour)
    (appointment,) = Appointment.all_tenants.filter(lead=lead)
    assert (appointment.source, appointment.call_id, appointment.kind) == ("ai_call", call.pk, "tour")
    assert appointment.start == datetime.fromisoformat(call.collected_data["appointment_time"])
    assert Lead.all_tenants.get(pk=lead.pk).stage == "booked"


def test_a_naive_agreed_time_is_the_branchs_local_time_the_one_the_agent_offered(tenant_a, branch, tours, clock):
    west = LeadFactory(tenant=tenant_a, branch=branch, phone="+14155550123")  # San Francisco, club in New York
    call = agreed_call(tenant_a, west, f"{TUE}T10:00:00")
    with tenant_scope(tenant_a.pk):
        appointment = call_hooks.book_from_call(call)
        assert call_hooks.book_from_call(call) == appointment  # a handler that runs twice books once
    assert appointment.start == at(TUE, 10)  # 10:00 at the club, where they will be (07:00 on their own clock)
    assert Appointment.all_tenants.filter(call=call).count() == 1


def test_an_agreed_time_with_an_offset_is_that_moment(tenant_a, branch, tours, clock):
    west = LeadFactory(tenant=tenant_a, branch=branch, phone="+14155550125")
    call = agreed_call(tenant_a, west, moment(TUE, 8, zone="America/Los_Angeles").isoformat())
    with tenant_scope(tenant_a.pk):
        assert call_hooks.book_from_call(call).start == at(TUE, 11)


def test_a_taken_slot_falls_back_to_the_nearest_free_one(tenant_a, branch, tours, lead, clock):
    other = LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550999")
    with tenant_scope(tenant_a.pk):
        services.book(other, branch, "tour", TUESDAY_10)
        appointment = call_hooks.book_from_call(agreed_call(tenant_a, lead, TUESDAY_10.isoformat()))
    assert appointment.start in (at(TUE, 9), at(TUE, 11))
    assert appointment.start == at(TUE, 9)  # 09:00: as near as 11:00, and earlier


def test_nothing_free_near_the_agreed_time_flags_the_call(tenant_a, branch, tours, lead, clock):
    for hour in range(9, 17):  # every tour on Tuesday 09:00–17:00 New York
        with tenant_scope(tenant_a.pk):
            taker = LeadFactory(tenant=tenant_a, branch=branch, phone=f"+121255509{hour:02d}")
            services.book(taker, branch, "tour", at(TUE, hour))
    call = agreed_call(tenant_a, lead, TUESDAY_10.isoformat())
    with tenant_scope(tenant_a.pk):
        assert call_hooks.book_from_call(call) is None
    call.refresh_from_db()
    assert call.needs_attention and f"Agreed {TUE:%a %d %b} 10:00 but it was taken" in call.attention_reason


def test_an_unreadable_time_flags_the_call(tenant_a, branch, tours, lead, clock):
    call = agreed_call(tenant_a, lead, "next Tuesday-ish")
    with tenant_scope(tenant_a.pk):
        assert call_hooks.book_from_call(call) is None
    call.refresh_from_db()
    assert call.needs_attention and "Could not read the agreed time" in call.attention_reason


def test_prompt_variables_speak_the_branchs_time_and_name_its_zone_to_a_person_elsewhere(
    tenant_a, branch, tours, lead, script, clock
):
    west = LeadFactory(tenant=tenant_a, branch=branch, phone="+14155550124", first_name="Wes")
    with tenant_scope(tenant_a.pk):
        services.book(west, branch, "tour", TUESDAY_10)
        variables = call_hooks.prompt_variables(west, script)
        local = call_hooks.prompt_variables(lead, script)  # a New York number: no zone to name
    assert variables["free_slots"].split(", ")[0] == f"{MON:%A %d %B} at 11:00 Eastern time"
    assert variables["upcoming_appointment"] == f"tour at Downtown on {TUE:%A %d %B} at 10:00 Eastern time"
    assert local["free_slots"].split(", ")[0] == f"{MON:%A %d %B} at 11:00"


def test_the_effects_of_a_conversation_wait_for_its_analysis_so_an_agreed_time_is_booked(
    client, tenant_a, branch, tours, lead, clock
):
    """Issue 19 (seen in the demo: four calls of five said "I've booked you" and booked nothing). Retell sends a
    conversation's end, then its analysis (what was agreed). A worker that applied the effects between the two
    saw a plain "answered" call, claimed the booking effect and booked nothing; the analysis then found the
    effect done. The effects now wait for the analysis (at most calls.services.ANALYSIS_WAIT)."""
    from datetime import timedelta

    import time_machine
    from django.utils.timezone import now as clock_now

    from calls.tasks import apply_call_effects
    from tests.calls.test_webhooks import post, retell_body

    account = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="retell-key-123")
    call = CallFactory(
        tenant=tenant_a, lead=lead, account=account, provider="retell", status="in_progress", outcome="",
        purpose="lead_followup", to_number=lead.phone,
    )  # fmt: skip
    ended = retell_body("call_ended", call.pk, disconnection_reason="user_hangup", duration_ms=90000)
    assert post(client, account, ended).status_code == 200
    assert apply_call_effects(tenant_id=tenant_a.pk) == 0  # the worker comes between the two events: nothing yet
    agreed = {"custom_analysis_data": {"appointment_time": TUESDAY_10.isoformat()}, "call_summary": "A tour."}
    analyzed = retell_body("call_analyzed", call.pk, disconnection_reason="user_hangup", call_analysis=agreed)
    assert post(client, account, analyzed).status_code == 200
    assert apply_call_effects(tenant_id=tenant_a.pk) == 1
    (appointment,) = Appointment.all_tenants.filter(lead=lead)
    assert (appointment.call_id, appointment.start) == (call.pk, TUESDAY_10)
    assert Lead.all_tenants.get(pk=lead.pk).stage == "booked"

    silent = CallFactory(
        tenant=tenant_a, lead=LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550777"), account=account,
        provider="retell", provider_call_id="call_2", status="in_progress", outcome="", purpose="lead_followup",
    )  # fmt: skip
    ended = retell_body("call_ended", silent.pk, "call_2", disconnection_reason="user_hangup", duration_ms=30000)
    post(client, account, ended)  # and no analysis ever comes: the effects are applied after the wait
    assert apply_call_effects(tenant_id=tenant_a.pk) == 0
    owed = Call.all_tenants.get(pk=silent.pk).effects_due_at
    assert owed == clock_now() + call_services.ANALYSIS_WAIT
    with time_machine.travel(owed + timedelta(seconds=1)):
        assert apply_call_effects(tenant_id=tenant_a.pk) == 1
    assert Call.all_tenants.get(pk=silent.pk).effects_done[:1] == ["lead"]
    assert Lead.all_tenants.get(pk=silent.lead_id).stage == "contacted"
