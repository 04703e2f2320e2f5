"""What the agent collected during a call, in words: each value the provider sent (``Call.collected_data``) with
a label staff read, times on the person's wall clock, yes and no for flags. The call page shows it."""

from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime

from leads.services import resolved_time_zone

LABELS = {
    "appointment_time": "Agreed time",
    "appointment_agreed": "Agreed to an appointment",
    "callback_time": "Call back at",
    "wrong_number": "Wrong number",
    "not_interested": "Not interested",
    "opt_out": "Asked not to be called",
}


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").strip().capitalize()


def _value(value, zone: str) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is not None and moment.tzinfo is not None:
        return f"{moment.astimezone(ZoneInfo(zone)):%a %d %b %Y, %H:%M} ({zone})"
    if isinstance(value, list | dict):
        return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)
    return str(value)


def in_words(call) -> list[tuple[str, str]]:
    """(label, value) for each collected item; times in the person's time zone (else UTC)."""
    data = call.collected_data or {}
    if not data:
        return []
    zone = resolved_time_zone(call.lead) if call.lead_id else "UTC"
    return [(_label(str(key)), _value(value, zone)) for key, value in data.items()]
