"""Demo campaigns for seed_demo: drafts a manager can preview and start, a running second try that a
follow-up rule feeds, and, for the gym, a standing speed-to-lead campaign that calls new leads as they
arrive (on the simulator)."""

from campaigns.models import Campaign, FollowUpRule
from campaigns.services import start
from leads.models import Vehicle
from voice.models import Purpose, Script, VoiceAgent

from . import history


def _script(purpose):
    return Script.objects.filter(purpose=purpose, is_active=True).order_by("-version").first()


def seed(tenant, stdout) -> None:
    if Campaign.objects.exists():
        return
    agent = VoiceAgent.objects.filter(account__provider="simulator").first()
    if agent is None:
        return
    if tenant.vertical == "gym":
        follow_up = _script(Purpose.LEAD_FOLLOWUP)
        first = Campaign.objects.create(
            name="New and contacted leads: book a tour",
            agent=agent,
            script=follow_up,
            audience={"kind": "filter", "stages": ["new", "contacted"]},
            max_concurrent=5,
        )
        second = Campaign.objects.create(
            name="Second try after voicemail",
            agent=agent,
            script=follow_up,
            audience={"kind": "follow_ups"},
            max_attempts=1,
        )
        FollowUpRule.objects.create(
            source_campaign=first, target_campaign=second, outcomes=["voicemail", "callback_requested"]
        )
        start(second)  # standing: it takes the voicemails and callbacks of the first as they come
        speed = Campaign.objects.create(
            name="Speed to lead: new leads within 5 minutes",
            agent=agent,
            script=follow_up,
            audience={"kind": "speed_to_lead", "within_minutes": 5},
        )
        start(speed)  # standing: it calls each new lead nobody reached within five minutes
    else:
        service = _script(Purpose.SERVICE_REMINDER)
        Campaign.objects.create(
            name="Service due in the next 30 days",
            agent=agent,
            script=service,
            audience={"kind": "service_due", "within_days": 30},
        )
        recall = _script(Purpose.RECALL) or service
        vins = list(Vehicle.objects.order_by("pk").values_list("vin", flat=True)[:12])
        Campaign.objects.create(
            name="Recall 26V-114: airbag inflator",
            agent=agent,
            script=recall,
            audience={"kind": "recall", "vins": vins},
        )
    calls = history.seed(tenant)
    stdout.write(f"  {tenant.name}: {Campaign.objects.count()} campaigns, {calls} past calls")
