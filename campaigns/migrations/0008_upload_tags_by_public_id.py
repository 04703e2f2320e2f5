"""The tag a campaign's uploaded leads carry was named after the campaign's key ("campaign-12"); it is
named after its public id now (campaigns.services.campaign_tag_name), so no tag counts anyone's campaigns."""

from django.db import migrations

from core import public_ids


def rename(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Tag = apps.get_model("leads", "Tag")
    for campaign_id, tenant_id in Campaign.all_tenants.values_list("pk", "tenant_id"):
        new = f"campaign-{public_ids.encode('campaigns.campaign', campaign_id)[:8]}"
        Tag.all_tenants.filter(tenant_id=tenant_id, name=f"campaign-{campaign_id}").update(name=new)


def rename_back(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Tag = apps.get_model("leads", "Tag")
    for campaign_id, tenant_id in Campaign.all_tenants.values_list("pk", "tenant_id"):
        new = f"campaign-{public_ids.encode('campaigns.campaign', campaign_id)[:8]}"
        Tag.all_tenants.filter(tenant_id=tenant_id, name=new).update(name=f"campaign-{campaign_id}")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0007_resumed_at"), ("leads", "0009_import_alive_at")]
    operations = [migrations.RunPython(rename, rename_back)]
