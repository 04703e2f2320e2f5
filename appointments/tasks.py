"""Celery tasks of the appointments room (beat), thin doors into reminders and services."""

from celery import shared_task
from django.utils import timezone

from tenants.db import tenant_ids
from tenants.scoping import tenant_scope


@shared_task(acks_late=True)
def send_due_reminders() -> dict:
    """Beat, every minute: each tenant's due reminders, sent once."""
    from . import reminders

    now = timezone.now()
    report: dict = {}
    for tenant_id in reminders.tenants_with_due(now):
        with tenant_scope(tenant_id):
            for key, n in reminders.send_due(now).items():
                report[key] = report.get(key, 0) + n
    return report


@shared_task(acks_late=True)
def expire_no_shows() -> int:
    """Beat: appointments nobody marked become no-shows after the tenant's grace period."""
    from .models import ACTIVE_STATUSES, Appointment
    from .services import expire_no_shows as expire

    now = timezone.now()
    marked = 0
    for tenant_id in tenant_ids(Appointment.objects.unscoped().filter(status__in=ACTIVE_STATUSES, end__lt=now)):
        with tenant_scope(tenant_id):
            marked += expire(now)
    return marked
