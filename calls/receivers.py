"""The calls room's receivers of other rooms' signals."""

from django.dispatch import receiver

from leads import signals as lead_signals

from . import lead_hooks

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
def lead_erasure(sender, lead, **kwargs):
    lead_hooks.erase_calls(lead)
