"""The shapes of the calls room's structured JSON fields (core.shapes)."""

from core.shapes import Boolean, IsoDate, ListOf, MapOf, Text
from leads.phones import US_STATES

# Two-letter region codes (US states): ["FL", "OK", "MD"].
REGIONS = ListOf(Text(max_length=2, pattern=r"[A-Z]{2}"), max_items=60, unique=True)
# The states by name, for the admin's editor of REGIONS (tenants.json_editors): {"AL": "Alabama", …}, in the
# order of their names; a code with two names (DC) keeps the first.
REGION_NAMES = {code: name for name, code in reversed(US_STATES.items())}
REGION_NAMES = dict(sorted(REGION_NAMES.items(), key=lambda item: item[1]))
CLOSED_DAYS = ListOf(IsoDate(), max_items=366, unique=True)
ESCALATION_WORDS = ListOf(Text(max_length=60, blank=False), max_items=100)
# A QA review's checklist: {"identified_business": true, "handled_objection": false}.
QA_CHECKLIST = MapOf(Text(max_length=60, pattern=r"[a-z0-9_]+"), Boolean(), max_items=30)
