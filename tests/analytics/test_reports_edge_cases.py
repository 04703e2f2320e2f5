"""Every report, on the three situations a new business meets first: an empty tenant, a brand-new campaign with
no calls yet, and a campaign whose calls are all non-conversations (voicemail, no answer, busy, failed). Each
answers 200 with numbers (never a None where a count belongs) on the API, the dashboard and the campaign page."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from analytics.reports import REPORTS
from core.public_ids import of as pid
from tests.clock import moment, monday_of_next_week
from tests.conftest import api_client
from tests.factories import CallFactory, CampaignFactory, LeadFactory

NOW = moment(monday_of_next_week(), 11)
NON_CONVERSATIONS = ["voicemail", "no_answer", "busy", "failed"]


def _situation(name, tenant):
    if name == "empty tenant":
        return None
    campaign = CampaignFactory(tenant=tenant, name="First campaign")
    if name == "all non-conversations":
        lead = LeadFactory(tenant=tenant)
        for back, outcome in enumerate(NON_CONVERSATIONS):
            when = NOW - timedelta(hours=back + 1)
            CallFactory(tenant=tenant, lead=lead, campaign=campaign, outcome=outcome, dialed_at=when, ended_at=when)
    return campaign


def _no_none_counts(value, path="body"):
    if isinstance(value, dict):
        if "numerator" in value:  # a figure: a count has no denominator, a ratio of 0 things has no value
            if value.get("denominator") != 0:  # a median of no leads has no numerator either
                assert value["numerator"] is not None, f"{path}.numerator is None"
            if value.get("denominator") is None:
                assert value["value"] == value["numerator"], f"{path} is a ratio with no denominator"
            return
        for key, item in value.items():
            if key in {"label", "status", "campaign_id"} or key.endswith("_at"):
                continue
            _no_none_counts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _no_none_counts(item, f"{path}[{index}]")
    else:
        assert value is not None, f"{path} is None"


@pytest.mark.parametrize("situation", ["empty tenant", "brand-new campaign", "all non-conversations"])
def test_every_report_reads_in_plain_numbers(situation, tenant_a, owner_a):
    with time_machine.travel(NOW, tick=False):
        campaign = _situation(situation, tenant_a)
        client = api_client(owner_a, tenant_a)
        for name in REPORTS:
            if name == "today":
                continue  # the dashboard's own table, not an API operation
            response = client.get(f"/api/v1/analytics/{name}/")
            assert response.status_code == 200, (name, response.content)
            _no_none_counts(response.json(), name)
        browser = Client()
        browser.force_login(owner_a)
        assert browser.get("/admin/").status_code == 200
        if campaign is not None:
            assert browser.get(f"/admin/campaigns/campaign/{pid(campaign)}/change/").status_code == 200
            stats = client.get(f"/api/v1/campaigns/{pid(campaign)}/stats/")
            assert stats.status_code == 200, stats.content
            counts = {k: stats.json()[k] for k in ("targets", "progress_percent", "calls", "appointments_booked")}
            assert None not in counts.values(), counts
            rows = client.get("/api/v1/analytics/campaigns/").json()["campaigns"]
            expected = len(NON_CONVERSATIONS) if situation == "all non-conversations" else None
            assert [r["dialled"] for r in rows] == ([expected] if expected else [])
