"""Creating, updating, stages, tags, merging and the outreach order."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from leads import services
from leads.models import Consent, Lead, Note, StageChange, Tag, Vehicle
from leads.pipeline import ALLOWED_MOVES, Stage
from tenants.models import AuditLog
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.factories import ConsentFactory, LeadFactory, NoteFactory, VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(tenant_a):
    with tenant_scope(tenant_a.pk):
        yield tenant_a


def test_create_normalises_phone_email_and_capital_names(scope, branch_a):
    lead = services.create_lead(
        {
            "first_name": "  ANA  ",
            "last_name": "McDONALD",
            "phone": "(305) 555-0123",
            "email": " Ana@Example.COM",
            "branch": branch_a,
        }
    )
    assert (lead.first_name, lead.last_name) == ("Ana", "McDONALD")  # only all-caps names are title-cased
    assert (lead.phone, lead.email) == ("+13055550123", "ana@example.com")
    assert lead.score > 0 and lead.score_explanation


def test_create_refuses_bad_phone_and_email_with_a_field_map(scope):
    with pytest.raises(ValidationError) as error:
        services.create_lead({"phone": "12345", "email": "nope"})
    assert set(error.value.message_dict) == {"phone", "email"}


def test_duplicates_by_phone_and_by_email(scope):
    first = services.create_lead({"phone": "3055550123", "email": "pat@example.com"})
    with pytest.raises(services.DuplicateLead) as by_phone:
        services.create_lead({"phone": "+1 305 555 0123"})
    assert by_phone.value.existing == first
    with pytest.raises(services.DuplicateLead):
        services.create_lead({"phone": "3055550199", "email": "PAT@example.com"})
    other = LeadFactory(tenant=scope, email="pat@example.com", phone="+13055550155")
    assert list(services.find_duplicates(first)) == [other]


def test_time_zone_is_explicit_else_area_code_else_branch(scope, branch_a):
    branch_a.time_zone = "America/Denver"
    branch_a.save()
    lead = services.create_lead({"phone": "+16029919922", "branch": branch_a})
    assert services.resolved_time_zone(lead) == "America/Phoenix"
    lead.time_zone = "Europe/Paris"
    assert services.resolved_time_zone(lead) == "Europe/Paris"
    foreign = services.create_lead({"phone": "+442079460958", "branch": branch_a})
    assert services.resolved_time_zone(foreign) == "Europe/London"


@pytest.mark.parametrize("origin", list(Stage))
def test_every_allowed_and_forbidden_stage_move(scope, origin):
    for target in Stage:
        if target == origin:
            continue
        lead = LeadFactory(tenant=scope, stage=origin)
        if target in ALLOWED_MOVES[origin]:
            services.change_stage(lead, target, lost_reason="price")
            lead.refresh_from_db()
            assert lead.stage == target
            assert StageChange.objects.filter(lead=lead, from_stage=origin, to_stage=target).exists()
        else:
            with pytest.raises(ValidationError):
                services.change_stage(lead, target, lost_reason="price")
            lead.refresh_from_db()
            assert lead.stage == origin


def test_lost_needs_a_reason(scope):
    lead = LeadFactory(tenant=scope)
    with pytest.raises(ValidationError) as error:
        services.change_stage(lead, Stage.LOST)
    assert "lost_reason" in error.value.message_dict


def test_bulk_stage_change_moves_what_it_may_and_records_history(scope):
    new = LeadFactory.create_batch(3, tenant=scope, stage=Stage.NEW)
    won = LeadFactory(tenant=scope, stage=Stage.WON)
    moved, refused = services.change_stage_bulk(Lead.objects.all(), Stage.CONTACTED)
    assert (moved, refused) == (3, 1)
    assert StageChange.objects.filter(to_stage=Stage.CONTACTED).count() == 3
    won.refresh_from_db()
    assert won.stage == Stage.WON
    assert {lead.stage for lead in Lead.objects.filter(pk__in=[x.pk for x in new])} == {Stage.CONTACTED}


def test_first_attempt_and_last_contact_are_recorded(scope):
    lead = LeadFactory(tenant=scope)
    first = timezone.now() - timedelta(hours=2)
    services.mark_attempted(lead, first)
    services.mark_attempted(lead)
    services.mark_contacted(lead)
    lead.refresh_from_db()
    assert lead.first_contacted_at == first
    assert lead.last_contacted_at > first


def test_tags_by_name_are_case_insensitive_and_created_once(scope):
    lead = LeadFactory(tenant=scope)
    services.add_tags(lead, ["VIP", "vip", " Student "])
    services.add_tags(lead, ["student"])
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Student", "VIP"]
    assert lead.tags.count() == 2
    services.remove_tags(lead, ["vip"])
    assert list(lead.tags.values_list("name", flat=True)) == ["Student"]


def test_merge_moves_everything_onto_the_survivor_and_is_audited(scope):
    survivor = LeadFactory(tenant=scope, email="", interest="")
    duplicate = LeadFactory(tenant=scope, email="dup@example.com", interest="yoga", notes="likes mornings")
    services.add_tags(duplicate, ["hot"])
    VehicleFactory(tenant=scope, lead=duplicate)
    ConsentFactory(tenant=scope, lead=duplicate)
    NoteFactory(tenant=scope, lead=duplicate)
    StageChange.objects.create(lead=duplicate, from_stage="new", to_stage="contacted")

    result = services.merge_leads(survivor, duplicate)

    survivor.refresh_from_db()
    assert not Lead.objects.filter(pk=duplicate.pk).exists()
    assert (survivor.email, survivor.interest) == ("dup@example.com", "yoga")
    assert "likes mornings" in survivor.notes
    assert list(survivor.tags.values_list("name", flat=True)) == ["hot"]
    assert Vehicle.objects.filter(lead=survivor).count() == 1
    assert Consent.objects.filter(lead=survivor).count() == 1
    assert Note.objects.filter(lead=survivor).count() == 2  # the moved note, and "Merged lead #…"
    assert StageChange.objects.filter(lead=survivor).count() == 1
    assert result.moved["tags"] == 1
    assert AuditLog.objects.filter(action="lead.merged", object_id=str(survivor.pk)).exists()


def test_merge_into_itself_is_refused(scope):
    lead = LeadFactory(tenant=scope)
    with pytest.raises(ValidationError):
        services.merge_leads(lead, lead)


def test_prioritized_order(scope):
    now = timezone.now()
    old_new = LeadFactory(tenant=scope, stage=Stage.NEW, created_at=now - timedelta(hours=5))
    fresh_new = LeadFactory(tenant=scope, stage=Stage.NEW, created_at=now - timedelta(minutes=2))
    high = LeadFactory(tenant=scope, stage=Stage.CONTACTED, score=90)
    low_soon = LeadFactory(tenant=scope, stage=Stage.CONTACTED, score=20, next_action_at=now + timedelta(hours=1))
    low_later = LeadFactory(tenant=scope, stage=Stage.CONTACTED, score=20, next_action_at=now + timedelta(days=2))
    low_none = LeadFactory(tenant=scope, stage=Stage.CONTACTED, score=20)
    contacted_new = LeadFactory(tenant=scope, stage=Stage.NEW, score=5, first_contacted_at=now)
    order = list(services.prioritized(Lead.objects.all()))
    assert order == [old_new, fresh_new, high, low_soon, low_later, low_none, contacted_new]


def test_do_not_call_add_is_idempotent_and_removal_needs_a_manager_and_a_reason(scope):
    entry = services.add_dnc("(305) 555-0123", reason="asked")
    assert services.add_dnc("305.555.0123").pk == entry.pk
    assert services.is_on_dnc("+13055550123")
    agent = member(scope, Role.AGENT, "agnes")
    with pytest.raises(PermissionDenied):
        services.remove_dnc(entry, actor=agent, reason="re-consented")
    manager = member(scope, Role.MANAGER, "mo")
    with pytest.raises(ValidationError):
        services.remove_dnc(entry, actor=manager, reason="  ")
    services.remove_dnc(entry, actor=manager, reason="signed up again in person")
    assert not services.is_on_dnc("+13055550123")
    log = AuditLog.objects.get(action="dnc.removed")
    assert log.changes["reason"] == "signed up again in person"


def test_consent_record_and_revoke(scope):
    lead = LeadFactory(tenant=scope)
    consent = services.record_consent(
        lead,
        kind="express_written",
        source="form",
        purposes=["lead_followup"],
        source_detail="https://x/join",
        disclosure_version="v2",
    )
    assert consent.phone == lead.phone and consent.covers("lead_followup") and not consent.covers("recall")
    services.revoke_consent(consent)
    assert not consent.covers("lead_followup")
    assert list(services.active_consents(lead)) == []
