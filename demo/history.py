"""Nine weeks of past campaign calls for the demo, so the dashboard has something true to show: calls
dialled inside calling hours on the branch's days, realistic outcomes, durations and provider costs,
a few flagged for a person, and a recorded expense. Deterministic (seeded by the tenant's slug)."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from calls.models import Call, CallStatus, Outcome
from campaigns.models import Campaign, Expense
from leads.models import Lead

DAYS = 63  # the default 30-day period and the one before it, whole: the dashboard compares like with like
OUTCOME_WEIGHTS = {
    Outcome.NO_ANSWER: 28,
    Outcome.VOICEMAIL: 20,
    Outcome.ANSWERED: 18,
    Outcome.APPOINTMENT_BOOKED: 10,
    Outcome.CALLBACK_REQUESTED: 7,
    Outcome.NOT_INTERESTED: 9,
    Outcome.BUSY: 4,
    Outcome.FAILED: 1,
    Outcome.DNC_REQUESTED: 1,
    Outcome.WRONG_NUMBER: 1,
    Outcome.ESCALATED: 1,
}
TALK_SECONDS = {
    Outcome.VOICEMAIL: (20, 45),
    Outcome.ANSWERED: (60, 240),
    Outcome.APPOINTMENT_BOOKED: (120, 330),
    Outcome.CALLBACK_REQUESTED: (40, 120),
    Outcome.NOT_INTERESTED: (25, 90),
    Outcome.DNC_REQUESTED: (15, 40),
    Outcome.WRONG_NUMBER: (10, 30),
    Outcome.ESCALATED: (90, 300),
}
ATTENTION = {
    Outcome.ESCALATED: "Escalation words: manager",
    Outcome.FAILED: "Provider error: the number could not be reached",
}


def seed(tenant) -> int:
    campaigns = list(Campaign.objects.select_related("agent__account", "script", "branch"))
    leads = list(Lead.objects.exclude(stage="new").select_related("branch")) or list(Lead.objects.all())
    if not campaigns or not leads or Call.objects.exists():
        return 0
    rng = random.Random(tenant.slug)
    zone = ZoneInfo(tenant.time_zone)
    today = timezone.now().astimezone(zone).date()
    outcomes, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    calls = []
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        for _ in range(rng.randint(8, 26) if day.weekday() < 5 else rng.randint(2, 8)):
            dialled = datetime.combine(day, time(9), tzinfo=zone) + timedelta(minutes=rng.randint(0, 10 * 60))
            if dialled > timezone.now():
                continue
            outcome = rng.choices(outcomes, weights)[0]
            low, high = TALK_SECONDS.get(outcome, (0, 0))
            seconds = rng.randint(low, high) if high else 0
            campaign, lead = rng.choice(campaigns), rng.choice(leads)
            calls.append(
                Call(
                    lead=lead,
                    branch=lead.branch,
                    agent=campaign.agent,
                    script=campaign.script,
                    account=campaign.agent.account,
                    campaign=campaign,
                    provider="simulator",
                    purpose=campaign.purpose,
                    to_number=lead.phone,
                    status=CallStatus.FAILED if outcome == Outcome.FAILED else CallStatus.ENDED,
                    outcome=outcome,
                    created_at=dialled - timedelta(seconds=2),
                    dialed_at=dialled,
                    started_at=dialled + timedelta(seconds=8) if seconds else None,
                    ended_at=dialled + timedelta(seconds=8 + max(seconds, 20)),
                    duration_seconds=seconds,
                    cost=(Decimal(seconds) / 60 * Decimal("0.07") + Decimal("0.01")).quantize(Decimal("0.0001")),
                    summary=f"Demo call ({Outcome(outcome).label.lower()}).",
                    needs_attention=outcome in ATTENTION and back < 5,
                    attention_reason=ATTENTION.get(outcome, "") if back < 5 else "",
                    effects_done=["lead", "appointments", "campaigns"],
                )
            )
    Call.objects.bulk_create(calls, batch_size=500)
    Expense.objects.create(
        date=today - timedelta(days=14), amount=Decimal("150.00"), description="Lead list (demo)", campaign=campaigns[0]
    )
    return len(calls)
