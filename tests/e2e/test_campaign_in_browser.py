"""A manager builds a campaign in the browser, reads the preview, starts it (confirmed), and pauses it."""

import os

import pytest
import time_machine

from campaigns.models import Campaign
from tests.clock import moment, monday_of_next_week
from tests.factories import (
    ConsentFactory,
    DoNotCallFactory,
    LeadFactory,
    ProviderAccountFactory,
    ScriptFactory,
    VoiceAgentFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_build_preview_start_and_pause_a_campaign(login, live_server, owner_a, tenant_a):
    for index in range(4):
        lead = LeadFactory(tenant=tenant_a, first_name=f"Lead{index}", phone=f"+1212555010{index}", stage="new")
        if index:
            ConsentFactory(tenant=tenant_a, lead=lead)
    DoNotCallFactory(tenant=tenant_a, phone="+12125550103")
    account = ProviderAccountFactory(
        tenant=tenant_a, provider="simulator", api_key="sim", provider_ids={"silent": True}
    )
    VoiceAgentFactory(tenant=tenant_a, account=account, name="Front desk")
    ScriptFactory(tenant=tenant_a, name="Tour follow-up", purpose="lead_followup")

    with time_machine.travel(moment(monday_of_next_week(), 11), tick=True):
        page = login(owner_a)
        page.goto(f"{live_server.url}/admin/campaigns/campaign/add/")
        page.fill("input[name=name]", "New leads: book a tour")
        page.select_option("select[name=agent]", label="Front desk")
        page.select_option("select[name=script]", index=1)
        page.select_option("select[name=audience_kind]", value="filter")
        page.select_option("select[name=stages]", value="new")
        shot(page, "campaign-add")
        page.click("button[name=_continue]")
        page.wait_for_load_state("networkidle")
        body = page.inner_text("body")
        assert "Audience preview" in body
        assert (
            "4 leads: 2 would be called; 2 skipped (1: on the do-not-call list; 1: no consent for this purpose)" in body
        )
        shot(page, "campaign-draft")

        page.click("text=Start")
        page.wait_for_load_state("networkidle")
        page.click("button:text-is('Start')")
        page.wait_for_load_state("networkidle")
        assert (
            "Running: 4 targets; skipped: 1: on the do-not-call list; 1: no consent for this purpose."
            in page.inner_text("body")
        )
        shot(page, "campaign-running")

        page.click("text=Pause")
        page.wait_for_load_state("networkidle")
        page.fill("input[name=reason]", "Front desk at a training day")
        page.click("button:text-is('Pause')")
        page.wait_for_load_state("networkidle")
        assert "Front desk at a training day" in page.inner_text("body")
        page.goto(f"{live_server.url}/admin/campaigns/campaign/")
        shot(page, "campaign-list")
        assert "2 / 4" in page.inner_text("body")
    assert Campaign.all_tenants.get(name="New leads: book a tour").status == "paused"
