"""Every door edits a lead through leads.services: the admin and the API give the same result for the
same edit, and read a phone in the same region (the branch's country, else the tenant's)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core import public_ids
from core.public_ids import of as pid
from leads import phones
from leads.models import Lead, StageChange
from leads.pipeline import Stage
from tenants.models import Branch
from tenants.scoping import tenant_scope
from tests.conftest import api_client
from tests.factories import BranchFactory, LeadFactory

pytestmark = pytest.mark.django_db

LONDON_NUMBER = "020 7946 0958"


@pytest.fixture
def london(tenant_a):
    return BranchFactory(tenant=tenant_a, name="London", country="GB", time_zone="Europe/London")


@pytest.fixture
def admin_client(client, owner_a):
    client.force_login(owner_a)
    return client


@pytest.fixture
def api(owner_a, tenant_a):
    return api_client(owner_a, tenant_a)


def admin_form(lead: Lead, **changes) -> dict:
    """The lead's change form as the browser would post it, with ``changes``."""
    values = {
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "phone": lead.phone,
        "email": lead.email,
        "stage": lead.stage,
        "lost_reason": lead.lost_reason,
        "owner": public_ids.encode(get_user_model(), lead.owner_id) if lead.owner_id else "",
        "branch": public_ids.encode(Branch, lead.branch_id) if lead.branch_id else "",
        "source": lead.source,
        "interest": lead.interest,
        "time_zone": lead.time_zone,
        "region": lead.region,
        "notes": lead.notes,
        "custom_fields": "{}",
        "next_action_at_0": "",
        "next_action_at_1": "",
    }
    for prefix in ("consents", "lead_notes"):
        values.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**values, **changes}


def admin_change(client, lead: Lead, **changes):
    return client.post(reverse("admin:leads_lead_change", args=[lead.pk]), admin_form(lead, **changes))


def saved(tenant, pk) -> Lead:
    with tenant_scope(tenant.pk):
        return Lead.objects.get(pk=pk)


# --- the region rule -------------------------------------------------------------------


def test_default_region_is_the_branchs_country_else_the_tenants(tenant_a, london):
    tenant_a.country = "CA"
    assert phones.default_region(london, tenant_a) == "GB"
    assert phones.default_region(None, tenant_a) == "CA"
    london.country = ""
    assert phones.default_region(london, tenant_a) == "CA"


def test_default_region_reads_the_tenant_in_scope(tenant_a):
    tenant_a.country = "GB"
    tenant_a.save()
    with tenant_scope(tenant_a.pk):
        assert phones.default_region() == "GB"


# --- the same edit through each door ----------------------------------------------------


def test_a_branch_abroad_reads_the_phone_the_same_in_the_admin_and_the_api(admin_client, api, tenant_a, london):
    created = api.post("/api/v1/leads/", {"phone": LONDON_NUMBER, "branch": pid(london)}, format="json")
    assert created.status_code == 201, created.json()
    from_admin = LeadFactory(tenant=tenant_a, branch=london)
    response = admin_change(admin_client, from_admin, phone="020 7946 0957")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert created.json()["phone"] == "+442079460958"
    assert saved(tenant_a, from_admin.pk).phone == "+442079460957"


