"""After the pipeline is renamed (its stage labels saved, or deleted back to the vertical's): the
tenant's cached reports go stale, so the dashboard's funnel shows the new names at once
(core.versioning, after the commit)."""

from django.db.models.signals import post_delete, post_save

from core import versioning

from .models import PipelineSettings


def _pipeline_changed(sender, instance, **kwargs):
    versioning.bump_on_commit(instance.tenant_id)


def connect() -> None:
    post_save.connect(_pipeline_changed, sender=PipelineSettings, dispatch_uid="leads-pipeline-renamed")
    post_delete.connect(_pipeline_changed, sender=PipelineSettings, dispatch_uid="leads-pipeline-reset")
