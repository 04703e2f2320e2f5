"""A structured JSON field is declared once, as a shape in its app's schemas.py: a bad value gets the same
message, at the same path, from the model's full_clean and the API (a 400 whose field map names the path); the
admin's editor says the same with the path in words ("Monday, hours 1: …"); the OpenAPI document describes the
shape."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from appointments.models import Kind
from calls.models import Outcome
from campaigns.models import AudienceKind, Campaign
from core.public_ids import of as pid
from tenants.models import Branch
from tenants.scoping import tenant_scope
from tests.factories import (
    AvailabilityRuleFactory,
    BranchFactory,
    CampaignFactory,
    FollowUpRuleFactory,
    ProviderAccountFactory,
    ScriptFactory,
)

pytestmark = pytest.mark.django_db

OUTSIDE_THE_LAW = OUTSIDE = "07:00–12:00 is outside the legal calling hours (08:00–21:00)."

NOT_A_CODE = "“ringing” is not one of: no_answer, busy, voicemail, failed."
BACKWARDS = "Opening time 19:00 must be before closing time 09:00."
# (field, bad value, path inside the value, message, what the admin's editor says)
CAMPAIGN_CASES = [
    ("retry_minutes", {"busy": [0]}, "busy.0", "Use 1 or more.", "Busy, entry 1: Use 1 or more."),
    ("retry_minutes", {"ringing": [5]}, "ringing", NOT_A_CODE, f"Ringing: {NOT_A_CODE}"),
    ("calling_windows", {"sat": [["07:00", "12:00"]]}, "sat.0", OUTSIDE_THE_LAW, f"Saturday, hours 1: {OUTSIDE}"),
    ("calling_windows", {"mon": [["19:00", "09:00"]]}, "mon.0", BACKWARDS, f"Monday, hours 1: {BACKWARDS}"),
    (
        "calling_windows",
        {"mon": [["9am", "5pm"]]},
        "mon.0",
        'Use an ["HH:MM", "HH:MM"] pair.',
        "Monday, hours 1: Give a start and an end time (HH:MM).",
    ),
]


def full_clean_messages(instance, field):
    with tenant_scope(instance.tenant_id), pytest.raises(ValidationError) as refused:
        instance.full_clean()
    return refused.value.message_dict[field]


def campaign_form(campaign, **changes):
    data = {
        "name": campaign.name,
        "agent": campaign.agent_id,
        "script": campaign.script_id,
        "audience_kind": "filter",
        "calling_windows": '{"mon": [["10:00", "18:00"]]}',
        "zone_policy": "lead",
        "max_attempts": "3",
        "retry_minutes": "{}",
        "max_concurrent": "5",
    }
    return data | changes


@pytest.mark.parametrize(
    "field,bad,path,message,in_words", CAMPAIGN_CASES, ids=[f"{c[0]}-{c[2]}" for c in CAMPAIGN_CASES]
)
def test_a_bad_campaign_setting_gets_the_same_error_at_every_door(
    client, owner, owner_a, tenant_a, field, bad, path, message, in_words
):
    import json

    campaign = CampaignFactory(tenant=tenant_a)
    expected = f"{path}: {message}"

    before = getattr(campaign, field)
    setattr(campaign, field, bad)
    assert full_clean_messages(campaign, field) == [expected]

    client.force_login(owner_a)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    page = client.post(url, campaign_form(campaign, **{field: json.dumps(bad)}))
    assert page.status_code == 200
    assert page.context["adminform"].form.errors[field] == [in_words]

    response = owner.patch(f"/api/v1/campaigns/{pid(campaign)}/", {field: bad}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {f"{field}.{path}": [message]}
    assert getattr(Campaign.all_tenants.get(pk=campaign.pk), field) == before


def test_bad_business_hours_get_the_same_error_at_every_door(client, owner, owner_a, tenant_a):
    branch = BranchFactory(tenant=tenant_a, name="North")
    bad, expected = {"mon": "all day"}, "mon: Enter a list."

    branch.business_hours = bad
    assert full_clean_messages(branch, "business_hours") == [expected]

    client.force_login(owner_a)
    url = reverse("admin:tenants_branch_change", args=[branch.pk])
    form = {"name": "North", "country": "US", "time_zone": "UTC", "business_hours": '{"mon": "all day"}'}
    page = client.post(url, form)
    errors = page.context["adminform"].form.errors["business_hours"]
    assert page.status_code == 200 and errors == ["Monday: Enter a list."]

    response = owner.patch(f"/api/v1/branches/{pid(branch)}/", {"business_hours": bad}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"business_hours.mon": ["Enter a list."]}
    assert Branch.all_tenants.get(pk=branch.pk).business_hours == {}


def test_an_audience_of_no_known_kind_gets_the_same_error_from_the_model_and_the_api(owner, tenant_a):
    campaign = CampaignFactory(tenant=tenant_a)
    message = f"“everyone” is not one of: {', '.join(AudienceKind.values)}."
    campaign.audience = {"kind": "everyone"}
    assert full_clean_messages(campaign, "audience") == [f"kind: {message}"]
    response = owner.patch(f"/api/v1/campaigns/{pid(campaign)}/", {"audience": {"kind": "everyone"}}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"audience.kind": [message]}


@pytest.mark.parametrize(
    "make,url,field,bad,path",
    [
        (lambda t: ScriptFactory(tenant=t), "voice/scripts", "collect", ["shoe_size"], "0"),
        (lambda t: ProviderAccountFactory(tenant=t), "voice/accounts", "caller_numbers", ["555"], "0"),
        (lambda t: AvailabilityRuleFactory(tenant=t), "appointments/availability-rules", "kinds", ["yoga"], "0"),
        (lambda t: FollowUpRuleFactory(tenant=t), "campaigns/follow-up-rules", "outcomes", ["maybe"], "0"),
    ],
    ids=["collect", "caller_numbers", "kinds", "outcomes"],
)
def test_lists_of_known_values_are_checked_by_the_model_and_the_api_alike(owner, tenant_a, make, url, field, bad, path):
    row = make(tenant_a)
    setattr(row, field, bad)
    (model_message,) = full_clean_messages(row, field)
    response = owner.patch(f"/api/v1/{url}/{pid(row)}/", {field: bad}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {f"{field}.{path}": [model_message.removeprefix(f"{path}: ")]}


@pytest.fixture(scope="module")
def components():
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def enum_of(components, schema) -> list:
    """An enum, inline or (as drf-spectacular names enums) behind a reference."""
    if "enum" in schema:
        return schema["enum"]
    (ref,) = [part["$ref"] for part in schema.get("allOf", [schema]) if "$ref" in part]
    return components[ref.rsplit("/", 1)[1]]["enum"]


def test_the_openapi_document_describes_each_shape(components):
    campaign = components["Campaign"]["properties"]
    assert enum_of(components, campaign["audience"]["properties"]["kind"]) == AudienceKind.values
    assert campaign["retry_minutes"]["additionalProperties"] is False
    assert set(campaign["retry_minutes"]["properties"]) == {"no_answer", "busy", "voicemail", "failed"}
    window = campaign["calling_windows"]["properties"]["mon"]["items"]
    assert window["minItems"] == window["maxItems"] == 2 and window["items"]["type"] == "string"
    assert set(components["Branch"]["properties"]["business_hours"]["properties"]) == {
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    }
    assert enum_of(components, components["AvailabilityRule"]["properties"]["kinds"]["items"]) == Kind.values
    assert enum_of(components, components["FollowUpRule"]["properties"]["outcomes"]["items"]) == Outcome.values
    assert components["ProviderAccount"]["properties"]["caller_numbers"]["items"]["pattern"].startswith("^\\+")
    assert set(components["AppointmentSettings"]["properties"]["reminder_offsets"]["properties"]) >= {"default", "tour"}
