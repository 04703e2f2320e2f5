"""Cache invalidation: any change to an appointment makes the tenant's cached reports stale (the
status moves of ``services`` are compare-and-swap updates, so they bump too; see ``services``)."""

from django.db.models.signals import post_delete, post_save

from core import versioning

from .models import Appointment


def _appointment_changed(sender, instance, **kwargs):
    versioning.bump_on_commit(instance.tenant_id)


def connect() -> None:
    post_save.connect(_appointment_changed, sender=Appointment, dispatch_uid="appointments-analytics-version")
    post_delete.connect(_appointment_changed, sender=Appointment, dispatch_uid="appointments-analytics-version-del")
