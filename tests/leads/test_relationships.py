"""Established business relationships from the CRM's own events (docs/compliance.md#established-business-relationships):
an inquiry lasts 3 months, a purchase or service visit 18; they exempt a number where the law says so (the national
registry, not Indiana's list; Nevada's second automated call), never from consent, and the compliance file keeps
the event that proves them."""

from datetime import timedelta

import pytest

from calls.compliance import Reason, check, check_with_file
from leads import registries, relationships
from tenants.scoping import tenant_scope
from tests.clock import moment, monday_of_next_week, today
from tests.factories import (
    AppointmentFactory,
    CallFactory,
    ConsentFactory,
    LeadFactory,
    LeadImportFactory,
    StageChangeFactory,
)

pytestmark = pytest.mark.django_db
NOW = moment(monday_of_next_week(), 11)


def lead_of(tenant, phone, *, days_ago=400, **fields):
    return LeadFactory(tenant=tenant, phone=phone, branch=None, created_at=NOW - timedelta(days=days_ago), **fields)


def relationship(tenant, lead):
    with tenant_scope(tenant.pk):
        return relationships.established([lead], NOW).get(lead.pk)


def test_an_inquiry_lasts_three_months(tenant_a):
    assert relationship(tenant_a, lead_of(tenant_a, "+12125550181", days_ago=60)).kind == "inquiry"
    assert relationship(tenant_a, lead_of(tenant_a, "+12125550182", days_ago=100)) is None
    undated = lead_of(tenant_a, "+12125550183", days_ago=10, source_import=LeadImportFactory(tenant=tenant_a))
    assert relationship(tenant_a, undated) is None  # a file without dates: its date is the import's, not theirs
    dated = lead_of(
        tenant_a, "+12125550180", days_ago=10, source_import=LeadImportFactory(tenant=tenant_a), imported_history=True
    )
    assert relationship(tenant_a, dated).kind == "inquiry"  # the file said when they arrived


def test_a_purchase_lasts_eighteen_months(tenant_a):
    buyer = lead_of(tenant_a, "+12125550184")
    StageChangeFactory(tenant=tenant_a, lead=buyer, to_stage="won", changed_at=NOW - timedelta(days=300))
    found = relationship(tenant_a, buyer)
    won_on = NOW - timedelta(days=300)
    assert (found.kind, found.evidence) == ("transaction", f"Won (a purchase) on {won_on:%Y-%m-%d}")
    old = lead_of(tenant_a, "+12125550185")
    StageChangeFactory(tenant=tenant_a, lead=old, to_stage="won", changed_at=NOW - timedelta(days=600))
    assert relationship(tenant_a, old) is None


def test_a_service_visit_is_a_transaction_and_a_tour_an_inquiry(tenant_a):
    serviced, toured = lead_of(tenant_a, "+12125550186"), lead_of(tenant_a, "+12125550187")
    AppointmentFactory(
        tenant=tenant_a, lead=serviced, kind="service", status="attended", start=NOW - timedelta(days=365)
    )
    AppointmentFactory(tenant=tenant_a, lead=toured, kind="tour", status="attended", start=NOW - timedelta(days=150))
    assert relationship(tenant_a, serviced).evidence.startswith("Attended a service on")
    assert relationship(tenant_a, toured) is None  # an inquiry, and five months ago


def gate(tenant, lead, when=NOW):
    with tenant_scope(tenant.pk):
        return check(lead, purpose="lead_followup", is_marketing=True, when=when)


def test_a_relationship_exempts_from_the_national_registry_only_never_from_consent(tenant_a):
    with tenant_scope(tenant_a.pk):
        day = today() - timedelta(days=1)
        registries.import_file(["2125550188", "2125550189"], registry="US", downloaded_on=day)
        registries.import_file(["3175550190"], registry="IN", downloaded_on=day)
    customer = lead_of(tenant_a, "+12125550188", days_ago=30)
    stranger = lead_of(tenant_a, "+12125550189")
    hoosier = lead_of(tenant_a, "+13175550190", days_ago=30)
    assert gate(tenant_a, stranger).code == Reason.DNC_NATIONAL
    assert gate(tenant_a, customer).code == Reason.NO_CONSENT  # exempt from the registry, still no consent
    assert gate(tenant_a, hoosier).code == Reason.DNC_STATE
    ConsentFactory(tenant=tenant_a, lead=customer)
    assert gate(tenant_a, customer).allowed


def test_a_relationship_lifts_nevadas_rule_on_a_second_automated_call(tenant_a):
    late_morning = NOW + timedelta(hours=3)  # 11:00 in Las Vegas
    recent = lead_of(tenant_a, "+17025550191", days_ago=20, time_zone="America/Los_Angeles")
    long_ago = lead_of(tenant_a, "+17025550192", days_ago=400, time_zone="America/Los_Angeles")
    for lead in (recent, long_ago):
        ConsentFactory(tenant=tenant_a, lead=lead)
        CallFactory(tenant=tenant_a, lead=lead, to_number=lead.phone, disconnection_reason="user_hangup")
    assert gate(tenant_a, recent, late_morning).allowed  # they asked about us 20 days ago
    assert gate(tenant_a, long_ago, late_morning).code == Reason.REPEAT_AFTER_HANGUP
    with tenant_scope(tenant_a.pk):
        _, file = check_with_file(recent, purpose="lead_followup", is_marketing=True, when=late_morning)
    assert file["relationship"]["kind"] == "inquiry" and file["relationship"]["evidence"].startswith("Became a lead")
