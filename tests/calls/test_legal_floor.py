"""The legal floor (calls.legal, docs/compliance.md#legal-floor): a tenant's calling policy only narrows the
law. A widened policy is refused at every door, and a widened row that got stored anyway (an old row, a
shell) still cannot open a minute the law closes: the gate reads every number through the floor."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from calls.compliance import Reason, check
from calls.models import CallingPolicy
from core.public_ids import of as pid
from tenants.models import AuditLog
from tenants.roles import Role
from tests.clock import local, monday_of_next_week
from tests.conftest import member
from tests.factories import CallFactory, ConsentFactory, LeadFactory

pytestmark = pytest.mark.django_db
MONDAY = monday_of_next_week()
NEW_YORK = "America/New_York"

WIDE_OPEN = {
    "window_start": time(0, 0),
    "window_end": time(23, 59),
    "restricted_window_end": time(23, 59),
    "restricted_regions": ["CA"],
    "max_calls_per_day": 20,
}


def at(hour, minute=0, zone=NEW_YORK, day=MONDAY):
    return local(day, hour, minute, zone=zone)


def gate(lead, when):
    return check(lead, purpose="lead_followup", is_marketing=True, when=when)


@pytest.fixture
def wide_open(scoped):
    """A policy that widens every number, stored without validation (as an old row or a shell would)."""
    return CallingPolicy.objects.create(**WIDE_OPEN)


@pytest.mark.parametrize(
    "hour,minute,allowed",
    [(3, 0, False), (7, 59, False), (8, 0, True), (20, 59, True), (21, 0, False), (23, 30, False)],
)
def test_a_widened_policy_cannot_open_hours_the_law_closes(wide_open, lead, hour, minute, allowed):
    decision = gate(lead, at(hour, minute))
    assert decision.allowed is allowed
    if not allowed:
        assert decision.code == Reason.CALLING_HOURS


@pytest.mark.parametrize(
    "phone,zone",
    [("+13055550123", NEW_YORK), ("+14055550123", "America/Chicago"), ("+14105550123", NEW_YORK)],
    ids=["Miami", "Oklahoma City", "Baltimore"],
)
def test_restricted_states_stay_restricted_whatever_regions_the_policy_lists(wide_open, scoped, phone, zone):
    lead = LeadFactory(tenant=scoped, phone=phone)
    ConsentFactory(tenant=scoped, lead=lead, kind="express_written", phone=phone)
    assert gate(lead, at(18, 30, zone=zone)).allowed
    refused = gate(lead, at(20, 0, zone=zone))  # (the tenant's own zone is a candidate too: either code)
    assert not refused.allowed and refused.code in (Reason.CALLING_HOURS, Reason.UNCERTAIN_ZONE)


def test_a_region_the_tenant_adds_is_restricted_too(wide_open, scoped):
    lead = LeadFactory(tenant=scoped, phone="+13105550123")  # Los Angeles: the policy adds CA
    ConsentFactory(tenant=scoped, lead=lead, kind="express_written", phone=lead.phone)
    assert gate(lead, at(20, 30, zone="America/Los_Angeles")).code == Reason.CALLING_HOURS


def test_the_frequency_cap_cannot_be_raised(wide_open, scoped, lead):
    when = at(12)
    for hours_ago in (5, 4, 3):
        CallFactory(
            tenant=scoped,
            lead=lead,
            to_number=lead.phone,
            status="completed",
            dialed_at=when - timedelta(hours=hours_ago),
        )
    assert gate(lead, when).code == Reason.FREQUENCY


def test_saving_a_widened_policy_is_refused_field_by_field(scoped):
    with pytest.raises(ValidationError) as refused:
        CallingPolicy(**WIDE_OPEN).full_clean()
    assert set(refused.value.message_dict) == set(WIDE_OPEN)


def test_a_narrower_policy_is_accepted(scoped):
    CallingPolicy(
        window_start=time(9, 0), window_end=time(19, 0), restricted_window_end=time(18, 0), max_calls_per_day=1
    ).full_clean()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AGENT, Role.MANAGER])
def test_only_admins_and_owners_change_the_policy(client, tenant_a, role):
    with_scope_policy = _policy(tenant_a)
    client.force_login(member(tenant_a, role))
    url = f"/admin/calls/callingpolicy/{pid(with_scope_policy)}/change/"
    response = client.post(url, _form(window_start="09:00"))
    assert response.status_code == 403
    assert _stored(tenant_a).window_start == time(8, 0)


def test_an_admin_narrows_the_policy_and_it_is_audited_but_cannot_widen_it(client, tenant_a):
    policy = _policy(tenant_a)
    client.force_login(member(tenant_a, Role.ADMIN))
    url = f"/admin/calls/callingpolicy/{pid(policy)}/change/"
    refused = client.post(url, _form(window_start="00:00", window_end="23:59"))
    assert refused.status_code == 200  # the form again, with the errors
    assert "Calls may not start before 08:00" in refused.content.decode()
    assert _stored(tenant_a).window_start == time(8, 0)
    assert client.post(url, _form(window_start="09:30")).status_code == 302
    assert _stored(tenant_a).window_start == time(9, 30)
    from tenants.scoping import tenant_scope

    with tenant_scope(tenant_a.pk):
        assert AuditLog.objects.filter(object_type__icontains="calling", object_id=str(policy.pk)).exists()


def _policy(tenant):
    from tenants.scoping import tenant_scope

    with tenant_scope(tenant.pk):
        return CallingPolicy.objects.create()


def _stored(tenant):
    from tenants.scoping import tenant_scope

    with tenant_scope(tenant.pk):
        return CallingPolicy.objects.get()


def _form(**changes):
    form = {
        "window_start": "08:00",
        "window_end": "21:00",
        "restricted_window_end": "20:00",
        "restricted_regions": "[]",
        "max_calls_per_day": "3",
        "sunday_calls": "on",
        "closed_days": "[]",
        "escalation_words": "[]",
    }
    return {**form, **changes}


def test_a_cap_of_zero_is_refused_and_a_stored_zero_does_not_break_the_gate(scoped, lead):
    with pytest.raises(ValidationError) as refused:
        CallingPolicy(max_calls_per_day=0).full_clean()
    assert "max_calls_per_day" in refused.value.message_dict
    CallingPolicy.objects.create(max_calls_per_day=0)  # stored some other way: read as one call
    when = at(12)
    assert gate(lead, when).allowed
    CallFactory(tenant=scoped, lead=lead, to_number=lead.phone, status="completed", dialed_at=when - timedelta(hours=1))
    assert gate(lead, when).code == Reason.FREQUENCY
