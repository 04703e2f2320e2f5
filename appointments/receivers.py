"""What the appointments room does on other rooms' events.

- voice asks for prompt variables (free slots, the upcoming appointment) and for the simulator's agreed
  time; calls announces an ended call, and an agreed time is booked once per call (appointments.call_hooks).
- Any change to an appointment makes the tenant's cached reports stale (the status moves of ``services``
  are compare-and-swap updates, so they bump too; see ``services``).
- A member who leaves the tenant (membership deactivated or removed) takes their calendar feeds with them
  (appointments.feed_access).
- leads asks for a lead's appointments (timeline, score, export, erasure: appointments.lead_hooks) and
  for the lead list's ``upcoming_appointment`` condition.
"""

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from calls.signals import call_ended
from core import versioning
from leads import signals as lead_signals
from tenants.models import Membership
from voice.signals import prompt_variables_requested, simulated_slot_requested

from . import call_hooks, feed_access, lead_hooks
from .models import ACTIVE_STATUSES, Appointment


@receiver(prompt_variables_requested, dispatch_uid="appointments.prompt_variables")
def _prompt_variables(sender, lead, script, **kwargs):
    return call_hooks.prompt_variables(lead, script)


@receiver(simulated_slot_requested, dispatch_uid="appointments.simulated_slot")
def _simulated_slot(sender, request, **kwargs):
    return call_hooks.simulator_slots(request)


@receiver(call_ended, dispatch_uid="appointments.book_from_call")
def _book_from_call(sender, call, once, **kwargs):
    if once("appointments"):
        call_hooks.book_from_call(call)


@receiver(post_save, sender=Membership, dispatch_uid="appointments.feeds_of_a_deactivated_member")
def _member_deactivated(sender, instance, **kwargs):
    if not instance.is_active:
        feed_access.revoke_for_member(instance.tenant_id, instance.user_id)


@receiver(post_delete, sender=Membership, dispatch_uid="appointments.feeds_of_a_removed_member")
def _member_removed(sender, instance, **kwargs):
    feed_access.revoke_for_member(instance.tenant_id, instance.user_id)


@receiver([post_save, post_delete], sender=Appointment, dispatch_uid="appointments.analytics_version")
def _appointment_changed(sender, instance, **kwargs):
    versioning.bump_on_commit(instance.tenant_id)


# Receivers of leads' signals: the appointments on a lead's timeline, bookings and visits for its
# score, its appointments in a data export, and the appointments scrubbed when the person is erased
# (appointments.lead_hooks).
@receiver(lead_signals.timeline_requested, dispatch_uid="appointments.lead_timeline")
def lead_timeline(sender, lead, **kwargs):
    return lead_hooks.timeline_entries(lead)


@receiver(lead_signals.engagement_requested, dispatch_uid="appointments.lead_engagement")
def lead_engagement(sender, lead_ids, **kwargs):
    return lead_hooks.engagement(lead_ids)


@receiver(lead_signals.relationship_requested, dispatch_uid="appointments.lead_relationship")
def lead_relationship(sender, lead_ids, since, **kwargs):
    return lead_hooks.relationship_events(lead_ids, since)


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
