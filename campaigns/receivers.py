"""The campaigns room's receivers of other rooms' signals."""

from django.dispatch import receiver

from leads import signals as lead_signals

from . import services

# Receivers of leads' signals: an import uploaded for a campaign adds its leads to the campaign.


@receiver(lead_signals.import_finished, dispatch_uid="campaigns.uploaded_leads")
def uploaded_leads(sender, lead_import, **kwargs):
    services.add_uploaded_leads(lead_import)
