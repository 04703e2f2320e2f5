"""Cache invalidation: a call that ended (or changed after it ended: its analysis came, a person
resolved it) makes the tenant's cached reports stale. Bumped after the commit (tenants.versioning)."""

from django.db.models.signals import post_save

from tenants import versioning

from .models import FINAL_STATUSES, Call


def _call_saved(sender, instance, **kwargs):
    if instance.status in FINAL_STATUSES:
        versioning.bump_on_commit(instance.tenant_id)


def connect() -> None:
    post_save.connect(_call_saved, sender=Call, dispatch_uid="calls-analytics-version")
