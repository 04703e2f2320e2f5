"""Live pages in a browser: a page open on a queued call, a running campaign, the dashboard or a running import
shows what happens server-side within seconds, without a reload (core.live, static/voice/js/live.js)."""

from unittest import mock

import pytest
import time_machine
from playwright.sync_api import expect

from calls import admission
from calls import services as calls
from campaigns import services as campaigns
from campaigns import tasks as campaign_tasks
from core.public_ids import of as pid
from leads.models import LeadImport
from tenants.scoping import tenant_scope
from tests.clock import moment, monday_of_next_week
from tests.e2e.conftest import stand_in_for_the_worker
from tests.factories import (
    CallFactory,
    CampaignFactory,
    ConsentFactory,
    LeadFactory,
    LeadImportFactory,
    ProviderAccountFactory,
    ScriptFactory,
    VoiceAgentFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SOON = 8000  # ms: a poll every 3 s (5 s on the dashboard), and the time to answer it
MONDAY_11 = moment(monday_of_next_week(), 11)  # inside everyone's calling hours


def simulated_agent(tenant):
    account = ProviderAccountFactory(
        tenant=tenant,
        provider="simulator",
        api_key="sim",
        provider_ids={"mix": {"answered": 1}, "conversation_mix": {"appointment": 1}},
    )
    return VoiceAgentFactory(tenant=tenant, account=account, name="Front desk")


def mark_the_page(page):
    """A mark on the window: still there later means the page was never reloaded."""
    page.evaluate("window.notReloaded = true")


def still_the_same_page(page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_the_call_page_shows_the_finished_call_without_a_reload(login, live_server, owner_a, tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Grace", phone="+12125550123", branch=None)
    ConsentFactory(tenant=tenant_a, lead=lead)
    agent, script = simulated_agent(tenant_a), ScriptFactory(tenant=tenant_a, name="Follow-up")
    with time_machine.travel(MONDAY_11, tick=True):
        with tenant_scope(tenant_a.pk):
            call = admission.build_call(lead, agent, script)
            call.save()  # queued: no dialer has taken it yet
        page = login(owner_a)
        page.goto(f"{live_server.url}/admin/calls/call/{pid(call)}/change/")
        state, region = page.get_by_test_id("call-state"), page.get_by_test_id("call-live")
        expect(state).to_contain_text("Queued")
        expect(page.get_by_test_id("conversation")).to_contain_text("No conversation yet")
        mark_the_page(page)

        with tenant_scope(tenant_a.pk):
            calls.dial(call.pk)  # the simulator plays it at once: signed events through the webhook handler

        expect(page.get_by_test_id("conversation")).to_contain_text("automated assistant", timeout=SOON)
        expect(state).to_contain_text("Ended")
        expect(state).to_contain_text("Appointment booked")
        expect(region).to_contain_text("Agreed to come in")
        expect(region.locator("audio")).to_have_count(1)
        status_field = page.locator(".field-line", has=page.locator("label", has_text="Status")).locator(".readonly")
        expect(status_field).to_have_text("Ended")  # the page's own fields follow
        expect(region).to_have_attribute("data-live-final", "1")  # settled: the page stops asking
        assert still_the_same_page(page)


def test_the_campaign_page_shows_its_progress_without_a_reload(login, live_server, owner_a, tenant_a):
    for index in range(3):
        ConsentFactory(tenant=tenant_a, lead=LeadFactory(tenant=tenant_a, phone=f"+1212555020{index}", stage="new"))
    agent = simulated_agent(tenant_a)
    script = ScriptFactory(tenant=tenant_a, name="Tour follow-up", purpose="lead_followup")
    campaign = CampaignFactory(tenant=tenant_a, agent=agent, script=script, max_concurrent=10)
    with time_machine.travel(MONDAY_11, tick=True):
        with tenant_scope(tenant_a.pk), mock.patch.object(campaigns, "_dispatch_soon"):
            campaigns.start(campaign)  # running, its three targets waiting for the dialer's next tick
        page = login(owner_a)
        page.goto(f"{live_server.url}/admin/campaigns/campaign/{pid(campaign)}/change/")
        region = page.get_by_test_id("campaign-live")
        expect(region).to_contain_text("0% of 3")
        with page.expect_response(lambda r: "/live/" in r.url, timeout=SOON) as poll:
            pass
        assert poll.value.status == 304  # nothing new yet: a bodiless answer, the page untouched
        mark_the_page(page)

        campaign_tasks.dispatch_due.delay()  # beat's tick: each call dialled and played at once
        stand_in_for_the_worker(tenant_a)

        expect(region).to_contain_text("100% of 3", timeout=SOON)
        assert "3 · 0" in " ".join(region.inner_text().split())  # calls · in progress
        assert still_the_same_page(page)


def test_the_dashboard_shows_a_call_that_needs_a_person_without_a_reload(login, live_server, owner_a, tenant_a):
    page = login(owner_a)
    page.goto(f"{live_server.url}/admin/")
    region = page.get_by_test_id("needs-attention")
    expect(region).to_contain_text("Nothing needs a person right now.")
    mark_the_page(page)

    lead = LeadFactory(tenant=tenant_a, first_name="Grace", last_name="Hopper")
    CallFactory(tenant=tenant_a, lead=lead, needs_attention=True, attention_reason="Asked for a manager")

    expect(region).to_contain_text("Asked for a manager", timeout=SOON)
    expect(region).to_contain_text("Grace Hopper")
    assert still_the_same_page(page)


def test_the_import_page_shows_the_progress_without_a_reload(login, live_server, owner_a, tenant_a):
    running = LeadImportFactory(tenant=tenant_a, status="running", bytes_total=1000, bytes_read=100, rows_read=20)
    page = login(owner_a)
    page.goto(f"{live_server.url}/admin/leads/leadimport/{pid(running)}/change/")
    region = page.get_by_test_id("import-live")
    expect(region).to_contain_text("20 rows read")
    mark_the_page(page)

    LeadImport.all_tenants.filter(pk=running.pk).update(status="done", rows_read=200, created_count=190)

    expect(region).to_contain_text("200 rows read", timeout=SOON)
    expect(region).to_contain_text("100%")
    expect(region).to_have_attribute("data-live-final", "1")
    assert still_the_same_page(page)


def test_a_large_audiences_preview_follows_its_page_at_once(monkeypatch, login, live_server, owner_a, tenant_a):
    """A draft whose audience is over the preview's limit is sent without its preview, which the browser fetches
    at once (not after a poll's three seconds) and shows in place."""
    from campaigns import audiences

    monkeypatch.setattr(audiences, "PREVIEW_CHECKED", 2)
    for index in range(5):
        ConsentFactory(tenant=tenant_a, lead=LeadFactory(tenant=tenant_a, phone=f"+1212555030{index}", stage="new"))
    script = ScriptFactory(tenant=tenant_a, name="Tour follow-up", purpose="lead_followup")
    campaign = CampaignFactory(tenant=tenant_a, agent=simulated_agent(tenant_a), script=script)
    with time_machine.travel(MONDAY_11, tick=True):
        page = login(owner_a)
        with page.expect_response(lambda r: "/preview/" in r.url, timeout=2000) as fetched:
            page.goto(f"{live_server.url}/admin/campaigns/campaign/{pid(campaign)}/change/")
        assert fetched.value.status == 200 and fetched.value.headers["x-live"] == "final"
        preview = page.get_by_test_id("campaign-preview")
        expect(preview).to_contain_text("5 leads: about", timeout=SOON)
        expect(preview).to_contain_text("Estimated from")
        expect(page.get_by_test_id("preview-pending")).to_have_count(0)
