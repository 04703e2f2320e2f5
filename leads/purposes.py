"""What a call (and so a consent) is for. Consent is given per purpose (leads.Consent.purposes), and a
script names the purpose of its calls (voice.Script.purpose): both read this one list."""

from django.db import models


class Purpose(models.TextChoices):
    LEAD_FOLLOWUP = "lead_followup", "Lead follow-up"
    TRIAL_BOOKING = "trial_booking", "Tour / trial booking"
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
    SERVICE_REMINDER = "service_reminder", "Service reminder"
    RECALL = "recall", "Recall notice"
    WIN_BACK = "win_back", "Win-back"
    CUSTOM = "custom", "Custom"


# Marketing and sales calls need prior express *written* consent; informational calls need prior
# express consent (docs/compliance.md#consent).
MARKETING_PURPOSES = {Purpose.LEAD_FOLLOWUP, Purpose.TRIAL_BOOKING, Purpose.WIN_BACK}
