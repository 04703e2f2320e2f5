"""What the leads room does when its own models change: a renamed pipeline (stage labels saved, or
deleted back to the vertical's) makes the tenant's cached reports stale, so the dashboard's funnel
shows the new names at once (core.versioning, after the commit); a recorded stage change moves
the lead's furthest funnel step (leads.funnel)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import versioning

from . import funnel
from .models import PipelineSettings, StageChange


@receiver(post_save, sender=PipelineSettings, dispatch_uid="leads.pipeline_renamed")
@receiver(post_delete, sender=PipelineSettings, dispatch_uid="leads.pipeline_reset")
def pipeline_changed(sender, instance, **kwargs):
    versioning.bump_on_commit(instance.tenant_id)


@receiver(post_save, sender=StageChange, dispatch_uid="leads.funnel_step")
def stage_changed(sender, instance, created, **kwargs):
    if created:
        funnel.record_step(instance)
