"""Campaigns' fixtures. The ``clock`` stands on the Monday of next week (from the suite clock), 11:00 New York."""

from datetime import timedelta

import pytest
import time_machine

from tests.clock import moment, monday_of_next_week
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    ConsentFactory,
    LeadFactory,
    ProviderAccountFactory,
    ScriptFactory,
    VoiceAgentFactory,
)

MON = monday_of_next_week()
TUE = MON + timedelta(days=1)
MONDAY_11_NEW_YORK = moment(MON, 11)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_11_NEW_YORK, tick=False) as traveller:
        yield traveller


@pytest.fixture
def branch(tenant_a):
    return BranchFactory(tenant=tenant_a, name="Downtown", time_zone="America/New_York")


def make_agent(tenant, *, concurrency=1000, **ids):
    account = ProviderAccountFactory(
        tenant=tenant, provider="simulator", api_key="sim", concurrency_limit=concurrency, provider_ids=ids
    )
    return VoiceAgentFactory(tenant=tenant, account=account)


@pytest.fixture
def agent(tenant_a):
    return make_agent(tenant_a, mix={"no_answer": 1})


def make_leads(tenant, branch, n, *, prefix="+1212555", start=1000, consent=True):
    leads = [LeadFactory(tenant=tenant, branch=branch, phone=f"{prefix}{start + i:04d}") for i in range(n)]
    if consent:
        for lead in leads:
            ConsentFactory(tenant=tenant, lead=lead)
    return leads


@pytest.fixture
def campaign(tenant_a, agent, branch):
    script = ScriptFactory(tenant=tenant_a, purpose="lead_followup")
    return CampaignFactory(
        tenant=tenant_a, agent=agent, script=script, max_concurrent=1000, audience={"kind": "filter"}
    )
