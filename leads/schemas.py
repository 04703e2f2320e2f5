"""The shapes of the leads room's structured JSON fields (core.shapes): checked by the admin, the API and
the importer alike."""

from core.shapes import Integer, ListOf, MapOf, Record, Scalar, Text

from .import_columns import MAPPABLE
from .pipeline import Stage
from .purposes import Purpose

POINTS = Integer(min_value=-100, max_value=100)

# A renamed stage: {"won": "Member"}.
STAGE_LABELS = MapOf(Text(choices=tuple(Stage.values)), Text(max_length=40, blank=False), max_items=len(Stage.values))

# Overrides of leads.scoring.DEFAULT_RULES: any part of it, nothing else.
SCORING_RULES = Record(
    {
        "base": POINTS,
        "source": MapOf(Text(max_length=40), POINTS, max_items=50),
        "recency": ListOf(ListOf(Integer(min_value=0, max_value=3650), min_items=2, max_items=2), max_items=10),
        "stage": MapOf(Text(choices=tuple(Stage.values)), POINTS),
        "interest": Record({"keywords": MapOf(Text(max_length=60, blank=False), POINTS, max_items=100), "any": POINTS}),
        "engagement": Record(
            {
                "answered_call": POINTS,
                "answered_calls_max": Integer(min_value=0, max_value=100),
                "appointment_booked": POINTS,
                "appointment_attended": POINTS,
            }
        ),
    }
)

# What an import or integration carried beyond the lead's own fields: {"membership_type": "gold"}.
CUSTOM_FIELDS = MapOf(Text(max_length=100, blank=False), Scalar(max_length=2000), max_items=100)

# The purposes a consent covers (empty: all).
CONSENT_PURPOSES = ListOf(Text(choices=tuple(Purpose.values)), max_items=len(Purpose.values), unique=True)

# An import's column mapping: {"CSV header": "lead field" or "ignore"}.
IMPORT_MAPPING = MapOf(Text(max_length=200, blank=False), Text(choices=tuple(sorted(MAPPABLE))), max_items=200)