def test_a_phone_changed_in_the_api_is_read_in_the_leads_branch(api, tenant_a, london):
    lead = LeadFactory(tenant=tenant_a, branch=london)
    response = api.patch(f"/api/v1/leads/{pid(lead)}/", {"phone": LONDON_NUMBER}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "+442079460958"


def test_the_same_edit_gives_the_same_lead_through_either_door(admin_client, api, tenant_a, london):
    by_admin, by_api = LeadFactory.create_batch(2, tenant=tenant_a, branch=None)
    response = admin_change(admin_client, by_admin, phone="(305) 555-0199", first_name="MARIA", branch=pid(london))
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = api.patch(
        f"/api/v1/leads/{pid(by_api)}/",
        {"phone": "(305) 555-0198", "first_name": "MARIA", "branch": pid(london)},
        format="json",
    )
    assert response.status_code == 200, response.json()
    a, b = saved(tenant_a, by_admin.pk), saved(tenant_a, by_api.pk)
    # Moved to the London branch, the number typed without a country code is read as British by both.
    assert (a.phone, b.phone) == ("+443055550199", "+443055550198")
    assert (a.first_name, a.branch_id, a.score) == (b.first_name, b.branch_id, b.score) == ("Maria", london.pk, a.score)


def test_a_stage_change_is_recorded_the_same_through_either_door(admin_client, api, tenant_a, owner_a):
    by_admin, by_api = LeadFactory.create_batch(2, tenant=tenant_a, stage=Stage.NEW)
    response = admin_change(admin_client, by_admin, stage=Stage.CONTACTED)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert api.patch(f"/api/v1/leads/{pid(by_api)}/", {"stage": "contacted"}, format="json").status_code == 200
    with tenant_scope(tenant_a.pk):
        changes = {
            change.lead_id: (change.from_stage, change.to_stage, change.changed_by_id)
            for change in StageChange.objects.filter(lead__in=[by_admin.pk, by_api.pk])
        }
        leads = {lead.pk: (lead.stage, lead.score) for lead in Lead.objects.filter(pk__in=[by_admin.pk, by_api.pk])}
    assert changes[by_admin.pk] == changes[by_api.pk] == (Stage.NEW, Stage.CONTACTED, owner_a.pk)
    assert leads[by_admin.pk] == leads[by_api.pk]


def test_a_move_the_pipeline_forbids_is_refused_by_either_door_and_nothing_is_saved(admin_client, api, tenant_a):
    by_admin, by_api = LeadFactory.create_batch(2, tenant=tenant_a, stage=Stage.WON)
    response = admin_change(admin_client, by_admin, stage=Stage.NEW, first_name="Changed")
    assert response.status_code == 200
    assert "stage" in response.context["adminform"].form.errors
    refused = api.patch(f"/api/v1/leads/{pid(by_api)}/", {"stage": "new", "first_name": "Changed"}, format="json")
    assert refused.status_code == 400 and "stage" in refused.json()["fields"]
    for lead in (by_admin, by_api):
        assert (saved(tenant_a, lead.pk).stage, saved(tenant_a, lead.pk).first_name) == (Stage.WON, lead.first_name)
    with tenant_scope(tenant_a.pk):
        assert not StageChange.objects.exists()


def test_lost_needs_a_reason_in_the_admin_as_in_the_api(admin_client, tenant_a):
    lead = LeadFactory(tenant=tenant_a, stage=Stage.CONTACTED)
    response = admin_change(admin_client, lead, stage=Stage.LOST)
    assert "lost_reason" in response.context["adminform"].form.errors
    assert admin_change(admin_client, lead, stage=Stage.LOST, lost_reason="moved away").status_code == 302
    assert (saved(tenant_a, lead.pk).stage, saved(tenant_a, lead.pk).lost_reason) == (Stage.LOST, "moved away")


def test_admin_add_refuses_a_taken_email_on_the_form(admin_client, tenant_a):
    existing = LeadFactory(tenant=tenant_a, email="ana@example.test")
    response = admin_client.post(
        reverse("admin:leads_lead_add"),
        {
            "phone": "305 555 0142",
            "email": "Ana@Example.test",
            "stage": "new",
            "source": "walk_in",
            "custom_fields": "{}",
        },
    )
    assert response.status_code == 200
    assert f"Another lead ({existing})" in str(response.context["adminform"].form.errors["email"])


def test_admin_add_records_the_lead_through_the_services(admin_client, tenant_a, london):
    response = admin_client.post(
        reverse("admin:leads_lead_add"),
        {"phone": LONDON_NUMBER, "branch": pid(london), "stage": "new", "source": "walk_in", "custom_fields": "{}"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    lead = saved(tenant_a, Lead.all_tenants.get().pk)
    assert lead.phone == "+442079460958" and lead.score > 0
