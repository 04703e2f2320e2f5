"""The shapes of the campaigns room's structured JSON fields (core.shapes)."""

from core.shapes import DateTimeText, Integer, ListOf, Nullable, Record, Text
from leads.models import Source
from leads.pipeline import Stage

MAX_ID = 2**31 - 1
KINDS = ("filter", "leads", "service_due", "recall", "speed_to_lead", "no_shows", "attended_not_joined", "follow_ups")
ID = Integer(min_value=1, max_value=MAX_ID)

# Who a campaign calls (campaigns.audiences): a kind, what it needs, and narrowing filters.
AUDIENCE = Record(
    {
        "kind": Text(choices=KINDS),
        # narrowing filters, for any kind
        "stages": ListOf(Text(choices=tuple(Stage.values)), max_items=len(Stage.values), unique=True),
        "sources": ListOf(Text(choices=tuple(Source.values)), max_items=len(Source.values), unique=True),
        "tags": ListOf(ID, max_items=100, unique=True),
        "branch": Nullable(ID),
        "created_after": Nullable(DateTimeText()),
        "created_before": Nullable(DateTimeText()),
        "score_min": Nullable(Integer(min_value=0, max_value=100)),
        "score_max": Nullable(Integer(min_value=0, max_value=100)),
        "not_contacted_days": Nullable(Integer(min_value=0, max_value=3650)),
        # what each kind needs
        "lead_ids": ListOf(ID, max_items=10_000, unique=True),
        "within_days": Integer(min_value=0, max_value=3650),
        "vins": ListOf(Text(max_length=17, pattern=r"[A-HJ-NPR-Z0-9]{11,17}"), max_items=10_000),
        "within_minutes": Integer(min_value=0, max_value=1440),
        "since_days": Integer(min_value=1, max_value=3650),
    }
)
