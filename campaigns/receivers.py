"""What the campaigns room does on other rooms' events: a dialled call's target is dialing; an ended call
completes or reschedules its target (once per call); a no-show enrols the lead in the no-show follow-ups;
an import uploaded for a campaign adds its leads to the campaign."""

from django.dispatch import receiver

from appointments.signals import no_show_recorded
from calls.signals import call_dialed, call_ended
from leads import signals as lead_signals

from . import services


@receiver(call_dialed, dispatch_uid="campaigns.mark_dialing")
def _mark_dialing(sender, call, **kwargs):
    services.mark_dialing(call)


@receiver(call_ended, dispatch_uid="campaigns.record_outcome")
def _record_outcome(sender, call, once, **kwargs):
    if once("campaign"):
        services.record_outcome(call)


@receiver(no_show_recorded, dispatch_uid="campaigns.enrol_no_show")
def _enrol_no_show(sender, lead_id, **kwargs):
    services.enrol_no_show(lead_id)


# Receivers of leads' signals: an import uploaded for a campaign adds its leads to the campaign.
@receiver(lead_signals.import_finished, dispatch_uid="campaigns.uploaded_leads")
def uploaded_leads(sender, lead_import, **kwargs):
    services.add_uploaded_leads(lead_import)
