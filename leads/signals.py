"""After the pipeline is renamed (its stage labels): the tenant's cached reports go stale, so the
dashboard's funnel shows the new names at once (tenants.versioning, after the commit)."""

from django.db.models.signals import post_save

from tenants import versioning

from .models import PipelineSettings


def _pipeline_saved(sender, instance, **kwargs):
    versioning.bump_on_commit(instance.tenant_id)


def connect() -> None:
    post_save.connect(_pipeline_saved, sender=PipelineSettings, dispatch_uid="leads-pipeline-renamed")
