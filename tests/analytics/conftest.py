"""A hand-built month for tenant A (New York) with answers worked out by hand.

The month is laid out around the suite clock's Monday of next week, which is called day 23 (``day(n)`` lies
``n − 23`` days from it). The period under test is Friday to Sunday, days 20–22 (New York days); the clock stands at
Monday, day 23, 11:00 New York. Calls close to midnight sit on the New York day they were dialled, not the
UTC one. Tenant B has calls and appointments in the same days that must never show.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from analytics.kpi import Filters, Period
from tests.clock import moment, monday_of_next_week
from tests.factories import (
    AppointmentFactory,
    BranchFactory,
    CallFactory,
    CampaignFactory,
    LeadFactory,
    StageChangeFactory,
    VoiceAgentFactory,
)

MONDAY = monday_of_next_week()  # day 23
NOW = moment(MONDAY, 11)  # Monday 11:00 New York


def day(n: int) -> date:
    """Day ``n`` of the month: day 23 is the clock's Monday, days 20–22 the period (Friday to Sunday)."""
    return MONDAY + timedelta(days=n - 23)


def ny(n: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A New York wall-clock time on day ``n`` of the month, aware UTC."""
    return moment(day(n), hour, minute, second)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def period():
    return Period(day(20), day(22), "America/New_York")


@pytest.fixture
def filters(period):
    return Filters(period=period)


class Month:
    """What the ``month`` fixture built, by name."""


def _history(tenant, lead, *stages):
    previous = "new"
    for n, stage in enumerate(stages):
        StageChangeFactory(
            tenant=tenant, lead=lead, from_stage=previous, to_stage=stage, changed_at=lead.created_at + timedelta(n + 1)
        )
        previous = stage


@pytest.fixture
def month(tenant_a, tenant_b, clock):
    m = Month()
    t = tenant_a
    m.branch = BranchFactory(tenant=t, name="Downtown", time_zone="America/New_York")
    m.other_branch = BranchFactory(tenant=t, name="Uptown", time_zone="America/New_York")
    m.agent = VoiceAgentFactory(tenant=t, name="Ava")
    m.campaign = CampaignFactory(tenant=t, name="New leads", agent=m.agent)
    m.other_campaign = CampaignFactory(tenant=t, name="Win-back", agent=m.agent)

    def lead(name, created, first_call, stage, *history, branch=None):
        made = LeadFactory(
            tenant=t,
            first_name=name,
            branch=branch or m.branch,
            created_at=created,
            first_contacted_at=first_call,
            stage=stage,
        )
        _history(t, made, *history)
        return made

    # Created in the period (the cohort): waits 2 min, 61 min, 10 min 10 s, 60 min; Eve never called.
    m.l1 = lead("Ann", ny(20, 9, 58), ny(20, 10, 0), "won", "contacted", "booked", "attended", "won")
    m.l2 = lead("Ben", ny(20, 9, 0), ny(20, 10, 1), "no_show", "contacted", "booked", "no_show")
    m.l3 = lead("Cat", ny(21, 23, 50), ny(22, 0, 0, 10), "booked", "contacted", "booked")
    m.l4 = lead("Dan", ny(21, 11, 0), ny(21, 12, 0), "lost", "contacted", "lost")
    m.l5 = lead("Eve", ny(22, 8, 0), None, "new")
    # The previous period's lead (days 17–19), called after 30 seconds.
    m.l0 = lead("Old", ny(19, 12, 0), ny(19, 12, 0, 30), "contacted", "contacted")

    def call(lead, dialled, outcome, seconds, cost, campaign=None, ended=None, **fields):
        return CallFactory(
            tenant=t,
            lead=lead,
            agent=m.agent,
            branch=lead.branch,
            campaign=campaign,
            dialed_at=dialled,
            created_at=dialled,
            ended_at=ended or dialled + timedelta(seconds=max(seconds, 20)),
            outcome=outcome,
            duration_seconds=seconds,
            cost=Decimal(cost),
            **fields,
        )

    m.c1 = call(m.l1, ny(20, 10, 0), "answered", 120, "0.50", m.campaign)  # on the line 10:00–10:02
    m.c2 = call(m.l2, ny(20, 10, 1), "no_answer", 0, "0.10", m.campaign, ended=ny(20, 10, 1, 30))  # overlaps c1
    m.c3 = call(m.l2, ny(21, 23, 59, 30), "voicemail", 30, "0.20", m.campaign)  # the 22nd in UTC
    m.c4 = call(m.l3, ny(22, 0, 0, 10), "appointment_booked", 200, "0.60", m.other_campaign)  # just after midnight
    m.c7 = call(
        m.l4,
        ny(21, 12, 0),
        "dnc_requested",
        15,
        "0.05",
        needs_attention=True,
        attention_reason="Asked not to be called",
    )
    # Outside the period: the evening before (previous period) and the midnight after.
    m.c5 = call(m.l0, ny(19, 23, 59), "answered", 60, "0.40", m.campaign)
    m.c6 = call(m.l4, ny(23, 0, 0), "dnc_requested", 10, "0.05")
    # Stopped by the compliance gate: never dialled, not a call dialled.
    m.c8 = CallFactory(
        tenant=t, lead=m.l5, agent=m.agent, status="canceled", outcome="", created_at=ny(21, 9, 0), dialed_at=None
    )
    # A resolved flag does not need attention any more.
    m.c9 = call(m.l1, ny(10, 10, 0), "escalated", 40, "0.10", needs_attention=True, resolved_at=ny(11, 9, 0))

    def appointment(lead, created, start, status, call=None, branch=None):
        return AppointmentFactory(
            tenant=t,
            branch=branch or m.branch,
            lead=lead,
            created_at=created,
            start=start,
            end=start + timedelta(hours=1),
            status=status,
            call=call,
        )

    m.a1 = appointment(m.l3, ny(22, 0, 4), ny(24, 10), "booked", call=m.c4)  # booked in the period, for later
    m.a2 = appointment(m.l1, ny(20, 10, 3), ny(21, 10), "attended", call=m.c1)
    m.a3 = appointment(m.l2, ny(19, 15, 0), ny(22, 11), "no_show")  # booked before, missed in the period
    m.a4 = appointment(m.l2, ny(20, 12, 0), ny(21, 16), "canceled")  # booked in the period, then canceled
    m.a5 = appointment(m.l5, ny(21, 9), ny(23, 15), "confirmed", branch=m.other_branch)  # today, 15:00 (never called)
    m.a6 = appointment(m.l1, ny(22, 9), ny(23, 9, 30), "booked")  # today, 09:30

    # Tenant B: the same days, none of it may show for tenant A.
    b_lead = LeadFactory(tenant=tenant_b, created_at=ny(21, 10, 0), first_contacted_at=ny(21, 10, 0, 5))
    for hour in (10, 11, 12):
        CallFactory(
            tenant=tenant_b,
            lead=b_lead,
            dialed_at=ny(21, hour),
            created_at=ny(21, hour),
            ended_at=ny(21, hour, 5),
            outcome="answered",
            duration_seconds=300,
            cost=Decimal("9.99"),
            needs_attention=True,
            attention_reason="B's flag",
        )
    AppointmentFactory(tenant=tenant_b, lead=b_lead, created_at=ny(21, 10), start=ny(23, 10), status="booked")
    return m
