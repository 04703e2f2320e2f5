"""The appointments room's receivers of other rooms' signals."""

from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils import timezone

from leads import signals as lead_signals

from . import lead_hooks
from .models import ACTIVE_STATUSES, Appointment

# Receivers of leads' signals: the appointments on a lead's timeline, bookings and visits for its
# score, its appointments in a data export, and the appointments scrubbed when the person is erased
# (appointments.lead_hooks).


@receiver(lead_signals.timeline_requested, dispatch_uid="appointments.lead_timeline")
def lead_timeline(sender, lead, **kwargs):
    return lead_hooks.timeline_entries(lead)


@receiver(lead_signals.engagement_requested, dispatch_uid="appointments.lead_engagement")
def lead_engagement(sender, lead_ids, **kwargs):
    return lead_hooks.engagement(lead_ids)


@receiver(lead_signals.lead_exporting, dispatch_uid="appointments.lead_export")
def lead_export(sender, lead, **kwargs):
    return {"appointments": lead_hooks.export_appointments(lead)}


@receiver(lead_signals.lead_erasing, dispatch_uid="appointments.lead_erasure")
def lead_erasure(sender, lead, **kwargs):
    lead_hooks.erase_appointments(lead)


@receiver(lead_signals.lead_condition_requested, dispatch_uid="appointments.lead_condition")
def lead_condition(sender, name, **kwargs):
    """``upcoming_appointment``: the lead holds a booking still to come (the lead list's filter)."""
    if name != "upcoming_appointment":
        return None
    return Exists(
        Appointment.all_tenants.filter(lead_id=OuterRef("pk"), start__gte=timezone.now(), status__in=ACTIVE_STATUSES)
    )
