"""The shapes of the calls room's structured JSON fields (core.shapes)."""

from core.shapes import Boolean, IsoDate, ListOf, MapOf, Text

# Two-letter region codes (US states): ["FL", "OK", "MD"].
REGIONS = ListOf(Text(max_length=2, pattern=r"[A-Z]{2}"), max_items=60, unique=True)
CLOSED_DAYS = ListOf(IsoDate(), max_items=366, unique=True)
ESCALATION_WORDS = ListOf(Text(max_length=60, blank=False), max_items=100)
# A QA review's checklist: {"identified_business": true, "handled_objection": false}.
QA_CHECKLIST = MapOf(Text(max_length=60, pattern=r"[a-z0-9_]+"), Boolean(), max_items=30)
