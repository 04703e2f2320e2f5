"""campaigns 0008: a campaign's upload tag named after its key is renamed after its public id."""

import importlib

import pytest
from django.apps import apps

from campaigns.services import campaign_tag_name
from leads.models import Tag
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("campaigns.migrations.0008_upload_tags_by_public_id")


def test_old_upload_tags_take_the_public_name_and_others_stay(tenant_a, tenant_b):
    campaign = CampaignFactory(tenant=tenant_a)
    old = Tag.all_tenants.create(tenant=tenant_a, name=f"campaign-{campaign.pk}")
    elsewhere = Tag.all_tenants.create(tenant=tenant_b, name=f"campaign-{campaign.pk}")  # not this campaign's
    mine = Tag.all_tenants.create(tenant=tenant_a, name="vip")
    migration.rename(apps, None)
    assert Tag.all_tenants.get(pk=old.pk).name == campaign_tag_name(campaign)
    assert Tag.all_tenants.get(pk=elsewhere.pk).name == f"campaign-{campaign.pk}"
    assert Tag.all_tenants.get(pk=mine.pk).name == "vip"
    migration.rename_back(apps, None)
    assert Tag.all_tenants.get(pk=old.pk).name == f"campaign-{campaign.pk}"
