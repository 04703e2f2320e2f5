"""Demo voice setup for seed_demo: the simulator account and agent, and scripts for the tenant's vertical."""

from voice import disclosures
from voice.models import Purpose, Script
from voice.services import ensure_simulator

OPENING = disclosures.DEFAULT_OPENING
SCRIPTS = {
    "gym": [
        (
            "New lead follow-up",
            Purpose.LEAD_FOLLOWUP,
            "Thank {lead_first_name} for their interest in {lead_interest}. Offer a free tour or trial class at "
            "{branch_name} ({branch_hours}). Free slots: {free_slots}. Use only these facts: {knowledge}",
            ["appointment_time", "interest", "callback_time", "opt_out"],
        ),
        (
            "Trial booking",
            Purpose.TRIAL_BOOKING,
            "Help {lead_first_name} book a trial class. Free slots: {free_slots}. Facts: {knowledge}",
            ["appointment_time", "callback_time", "opt_out"],
        ),
        (
            "Appointment reminder",
            Purpose.APPOINTMENT_REMINDER,
            "Remind {lead_first_name} of {upcoming_appointment} and confirm they are coming.",
            ["callback_time", "opt_out"],
        ),
        (
            "Win-back",
            Purpose.WIN_BACK,
            "Invite {lead_first_name} back to {tenant_name} with the current offer. Facts: {knowledge}",
            ["appointment_time", "opt_out"],
        ),
    ],
    "dealership": [
        (
            "Service reminder",
            Purpose.SERVICE_REMINDER,
            "Tell {lead_first_name} their {vehicle} is due for service around {vehicle_next_service_due}. Offer a "
            "slot: {free_slots}. Facts: {knowledge}",
            ["appointment_time", "callback_time", "opt_out"],
        ),
        (
            "Recall notice",
            Purpose.RECALL,
            "Tell {lead_first_name} there is an open recall on their {vehicle} (VIN ending {vehicle_vin_last6}); the "
            "fix is free. Offer a slot: {free_slots}.",
            ["appointment_time", "callback_time", "opt_out"],
        ),
        (
            "Sales follow-up",
            Purpose.LEAD_FOLLOWUP,
            "Follow up on {lead_first_name}'s interest in {lead_interest}; offer a test drive. Free slots: "
            "{free_slots}. Facts: {knowledge}",
            ["appointment_time", "interest", "callback_time", "opt_out"],
        ),
        (
            "Appointment reminder",
            Purpose.APPOINTMENT_REMINDER,
            "Remind {lead_first_name} of {upcoming_appointment} and confirm they are coming.",
            ["callback_time", "opt_out"],
        ),
    ],
}


def seed(tenant, stdout) -> None:
    ensure_simulator(tenant)
    for name, purpose, prompt, collect in SCRIPTS[tenant.vertical]:
        Script.objects.get_or_create(
            name=name,
            defaults={"purpose": purpose, "opening_line": OPENING, "prompt_template": prompt, "collect": collect},
        )
