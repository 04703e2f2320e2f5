"""The leads room's signals, answered by the rooms that hold more about a lead: calls and appointments on
its timeline, in its score, in its data export and scrubbed on erasure; a campaign's upload joins it."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from appointments.models import Appointment
from calls.models import Call
from campaigns.models import Campaign
from campaigns.services import campaign_tag_name
from leads import scoring
from leads.importing import run_import
from leads.models import LeadImport
from leads.privacy import erase_person, export_person
from leads.signals import engagement_requested, import_finished
from leads.timeline import timeline
from tenants.scoping import tenant_scope
from tests.factories import AppointmentFactory, CallFactory, CampaignFactory, LeadFactory, NoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_with_history(tenant_a):
    lead = LeadFactory(tenant=tenant_a, created_at=timezone.now() - timezone.timedelta(days=3))
    NoteFactory(tenant=tenant_a, lead=lead, body="prefers mornings")
    CallFactory(tenant=tenant_a, lead=lead, transcript=[{"role": "lead", "text": "hi"}], summary="Said hi")
    AppointmentFactory(tenant=tenant_a, lead=lead, notes="bring ID")
    return lead


def test_export_has_a_section_per_room_after_the_leads_own(tenant_a, lead_with_history):
    with tenant_scope(tenant_a.pk):
        document = export_person(lead_with_history)
    assert list(document)[-3:] == ["notes", "calls", "appointments"]
    assert document["calls"][0]["transcript"] == [{"role": "lead", "text": "hi"}]
    assert document["appointments"][0]["notes"] == "bring ID"


def test_erasure_scrubs_the_calls_and_appointments_too(tenant_a, lead_with_history):
    with tenant_scope(tenant_a.pk):
        erase_person(lead_with_history)
        call, appointment = Call.objects.get(), Appointment.objects.get()
    assert (call.lead_id, call.transcript, call.summary) == (None, [], "")
    assert (appointment.lead_id, appointment.notes) == (None, "")


def test_timeline_holds_every_rooms_entries_newest_first(tenant_a, lead_with_history):
    with tenant_scope(tenant_a.pk):
        entries = timeline(lead_with_history)
    assert {e["kind"] for e in entries} == {"note", "created", "call", "appointment"}
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    assert entries[-1]["kind"] == "created"


def test_answered_calls_and_bookings_count_in_the_score(tenant_a, lead_with_history):
    with tenant_scope(tenant_a.pk):
        scoring.apply_scores([lead_with_history])
    engagement = [p["detail"] for p in lead_with_history.score_explanation if p["rule"] == "engagement"]
    assert engagement == ["1 answered call", "booked an appointment"]


def test_counts_of_the_same_name_from_several_receivers_add_up(tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    CallFactory(tenant=tenant_a, lead=lead)

    def more_calls(sender, lead_ids, **kwargs):
        return {lead.pk: {"answered_calls": 1}}

    engagement_requested.connect(more_calls, dispatch_uid="tests.more_calls")
    try:
        with tenant_scope(tenant_a.pk):
            assert scoring.engagement_for([lead.pk]) == {lead.pk: {"answered_calls": 2}}
    finally:
        engagement_requested.disconnect(dispatch_uid="tests.more_calls")


def _recorded_import(campaign=None, dry_run=False) -> LeadImport:
    options = {"tags": [campaign_tag_name(campaign)], "campaign_id": campaign.pk} if campaign else {}
    lead_import = LeadImport(original_name="upload.csv", options=options, dry_run=dry_run)
    lead_import.file.save("upload.csv", ContentFile(b"Phone\n3055550123\n"), save=False)
    lead_import.save()
    return lead_import


def test_a_finished_import_is_announced_once_and_a_dry_run_is_not(tenant_a):
    heard = []

    def listen(sender, lead_import, **kwargs):
        heard.append((lead_import.pk, lead_import.status))

    import_finished.connect(listen, dispatch_uid="tests.import_finished")
    try:
        with tenant_scope(tenant_a.pk):
            checked = run_import(_recorded_import(dry_run=True))
            done = run_import(_recorded_import())
            run_import(done)  # a duplicate task delivery
    finally:
        import_finished.disconnect(dispatch_uid="tests.import_finished")
    assert checked.status == "done"
    assert heard == [(done.pk, "done")]


def test_an_upload_for_a_draft_campaign_becomes_its_audience(tenant_a):
    campaign = CampaignFactory(tenant=tenant_a)
    with tenant_scope(tenant_a.pk):
        run_import(_recorded_import(campaign))
        audience = Campaign.objects.get(pk=campaign.pk).audience
    assert audience["kind"] == "filter" and len(audience["tags"]) == 1
