"""Appointments' fixtures. The ``clock`` stands on the Monday of next week (from the suite clock), 11:00 New York;
``MON`` to ``SUN`` are the days of that week and ``at(day, hour)`` a New York wall-clock time on one of them."""

from datetime import time, timedelta

import pytest
import time_machine

from tests.clock import moment, monday_of_next_week
from tests.factories import AvailabilityRuleFactory, BranchFactory, ConsentFactory, LeadFactory

MON, TUE, WED, THU, FRI, SAT, SUN = (monday_of_next_week() + timedelta(days=n) for n in range(7))
MONDAY_11_NEW_YORK = moment(MON, 11)


def at(day, hour: int, minute: int = 0):
    """``hour:minute`` on ``day`` in New York, aware UTC."""
    return moment(day, hour, minute)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_11_NEW_YORK, tick=False) as traveller:
        yield traveller


@pytest.fixture
def branch(tenant_a):
    return BranchFactory(
        tenant=tenant_a, name="Downtown", time_zone="America/New_York", address="1 Main St", phone="+12125550100"
    )


def weekday_rules(tenant, branch, *, days=range(5), opens=time(9), closes=time(17), **fields):
    return [
        AvailabilityRuleFactory(tenant=tenant, branch=branch, weekday=day, opens=opens, closes=closes, **fields)
        for day in days
    ]


@pytest.fixture
def tours(tenant_a, branch):
    """Tours Monday to Friday, 09:00–17:00 New York, one an hour."""
    return weekday_rules(tenant_a, branch, kinds=["tour"])


@pytest.fixture
def lead(tenant_a, branch):
    lead = LeadFactory(
        tenant=tenant_a,
        branch=branch,
        first_name="Ana",
        phone="+12125551234",
        email="ana@example.test",
        stage="contacted",
    )
    ConsentFactory(tenant=tenant_a, lead=lead)
    return lead
