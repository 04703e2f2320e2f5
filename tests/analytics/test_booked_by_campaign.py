"""One figure, one definition: the appointments a campaign booked (appointments.by_campaign) read the same on
the dashboard's leaderboard, the analytics API, the campaign list, the campaign page and its stats. A call
that ended "appointment booked" without an appointment (the time was taken) books nothing anywhere, and an
appointment staff booked by hand belongs to no campaign."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from campaigns import services
from core.public_ids import of as pid
from tenants.models import Role
from tests.clock import moment, monday_of_next_week
from tests.conftest import api_client, member
from tests.factories import AppointmentFactory, CallFactory, CampaignFactory, LeadFactory

NOW = moment(monday_of_next_week(), 11)


@pytest.fixture
def booked(tenant_a, branch_a):
    with time_machine.travel(NOW, tick=False):
        campaign = CampaignFactory(tenant=tenant_a, name="Tour push")
        lead = LeadFactory(tenant=tenant_a, branch=branch_a)
        earlier = NOW - timedelta(hours=3)
        calls = [
            CallFactory(tenant=tenant_a, lead=lead, campaign=campaign, outcome=outcome, dialed_at=earlier)
            for outcome in ["appointment_booked", "appointment_booked", "voicemail"]  # the second: time taken
        ]
        made_one = calls[0]
        AppointmentFactory(tenant=tenant_a, branch=branch_a, lead=lead, call=made_one, created_at=earlier)
        AppointmentFactory(tenant=tenant_a, branch=branch_a, lead=LeadFactory(tenant=tenant_a), created_at=earlier)
    return campaign


def test_every_screen_counts_the_appointments_its_calls_made(booked, tenant_a, owner_a, in_tenant):
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        with in_tenant(tenant_a.pk):
            assert services.stats(booked)["appointments_booked"] == 1

        rows = api_client(owner_a, tenant_a).get("/api/v1/analytics/campaigns/").json()["campaigns"]
        assert [(r["campaign_id"], r["appointments_booked"]) for r in rows] == [(pid(booked), 1)]

        browser = Client()
        browser.force_login(member(tenant_a, Role.MANAGER, "maria"))
        listing = browser.get("/admin/campaigns/campaign/").content.decode()
        assert "3 calls, 1 booked" in listing
        page = browser.get(f"/admin/campaigns/campaign/{pid(booked)}/change/").content.decode()
        assert re.search(r"Appointments booked</div>\s*<div[^>]*>1</div>", page)
        dashboard = browser.get("/admin/").content.decode()
        row = dashboard[dashboard.index(">Tour push</a>") :]
        row = row[: row.index("</tr>")]
        assert re.findall(r'font-semibold">(\d+)</td>', row) == ["1"], "the leaderboard's Booked column"
