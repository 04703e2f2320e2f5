from datetime import UTC, datetime, time

import pytest
import time_machine

from tests.factories import AvailabilityRuleFactory, BranchFactory, ConsentFactory, LeadFactory

MONDAY_11_NEW_YORK = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    """A New York wall-clock time in late November 2026 (UTC−5)."""
    return datetime(year, month, day, hour + 5, minute, tzinfo=UTC)


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
