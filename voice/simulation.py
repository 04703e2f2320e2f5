"""What happens on a simulated call: a plausible conversation, built from the script and the lead.

It plays from the CallRequest the call was dialled with (what a provider would be
given), never from call records. Deterministic for a given call (the seed is the
call id plus the account's ``provider_ids["seed"]``). The mix of what happens is
tunable per account in ``provider_ids["mix"]`` (how calls connect) and
``provider_ids["conversation_mix"]`` (what a person answering says). An agreed
appointment takes a real free slot when a receiver of
``voice.signals.simulated_slot_requested`` offers one (the appointments room does).
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from .clients import CallRequest
from .clients.common import call_metadata
from .signals import simulated_slot_requested

CONNECT_MIX = {"answered": 0.62, "no_answer": 0.14, "voicemail": 0.12, "busy": 0.06, "failed": 0.06}
CONVERSATION_MIX = {
    "appointment": 0.34,
    "callback": 0.18,
    "not_interested": 0.18,
    "information": 0.12,
    "opt_out": 0.08,
    "wrong_number": 0.05,
    "escalation": 0.05,
}
DISCONNECTION = {
    "no_answer": "dial_no_answer",
    "voicemail": "voicemail_reached",
    "busy": "dial_busy",
    "failed": "dial_failed",
}
RECORDING_PATH = "/static/voice/simulated-call.wav"


@dataclass
class Simulated:
    connect: str
    result: str = ""
    turns: list[tuple[str, str]] = field(default_factory=list)
    collected: dict = field(default_factory=dict)
    summary: str = ""
    sentiment: str = "Neutral"
    duration: int = 0


def _pick(rng: random.Random, mix: dict[str, float]) -> str:
    total = sum(mix.values()) or 1
    roll, running = rng.random() * total, 0.0
    for name, weight in mix.items():
        running += weight
        if roll < running:
            return name
    return next(iter(mix))


def _slot(request: CallRequest, zone: str, rng: random.Random) -> datetime:
    for _, slots in simulated_slot_requested.send(sender=CallRequest, request=request):
        if slots:
            return slots[rng.randrange(min(len(slots), 6))]
    local = timezone.now().astimezone(ZoneInfo(zone)) + timedelta(days=1)
    while local.weekday() >= 5:
        local += timedelta(days=1)
    return datetime.combine(local.date(), time(10 + rng.randrange(6)), tzinfo=ZoneInfo(zone))


def plan(request: CallRequest, account_ids: dict, seed: int = 0) -> Simulated:
    """What happens on the call ``request`` asked for; ``account_ids`` is the account's ``provider_ids``."""
    variables = request.variables or {}
    rng = random.Random(f"{account_ids.get('seed', seed)}:{request.call_id}")
    connect = _pick(rng, account_ids.get("mix") or CONNECT_MIX)
    if connect != "answered":
        return Simulated(
            connect,
            duration=0 if connect != "voicemail" else 22,
            summary={
                "voicemail": "Reached voicemail; left a short message.",
                "no_answer": "Nobody answered.",
                "busy": "The line was busy.",
                "failed": "The call could not be connected.",
            }[connect],
        )
    result = _pick(rng, account_ids.get("conversation_mix") or CONVERSATION_MIX)
    first = variables.get("lead_first_name") or "there"
    business = variables.get("business_name", "us")
    opening = variables.get("_opening_line") or f"Hi {first}, this is an automated assistant from {business}."
    pitch = {
        "service_reminder": f"Your {variables.get('vehicle') or 'car'} is due for service. Shall I book you in?",
        "recall": f"There is a recall notice for your {variables.get('vehicle') or 'vehicle'}; it's a free fix.",
        "appointment_reminder": "I'm calling to confirm your upcoming appointment.",
    }.get(
        request.purpose,
        f"You asked about {variables.get('lead_interest') or 'a membership'}. Would you like to come in for a visit?",
    )
    turns = [("agent", opening), ("user", f"Hi, yes, this is {first}."), ("agent", pitch)]
    if result == "wrong_number":  # whoever answers is not the person: they say so at once
        turns = [("agent", opening), ("user", f"Sorry, there's no {first} here. You have the wrong number.")]
    simulated = Simulated("answered", result)
    zone = variables.get("lead_time_zone") or "UTC"
    if result == "appointment":
        slot = _slot(request, zone, rng)
        spoken = slot.astimezone(ZoneInfo(zone)).strftime("%A at %-I:%M %p")
        turns += [
            ("user", f"Sure. Do you have anything {spoken}?"),
            ("agent", f"Yes, I've booked you for {spoken}. You'll get a reminder the day before."),
            ("user", "Great, thanks!"),
        ]
        simulated.collected = {"appointment_time": slot.isoformat(), "appointment_agreed": True}
        simulated.summary, simulated.sentiment = f"Agreed to come in {spoken}.", "Positive"
    elif result == "callback":
        when = timezone.now() + timedelta(days=1, hours=rng.randrange(1, 5))
        turns += [
            ("user", "I'm driving right now. Can you call me back tomorrow afternoon?"),
            ("agent", "Of course, I'll call you back tomorrow afternoon."),
        ]
        simulated.collected = {"callback_time": when.isoformat()}
        simulated.summary = "Asked to be called back tomorrow afternoon."
    elif result == "not_interested":
        turns += [("user", "No thanks, I'm not interested at the moment."), ("agent", "No problem. Have a good day!")]
        simulated.collected = {"not_interested": True}
        simulated.summary = "Not interested for now."
    elif result == "information":
        turns += [
            ("user", "What are your opening hours?"),
            ("agent", f"We're open {variables.get('branch_hours') or 'most days'}."),
            ("user", "Okay, I'll think about it."),
        ]
        simulated.summary = "Asked about opening hours; will think about it."
    elif result == "opt_out":
        turns += [
            ("user", "Please stop calling me. Remove me from your list."),
            ("agent", "Understood. You won't be called again. Goodbye."),
        ]
        simulated.collected = {"opt_out": True}
        simulated.summary, simulated.sentiment = "Asked not to be called again.", "Negative"
    elif result == "wrong_number":
        turns += [("agent", "My apologies for the trouble.")]
        simulated.collected = {"wrong_number": True}
        simulated.summary = "Wrong number."
    else:  # escalation
        turns += [
            ("user", "I want to speak to a manager. I have a complaint about my last visit."),
            ("agent", "I'm sorry to hear that. I'll have a manager call you back today."),
        ]
        simulated.summary, simulated.sentiment = "Upset about a previous visit; wants a manager.", "Negative"
    simulated.turns = turns
    simulated.duration = 20 + 9 * len(turns) + rng.randrange(15)
    return simulated


