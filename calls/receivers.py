"""What the calls room does on other rooms' events.

- A provider event that passed the voice room's checks is stored once and applied (calls.services).
- After a call changes: the tenant's cached reports go stale when it ended (or changed after it ended:
  its analysis came, a person resolved it), and the day rollups of its days whenever it was dialled.
  Both after the commit (core.versioning, calls.rollups).
- A saved or deleted calling policy is forgotten at once in this process (calls.compliance).
- leads asks for a lead's calls (timeline, score, export, erasure: calls.lead_hooks).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import versioning
from leads import signals as lead_signals
from voice.signals import provider_event_received

from . import compliance, lead_hooks, rollups, services
from .models import FINAL_STATUSES, Call, CallingPolicy


@receiver(provider_event_received, dispatch_uid="calls.record_event")
def _record_event(sender, account, event, **kwargs):
    return services.record_event(event, account)


@receiver(post_save, sender=Call, dispatch_uid="calls.call_saved")
def _call_saved(sender, instance, **kwargs):
    if instance.dialed_at is not None:
        rollups.mark_changed(instance.tenant_id, instance.dialed_at, instance.ended_at)
    if instance.status in FINAL_STATUSES:
        versioning.bump_on_commit(instance.tenant_id)


@receiver(post_delete, sender=Call, dispatch_uid="calls.call_deleted")
def _call_deleted(sender, instance, **kwargs):
    if instance.dialed_at is not None:
        rollups.mark_changed(instance.tenant_id, instance.dialed_at, instance.ended_at)
        versioning.bump_on_commit(instance.tenant_id)


@receiver([post_save, post_delete], sender=CallingPolicy, dispatch_uid="calls.forget_policy")
def _forget_policy(sender, instance, **kwargs):
    compliance.forget_policy(instance.tenant_id)


# Receivers of leads' signals: the calls on a lead's timeline, answered calls for its score, its calls
# in a data export, and the calls scrubbed when the person is erased (calls.lead_hooks).
@receiver(lead_signals.timeline_requested, dispatch_uid="calls.lead_timeline")
def lead_timeline(sender, lead, **kwargs):
    return lead_hooks.timeline_entries(lead)


@receiver(lead_signals.engagement_requested, dispatch_uid="calls.lead_engagement")
def lead_engagement(sender, lead_ids, **kwargs):
    return lead_hooks.engagement(lead_ids)


@receiver(lead_signals.lead_exporting, dispatch_uid="calls.lead_export")
def lead_export(sender, lead, **kwargs):
    return {"calls": lead_hooks.export_calls(lead)}


@receiver(lead_signals.lead_erasing, dispatch_uid="calls.lead_erasure")
def lead_erasure(sender, lead, identity, **kwargs):
    lead_hooks.erase_calls(lead, identity)
