"""Structured JSON (settings, consent purposes, custom fields, import options, audiences) is checked
against its declared shape at every door (API, admin, import): a bad value is a 400 with the path of
the problem, and one bad PATCH can never break a tenant."""

import io

import pytest
from django.urls import reverse

from core import public_ids
from core.public_ids import of as pid
from leads.importing import ImportOptions, import_csv
from leads.models import Lead, PipelineSettings
from tenants.models import Branch
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.factories import LeadFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body,path",
    [
        ({"scoring_rules": "all"}, "scoring_rules"),
        ({"scoring_rules": {"base": "ten"}}, "scoring_rules.base"),
        ({"scoring_rules": {"recency": [[1, 20], [7]]}}, "scoring_rules.recency.1"),
        ({"scoring_rules": {"colour": 1}}, "scoring_rules.colour"),
        ({"stage_labels": {"new": 5}}, "stage_labels.new"),
        ({"stage_labels": {"nope": "Nope"}}, "stage_labels.nope"),
    ],
)
def test_bad_pipeline_settings_are_a_400_at_their_path_and_leads_still_work(owner, tenant_a, body, path):
    response = owner.patch("/api/v1/leads/settings/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [path]
    created = owner.post("/api/v1/leads/", {"first_name": "Still", "phone": "+13055550199"}, format="json")
    assert created.status_code == 201, created.content


def test_good_pipeline_settings_are_kept_and_used(owner, tenant_a):
    body = {"stage_labels": {"won": "Member"}, "scoring_rules": {"base": 20, "recency": [[3, 10]]}}
    assert owner.patch("/api/v1/leads/settings/", body, format="json").status_code == 200
    lead = owner.post("/api/v1/leads/", {"first_name": "Scored", "phone": "+13055550198"}, format="json").json()
    assert any(part["rule"] == "base" and part["points"] == 20 for part in lead["score_explanation"])


def test_the_admin_refuses_the_same_bad_settings(client, tenant_a):
    client.force_login(member(tenant_a, "owner", "alice"))
    with tenant_scope(tenant_a.pk):
        settings = PipelineSettings.objects.create()
    url = reverse("admin:leads_pipelinesettings_change", args=[settings.pk])
    response = client.post(url, {"stage_labels": '{"new": 5}', "scoring_rules": '"all"'})
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert "New: Enter text." in errors["stage_labels"][0]
    assert "Enter an object." in errors["scoring_rules"][0]
    settings.refresh_from_db()
    assert settings.stage_labels == {} and settings.scoring_rules == {}


@pytest.mark.parametrize(
    "purposes,path", [(5, "purposes"), (["bogus"], "purposes.0"), (["recall", "recall"], "purposes")]
)
def test_consent_purposes_must_be_known_purposes(owner, tenant_a, purposes, path):
    lead = LeadFactory(tenant=tenant_a)
    body = {"kind": "express_written", "source": "form", "purposes": purposes}
    response = owner.post(f"/api/v1/leads/{pid(lead)}/consents/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [path]


def test_custom_fields_are_checked_on_the_api(owner, tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    response = owner.patch(f"/api/v1/leads/{pid(lead)}/", {"custom_fields": {"plan": {"nested": 1}}}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["custom_fields.plan"]


def test_the_importer_keeps_only_custom_fields_of_the_right_shape_and_says_so(tenant_a):
    data = ("first_name,phone,membership,notes_from_old_crm\nAna,+13055550123,gold," + "x" * 3000 + "\n").encode()
    with tenant_scope(tenant_a.pk):
        report = import_csv(io.BytesIO(data), ImportOptions())
        lead = Lead.objects.get()
    assert report.created == 1 and report.warnings == 1
    assert report.first_errors[0]["column"] == "notes_from_old_crm"
    assert lead.custom_fields == {"membership": "gold"}


@pytest.mark.parametrize("mapping", ["true", "[1, 2]", '{"Phone": "no_such_field"}'])
def test_an_import_mapping_that_is_not_a_mapping_of_fields_is_a_400(owner, mapping):
    upload = io.BytesIO(b"first_name,phone\nAna,+13055550123\n")
    upload.name = "leads.csv"
    response = owner.post("/api/v1/leads/imports/", {"file": upload, "mapping": mapping}, format="multipart")
    assert response.status_code == 400, response.content
    assert any(name.startswith("mapping") for name in response.json()["fields"])


def test_an_audience_naming_another_tenants_rows_is_a_400(owner, tenant_a, tenant_b):
    from tests.factories import ScriptFactory, VoiceAgentFactory

    foreign_tag, own_tag = TagFactory(tenant=tenant_b), TagFactory(tenant=tenant_a)
    body = {
        "name": "Tagged",
        "agent": pid(VoiceAgentFactory(tenant=tenant_a)),
        "script": pid(ScriptFactory(tenant=tenant_a)),
        "audience": {
            "kind": "filter",
            "tags": [pid(own_tag), pid(foreign_tag)],
            "branch": public_ids.encode(Branch, 999999),
        },
    }
    response = owner.post("/api/v1/campaigns/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {"audience.tags.1": ["No such tag."], "audience.branch": ["No such branch."]}


def test_a_leads_created_at_is_read_only(owner, tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    before = owner.get(f"/api/v1/leads/{pid(lead)}/").json()["created_at"]
    response = owner.patch(f"/api/v1/leads/{pid(lead)}/", {"created_at": "2001-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 200
    assert response.json()["created_at"] == before
