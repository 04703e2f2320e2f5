"""The shapes of the appointments room's structured JSON fields (core.shapes)."""

from core.shapes import Integer, ListOf, MapOf, Text

from .models import Kind

# Minutes before the start, per kind: {"default": [1440, 120], "service": [2880]}; at most 60 days ahead.
REMINDER_OFFSETS = MapOf(
    Text(choices=("default", *Kind.values)),
    ListOf(Integer(min_value=1, max_value=60 * 24 * 60), max_items=5, unique=True),
    max_items=len(Kind.values) + 1,
)
