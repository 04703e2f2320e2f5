"""Scores explain themselves and follow the tenant's rules; data export and erasure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import public_ids
from leads import privacy, scoring
from leads.models import DoNotCall, ErasureSuppression, Lead, PipelineSettings, suppression_hash
from leads.privacy import erase_person, export_person
from leads.signals import engagement_requested
from tenants.models import AuditLog
from tenants.scoping import tenant_scope
from tests.conftest import api_client
from tests.factories import ConsentFactory, LeadFactory, NoteFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def test_score_is_the_sum_of_the_rules_that_applied(tenant_a):
    lead = LeadFactory.build(
        tenant=tenant_a,
        source="referral",
        stage="booked",
        interest="Free trial please",
        created_at=timezone.now() - timedelta(hours=3),
    )
    total, parts = scoring.score(lead, scoring.DEFAULT_RULES)
    assert parts == [
        {"rule": "base", "detail": "every lead", "points": 10},
        {"rule": "source", "detail": "referral", "points": 25},
        {"rule": "recency", "detail": "active within 1 day", "points": 20},
        {"rule": "stage", "detail": "booked", "points": 15},
        {"rule": "interest", "detail": "asked about free trial", "points": 10},
    ]
    assert total == 80


def test_scores_are_clamped(tenant_a):
    lead = LeadFactory.build(
        tenant=tenant_a, stage="lost", source="import", created_at=timezone.now() - timedelta(days=400)
    )
    assert scoring.score(lead, scoring.DEFAULT_RULES)[0] == 0


def test_engagement_from_other_rooms_counts(tenant_a):
    lead = LeadFactory(tenant=tenant_a)

    def answer(sender, lead_ids, **kwargs):
        return {lead.pk: {"answered_calls": 5}}

    engagement_requested.connect(answer, dispatch_uid="tests.five_answered_calls")
    try:
        with tenant_scope(tenant_a.pk):
            scoring.apply_scores([lead])
    finally:
        engagement_requested.disconnect(dispatch_uid="tests.five_answered_calls")
    assert {"rule": "engagement", "detail": "5 answered calls", "points": 16} in lead.score_explanation


def test_tenant_rules_override_the_defaults_and_rescore_applies_them(tenant_a):
    lead = LeadFactory(tenant=tenant_a, source="walk_in")
    with tenant_scope(tenant_a.pk):
        scoring.rescore(Lead.objects.all())
        before = Lead.objects.get().score
        PipelineSettings.objects.create(scoring_rules={"source": {"walk_in": 50}})
        scoring.rescore(Lead.objects.all())
        lead.refresh_from_db()
    assert lead.score == before + 50 - scoring.DEFAULT_RULES["source"]["walk_in"]


def test_export_holds_everything_about_the_person(tenant_b):
    lead = LeadFactory(tenant=tenant_b, first_name="Erin")
    ConsentFactory(tenant=tenant_b, lead=lead)
    VehicleFactory(tenant=tenant_b, lead=lead)
    NoteFactory(tenant=tenant_b, lead=lead, body="prefers email")
    with tenant_scope(tenant_b.pk):
        document = export_person(lead)
    assert document["lead"]["first_name"] == "Erin"
    assert len(document["consents"]) == len(document["vehicles"]) == 1
    assert document["notes"][0]["body"] == "prefers email"


def test_erasure_keeps_only_a_suppression_hash_and_scrubs_the_audit_trail(owner_a, tenant_a):
    client = api_client(owner_a, tenant_a)
    public_id = client.post("/api/v1/leads/", {"phone": "3055550123", "first_name": "Erin"}, format="json").json()["id"]
    lead_id = public_ids.decode(Lead, public_id)
    client.patch(f"/api/v1/leads/{public_id}/", {"email": "erin@example.com"}, format="json")
    client.post("/api/v1/dnc/", {"phone": "3055550123"}, format="json")
    with tenant_scope(tenant_a.pk):
        erase_person(Lead.objects.get(pk=lead_id))
        assert not Lead.objects.exists()
        assert not DoNotCall.objects.exists()
        assert ErasureSuppression.objects.filter(phone_hash=suppression_hash(tenant_a.pk, "+13055550123")).exists()
        text = " ".join(f"{e.object_repr} {e.changes}" for e in AuditLog.objects.all())
    assert "Erin" not in text and "erin@example.com" not in text and "3055550123" not in text
    assert AuditLog.all_tenants.filter(action="lead.erased", object_id=str(lead_id)).exists()


def test_a_number_written_with_punctuation_is_found_and_erased(owner_a, tenant_a):
    """Staff type numbers as they please: "(305) 555-0123" in a note to the audit log, "305.555.0123" in a
    provider's payload. Erasure finds every spelling, and leaves another number with the same last digits."""
    from calls.models import CallEvent
    from tenants import audit

    with tenant_scope(tenant_a.pk):
        lead = LeadFactory(tenant=tenant_a, phone="+13055550123", first_name="Erin")
        identity = privacy.identity_of(lead)
        for spelling in ("(305) 555-0123", "+1 305 555 0123", "305.555.0123", "3055550123", "+13055550123"):
            assert identity.mentions(f"call back on {spelling} please"), spelling
        assert not identity.mentions("(212) 555-0123") and not identity.mentions("305-555-0124")
        audit.record("note", object_type="leads.note", object_id="1", changes={"body": "Erin: (305) 555-0123"})
        audit.record("note", object_type="leads.note", object_id="2", changes={"body": "Sam: (212) 555-0123"})
        CallEvent.objects.create(is_orphan=True, event_type="call_ended", payload={"to": "305.555.0123"})
        erase_person(lead)
        texts = [str(entry.changes) for entry in AuditLog.objects.filter(action="note").order_by("object_id")]
        payloads = list(CallEvent.objects.values_list("payload", flat=True))
    assert texts == ["{}", "{'body': 'Sam: (212) 555-0123'}"]
    assert payloads == [{"erased": True}]
