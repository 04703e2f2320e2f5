"""Consent is captured where a lead comes in (issue 19, finding 4): the add form records how they agreed and for
which calls, as evidence; a lead that will not be called says why in plain words, on adding and on its page."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from core.public_ids import of as pid
from leads.models import Consent, Lead
from tenants.models import Role
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.factories import DoNotCallFactory

WALK_IN = {"first_name": "Dana", "phone": "305 555 0177", "stage": "new", "source": "walk_in", "custom_fields": "{}"}
AT_THE_DESK = {
    "consent_source": "paper",
    "consent_purposes": ["lead_followup", "appointment_reminder"],
    "consent_source_detail": "Front desk sign-up sheet",
    "consent_disclosure_version": "desk form v2",
}


@pytest.fixture
def desk(tenant_a):
    client = Client()
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    return client


def _page(client, lead) -> str:
    return client.get(reverse("admin:leads_lead_change", args=[pid(lead)])).content.decode()


def test_the_add_form_records_the_consent_given_at_the_desk(desk, tenant_a):
    response = desk.post(reverse("admin:leads_lead_add"), {**WALK_IN, **AT_THE_DESK})
    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_scope(tenant_a.pk):
        lead = Lead.objects.get()
        consent = Consent.objects.get(lead=lead)
    assert (consent.kind, consent.source, consent.phone) == ("express_written", "paper", "+13055550177")
    assert consent.purposes == ["lead_followup", "appointment_reminder"]
    assert (consent.source_detail, consent.disclosure_version) == ("Front desk sign-up sheet", "desk form v2")
    assert consent.recorded_by.username == "maria"
    assert not [m for m in get_messages(response.wsgi_request) if "will not be called" in str(m)]
    assert "May be called for: Lead follow-up, Appointment reminder" in _page(desk, lead)


def test_a_lead_added_without_consent_is_told_it_will_not_be_called(desk, tenant_a):
    response = desk.post(reverse("admin:leads_lead_add"), WALK_IN, follow=True)
    assert "Dana will not be called by the AI. Not called: no consent to be called is recorded." in (
        response.content.decode()
    )
    with tenant_scope(tenant_a.pk):
        lead = Lead.objects.get()
        assert not Consent.objects.exists()
    assert "Not called: no consent to be called is recorded. Add one under Consents" in _page(desk, lead)


def test_spoken_consent_does_not_cover_sales_calls(desk, tenant_a):
    spoken = {**AT_THE_DESK, "consent_source": "call"}
    response = desk.post(reverse("admin:leads_lead_add"), {**WALK_IN, **spoken})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "marketing calls need written consent" in str(errors["consent_purposes"])
    assert not Lead.all_tenants.exists()


def test_consent_needs_its_evidence(desk):
    response = desk.post(reverse("admin:leads_lead_add"), {**WALK_IN, "consent_source": "form"})
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"consent_purposes", "consent_disclosure_version"}
    assert not Lead.all_tenants.exists()


def test_a_number_on_the_do_not_call_list_says_so(desk, tenant_a):
    DoNotCallFactory(tenant=tenant_a, phone="+13055550177")
    desk.post(reverse("admin:leads_lead_add"), {**WALK_IN, **AT_THE_DESK})
    lead = Lead.all_tenants.get()
    assert "Never called: this number is on the do-not-call list" in _page(desk, lead)


def test_the_form_names_stages_as_the_list_does(desk, tenant_a):
    from leads.models import PipelineSettings

    with tenant_scope(tenant_a.pk):
        PipelineSettings.objects.create(stage_labels={"booked": "Tour booked"})
    form = desk.get(reverse("admin:leads_lead_add")).context["adminform"].form
    assert ("booked", "Tour booked") in form.fields["stage"].choices
