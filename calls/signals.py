"""After a call changes: the tenant's cached reports go stale when it ended (or changed after it
ended: its analysis came, a person resolved it), and the day rollups of its days whenever it was
dialled. Both after the commit (core.versioning, calls.rollups)."""

from django.db.models.signals import post_delete, post_save

from core import versioning

from . import rollups
from .models import FINAL_STATUSES, Call


def _call_saved(sender, instance, **kwargs):
    if instance.dialed_at is not None:
        rollups.mark_changed(instance.tenant_id, instance.dialed_at, instance.ended_at)
    if instance.status in FINAL_STATUSES:
        versioning.bump_on_commit(instance.tenant_id)


def _call_deleted(sender, instance, **kwargs):
    if instance.dialed_at is not None:
        rollups.mark_changed(instance.tenant_id, instance.dialed_at, instance.ended_at)
        versioning.bump_on_commit(instance.tenant_id)


def connect() -> None:
    post_save.connect(_call_saved, sender=Call, dispatch_uid="calls-analytics-version")
    post_delete.connect(_call_deleted, sender=Call, dispatch_uid="calls-analytics-deleted")
