"""The shapes of the appointments room's structured JSON fields (core.shapes)."""

from core.shapes import Integer, ListOf, MapOf, Text

from .models import Channel, Kind

# Minutes before the start, per kind: {"default": [1440, 120], "service": [2880]}; at most 60 days ahead.
REMINDER_OFFSETS = MapOf(
    Text(choices=("default", *Kind.values)),
    ListOf(Integer(min_value=1, max_value=60 * 24 * 60), max_items=5, unique=True),
    max_items=len(Kind.values) + 1,
)

# The kinds a rule serves: ["service"]; empty means all.
RULE_KINDS = ListOf(Text(choices=tuple(Kind.values)), max_items=len(Kind.values))

# How reminders go out: any of "sms", "email", "call"; empty sends none.
REMINDER_CHANNELS = ListOf(Text(choices=tuple(Channel.values)), max_items=len(Channel.values))
