"""What the appointments room does on other rooms' events.

- voice asks for prompt variables (free slots, the upcoming appointment) and for the simulator's agreed
  time; calls announces an ended call, and an agreed time is booked once per call (appointments.call_hooks).
- Any change to an appointment makes the tenant's cached reports stale (the status moves of ``services``
  are compare-and-swap updates, so they bump too; see ``services``).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from calls.signals import call_ended
from tenants import versioning
from voice.signals import prompt_variables_requested, simulated_slot_requested

from . import call_hooks
from .models import Appointment


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


@receiver([post_save, post_delete], sender=Appointment, dispatch_uid="appointments.analytics_version")
def _appointment_changed(sender, instance, **kwargs):
    versioning.bump_on_commit(instance.tenant_id)
