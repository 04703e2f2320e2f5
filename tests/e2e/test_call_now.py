"""Call now, in a browser: from the lead page to a finished simulated call with its conversation."""

import pytest
import time_machine

from calls.models import Call
from core.public_ids import of as pid
from tests.clock import moment, monday_of_next_week
from tests.factories import ConsentFactory, LeadFactory, ProviderAccountFactory, ScriptFactory, VoiceAgentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_call_now_from_the_lead_page(login, live_server, owner_a, tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Grace", phone="+12125550123", branch=None)
    ConsentFactory(tenant=tenant_a, lead=lead)
    account = ProviderAccountFactory(
        tenant=tenant_a,
        provider="simulator",
        api_key="sim",
        provider_ids={"mix": {"answered": 1}, "conversation_mix": {"appointment": 1}},
    )
    VoiceAgentFactory(tenant=tenant_a, account=account, name="Front desk")
    ScriptFactory(tenant=tenant_a, name="Follow-up")
    with time_machine.travel(moment(monday_of_next_week(), 11), tick=True):
        page = login(owner_a)
        page.goto(f"{live_server.url}/admin/leads/lead/{pid(lead)}/change/")
        page.click("text=Call now")
        page.select_option("select[name=agent]", label="Front desk")
        page.select_option("select[name=script]", index=1)
        page.click("button:text-is('Call')")
        page.wait_for_load_state("networkidle")
        assert "Calling now" in page.inner_text("body")  # on the call's own page
        page.reload()  # a reload shows the call again, it does not call again
        page.wait_for_load_state("networkidle")
        text = page.inner_text("body")
    assert "automated assistant" in text
    assert "Appointment booked" in text.replace("APPOINTMENT BOOKED", "Appointment booked")
    assert "Agreed to come in" in text
    assert Call.all_tenants.filter(lead=lead).count() == 1
