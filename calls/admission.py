"""Admitting a call: the one way a Call is built, and the one rule for the calls in use on an account.

"Call now" (calls.services.request_call, also used by appointment reminders) and the campaign
dialer (campaigns.dispatch) both build their calls with ``build_call`` and pick the number to call
from with ``caller_number``; both count the lines in use on a provider account with ``in_use``
(the statuses of ``IN_FLIGHT_STATUSES``: queued, dialing, ringing, in progress). ``admit`` is the
whole question for one call: the agent and its account are switched on, the compliance gate
(legal questions only) allows it, the account has a free line, and there is a number to call from.
See docs/architecture.md, "Calls".
"""

from datetime import timedelta

from django.utils import timezone

from tenants.models import Tenant

from . import compliance
from .decisions import Decision, Reason
from .models import IN_FLIGHT_STATUSES, Call

CAPACITY_RETRY = timedelta(minutes=1)  # a line of the provider account frees up soon: try again after this
OPERATIONAL_CODES = {Reason.AGENT_OFF, Reason.CAPACITY, Reason.NO_CALLER_NUMBER}  # admission's own, not the gate's
AGENT_OFF = Decision(False, Reason.AGENT_OFF, "This voice agent (or its provider account) is switched off.")
NO_CALLER_NUMBER = Decision(
    False,
    Reason.NO_CALLER_NUMBER,
    "No number to call from: add caller numbers to the provider account, a phone to the branch or a callback number.",
)


# --- capacity ---------------------------------------------------------------------------------


def in_use(account_id: int) -> int:
    """The provider account's lines in use: its calls queued (about to dial) or live."""
    return Call.objects.filter(account_id=account_id, status__in=IN_FLIGHT_STATUSES).count()


def switched_on(agent) -> bool:
    return agent.is_active and agent.account.is_active


def room(agent) -> int:
    """How many more calls may start on this agent's provider account now (0 when it is switched off)."""
    if not switched_on(agent):
        return 0
    return max(0, agent.account.concurrency_limit - in_use(agent.account_id))


# --- the call ---------------------------------------------------------------------------------


def callback_phone(tenant_id: int) -> str:
    return Tenant.objects.filter(pk=tenant_id).values_list("callback_phone", flat=True).first() or ""


def caller_number(account, lead, callback: str | None = None) -> str:
    """The number a call to ``lead`` goes out from (docs/architecture.md, "Calls": caller ID is a number the
    tenant controls): one of the provider account's numbers (spread over leads by id), else the lead's
    branch's phone, else the tenant's callback phone (``callback`` when the caller read it already).
    "" only when there is none of them: such a call is refused (``NO_CALLER_NUMBER``), never dialled."""
    numbers = [number for number in account.caller_numbers or [] if number]
    if numbers:
        return numbers[lead.pk % len(numbers)]
    branch = lead.branch if lead.branch_id else None
    if branch is not None and branch.phone:
        return branch.phone
    return callback if callback is not None else callback_phone(lead.tenant_id)


def build_call(lead, agent, script, *, from_number: str | None = None, purpose: str | None = None, **links) -> Call:
    """A Call (not saved) from ``lead`` with ``agent`` and ``script``; ``links`` are the campaign, its
    target, who asked for it. The number to call from is ``caller_number``'s unless given."""
    account = agent.account
    return Call(
        tenant_id=lead.tenant_id,
        lead=lead,
        branch_id=lead.branch_id,
        agent=agent,
        script=script,
        account=account,
        provider=account.provider,
        purpose=purpose or script.purpose,
        to_number=lead.phone,
        from_number=caller_number(account, lead) if from_number is None else from_number,
        due_at=timezone.now(),  # queued: due to be dialled now (calls.work)
        **links,
    )


def admit(lead, agent, script, *, from_number: str, when=None, weekdays=None) -> Decision:
    """May this call start now: the agent is switched on (``AGENT_OFF``), the compliance gate allows it, the
    provider account has a free line (``CAPACITY``, deferred a minute), there is a number to call from
    (``NO_CALLER_NUMBER``)."""
    when = when or timezone.now()
    if not switched_on(agent):
        return AGENT_OFF
    decision = compliance.check(
        lead, purpose=script.purpose, is_marketing=script.is_marketing, when=when, weekdays=weekdays
    )
    if not decision.allowed:
        return decision
    if room(agent) <= 0:
        return Decision(False, Reason.CAPACITY, Reason.CAPACITY.label + ".", when + CAPACITY_RETRY)
    if not from_number:
        return NO_CALLER_NUMBER
    return decision
