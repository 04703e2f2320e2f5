"""One admission rule for every call: "Call now" and the campaign dialer build a call the same way (the same
caller number), count the same calls as in use on a provider account, and name a switched-off agent, a full
account and a missing caller number with their own reason codes (the compliance gate asks legal questions only).
"""

from unittest import mock

import pytest
import time_machine

from calls import admission
from calls.compliance import Reason, check
from calls.models import IN_FLIGHT_STATUSES, Call, CallStatus
from calls.services import request_call
from campaigns import dispatch
from campaigns import services as campaign_services
from tenants.scoping import tenant_scope
from tests.clock import MONDAY, moment, next_weekday
from tests.factories import CallFactory, CampaignFactory, LeadFactory

pytestmark = pytest.mark.django_db

DAYTIME = moment(next_weekday(MONDAY), 11)  # 11:00 in New York


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


def call_now(tenant, lead, agent, script):
    with tenant_scope(tenant.pk):
        return request_call(lead, agent, script)


def dialer_call(tenant, lead, agent, script, *, after_start=None):
    """The call the campaign dialer queues for ``lead`` (None if it queued none), and its report."""
    campaign = CampaignFactory(tenant=tenant, agent=agent, script=script, max_concurrent=1000)
    with tenant_scope(tenant.pk):
        campaign_services.start(campaign)
        if after_start is not None:
            after_start()
        with mock.patch("campaigns.dispatch.queue_dials"):
            report = dispatch.dispatch_tenant(DAYTIME)
    return Call.all_tenants.filter(campaign=campaign, lead=lead).first(), report


# --- the caller number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "numbers,branch_phone,expected",
    [
        (["+13055550111", "+13055550122"], "+12125550999", "account"),
        ([], "+12125550999", "+12125550999"),  # no account numbers: the branch's phone
        ([], "", "+13055550100"),  # nor a branch phone: the tenant's callback phone
    ],
)
def test_call_now_and_the_dialer_pick_the_same_caller_number(
    tenant_a, lead, agent, script, numbers, branch_phone, expected
):
    agent.account.caller_numbers = numbers
    agent.account.save()
    lead.branch.phone = branch_phone
    lead.branch.save()
    now_call, decision = call_now(tenant_a, lead, agent, script)
    assert decision.allowed
    now_call.delete()  # one call at a time per person: let the dialer have its turn
    campaign_call, _ = dialer_call(tenant_a, lead, agent, script)
    wanted = numbers[lead.pk % len(numbers)] if expected == "account" else expected
    assert (now_call.from_number, campaign_call.from_number) == (wanted, wanted)


def test_with_no_number_to_call_from_both_refuse_with_their_own_code(tenant_a, lead, agent, script):
    agent.account.caller_numbers = []
    agent.account.save()
    tenant_a.callback_phone = ""
    tenant_a.save()
    call, decision = call_now(tenant_a, lead, agent, script)
    assert (decision.code, call.status, call.compliance_code) == ("no_caller_number", "canceled", "no_caller_number")
    campaign_call, report = dialer_call(tenant_a, lead, agent, script)
    assert campaign_call is None and report["skipped:no_caller_number"] == 1


# --- capacity ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(CallStatus))
def test_call_now_and_the_dialer_count_the_same_calls_in_use(tenant_a, branch, lead, agent, script, status):
    agent.account.concurrency_limit = 1
    agent.account.save()
    other = LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550777")
    CallFactory(tenant=tenant_a, lead=other, agent=agent, status=status)
    in_use = status in IN_FLIGHT_STATUSES
    with tenant_scope(tenant_a.pk):
        assert admission.in_use(agent.account_id) == int(in_use)
    call, decision = call_now(tenant_a, lead, agent, script)
    assert decision.code == (Reason.CAPACITY if in_use else "")
    call.delete()
    campaign_call, report = dialer_call(tenant_a, lead, agent, script)
    assert (campaign_call is None, report["queued"]) == (in_use, int(not in_use))


def test_a_full_account_defers_call_now_with_its_own_code(tenant_a, branch, lead, agent, script):
    agent.account.concurrency_limit = 1
    agent.account.save()
    CallFactory(tenant=tenant_a, lead=LeadFactory(tenant=tenant_a, branch=branch), agent=agent, status="queued")
    _, decision = call_now(tenant_a, lead, agent, script)
    assert (decision.code, decision.deferred) == (Reason.CAPACITY, True)
    assert decision.next_allowed_at == DAYTIME + admission.CAPACITY_RETRY
    with tenant_scope(tenant_a.pk):  # the gate itself does not look at capacity: not a legal question
        assert check(lead, purpose=script.purpose, is_marketing=script.is_marketing).allowed


# --- a switched-off agent ------------------------------------------------------------------------


@pytest.mark.parametrize("switched_off", ["agent", "account"])
def test_a_switched_off_agent_is_agent_off_not_tenant_paused(tenant_a, lead, agent, script, switched_off):
    thing = agent if switched_off == "agent" else agent.account
    thing.is_active = False
    thing.save()
    call, decision = call_now(tenant_a, lead, agent, script)
    assert (decision.code, decision.deferred, call.compliance_code) == (Reason.AGENT_OFF, False, "agent_off")


def test_the_dialer_waits_while_its_agent_is_switched_off(tenant_a, lead, agent, script):
    def switch_off():
        agent.is_active = False
        agent.save()

    campaign_call, report = dialer_call(tenant_a, lead, agent, script, after_start=switch_off)
    assert (campaign_call, report["at_capacity"], report["claimed"]) == (None, 1, 0)
