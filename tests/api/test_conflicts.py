"""Refusals of the database are answered as what they mean: a duplicate is a 400 on its field, a row still
in use is a 409 naming what uses it, and nothing the request did stays half-done."""

import pytest

from core.public_ids import of as pid
from tenants.scoping import tenant_scope
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    FollowUpRuleFactory,
    LeadFactory,
    ProviderAccountFactory,
    ScriptFactory,
    TagFactory,
    VehicleFactory,
    VoiceAgentFactory,
)

pytestmark = pytest.mark.django_db


def test_a_duplicate_tag_name_is_a_400_on_name(owner, tenant_a):
    TagFactory(tenant=tenant_a, name="VIP")
    response = owner.post("/api/v1/tags/", {"name": "vip"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["name"]


def test_a_duplicate_branch_name_is_a_400_on_name(owner, tenant_a):
    BranchFactory(tenant=tenant_a, name="Downtown")
    response = owner.post("/api/v1/branches/", {"name": "Downtown", "time_zone": "UTC"}, format="json")
    assert response.status_code == 400, response.content
    assert "already exists" in response.json()["fields"]["name"][0]


def test_the_same_name_in_another_tenant_is_fine(owner, tenant_b):
    TagFactory(tenant=tenant_b, name="VIP")
    assert owner.post("/api/v1/tags/", {"name": "VIP"}, format="json").status_code == 201


def test_a_duplicate_vin_is_a_400_on_vin(owner, tenant_a):
    vehicle = VehicleFactory(tenant=tenant_a)
    lead = LeadFactory(tenant=tenant_a)
    response = owner.post("/api/v1/vehicles/", {"lead": pid(lead), "vin": vehicle.vin}, format="json")
    assert response.status_code == 400, response.content
    assert "vin" in response.json()["fields"]


@pytest.mark.parametrize(
    "path,make_row,make_user",
    [
        ("branches", BranchFactory, lambda tenant, row: LeadFactory(tenant=tenant, branch=row)),
        ("voice/accounts", ProviderAccountFactory, lambda tenant, row: VoiceAgentFactory(tenant=tenant, account=row)),
        ("voice/agents", VoiceAgentFactory, lambda tenant, row: CampaignFactory(tenant=tenant, agent=row)),
        ("voice/scripts", ScriptFactory, lambda tenant, row: CampaignFactory(tenant=tenant, script=row)),
    ],
    ids=["branch", "provider-account", "agent", "script"],
)
def test_deleting_a_row_still_in_use_is_a_409_naming_what_uses_it(owner, tenant_a, path, make_row, make_user):
    row = make_row(tenant=tenant_a)
    make_user(tenant_a, row)
    if path == "branches":  # appointments protect a branch; leads only lose it
        from tests.factories import AppointmentFactory

        AppointmentFactory(tenant=tenant_a, branch=row)
    response = owner.delete(f"/api/v1/{path}/{pid(row)}/")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "in_use"
    assert body["used_by"] and all(count >= 1 for count in body["used_by"].values())
    assert "still used by" in body["message"]
    with tenant_scope(tenant_a.pk):
        assert type(row).objects.filter(pk=row.pk).exists(), "nothing was deleted"


def test_a_campaign_that_feeds_a_follow_up_rule_can_be_deleted(owner, tenant_a):
    source = CampaignFactory(tenant=tenant_a)
    target = CampaignFactory(tenant=tenant_a, agent=source.agent, script=source.script)
    rule = FollowUpRuleFactory(tenant=tenant_a, source_campaign=source, target_campaign=target)
    response = owner.delete(f"/api/v1/campaigns/{pid(source)}/")
    assert response.status_code == 204, response.content
    with tenant_scope(tenant_a.pk):
        assert not type(rule).objects.filter(pk=rule.pk).exists()
        assert type(target).objects.filter(pk=target.pk).exists()


def test_a_refused_write_leaves_nothing_behind(owner, tenant_a):
    """A lead whose tags are created before its duplicate phone is refused: the tags go too."""
    LeadFactory(tenant=tenant_a, phone="+13055550111")
    response = owner.post(
        "/api/v1/leads/", {"first_name": "Dup", "phone": "+13055550111", "tags": ["brand-new-tag"]}, format="json"
    )
    assert response.status_code == 409, response.content
    with tenant_scope(tenant_a.pk):
        from leads.models import Tag

        assert not Tag.objects.filter(name="brand-new-tag").exists()