def retell_call(
    request: CallRequest, provider_call_id: str, simulated: Simulated, *, analyzed: bool, started_ms: int
) -> dict:
    """The call object Retell would send for this simulated call."""
    duration_ms = simulated.duration * 1000
    transcript_object, at = [], 0.0
    for role, text in simulated.turns:
        transcript_object.append({"role": role, "content": text, "words": [{"word": text.split()[0], "start": at}]})
        at += 3 + len(text) / 18
    reason = DISCONNECTION.get(simulated.connect, "agent_hangup" if simulated.result != "opt_out" else "user_hangup")
    body = {
        "call_id": provider_call_id,
        "call_status": "error" if simulated.connect == "failed" else "ended",
        "disconnection_reason": reason,
        "start_timestamp": started_ms,
        "end_timestamp": started_ms + duration_ms,
        "duration_ms": duration_ms,
        "transcript": "\n".join(f"{role.title()}: {text}" for role, text in simulated.turns),
        "transcript_object": transcript_object,
        "recording_url": f"{RECORDING_PATH}?call={provider_call_id}" if simulated.turns else "",
        "metadata": call_metadata(request),
        "collected_dynamic_variables": simulated.collected if analyzed else {},
        "call_cost": {"combined_cost": round(simulated.duration * 0.15, 2)},
    }
    if analyzed:
        body["call_analysis"] = {
            "call_summary": simulated.summary,
            "user_sentiment": simulated.sentiment,
            "call_successful": simulated.result in ("appointment", "callback"),
            "in_voicemail": simulated.connect == "voicemail",
            "custom_analysis_data": simulated.collected,
        }
    return body
