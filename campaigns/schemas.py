"""The shapes of the campaigns room's structured JSON fields (core.shapes)."""

from calls.models import Outcome
from core.shapes import DateTimeText, Integer, ListOf, MapOf, Nullable, PublicId, Record, Text, TimeSpan
from leads.models import Source
from leads.pipeline import Stage
from tenants.schemas import weekly_hours

from .models import DEFAULT_RETRY_MINUTES, LEGAL_END, LEGAL_START, AudienceKind

MAX_ID = 2**31 - 1
KINDS = tuple(AudienceKind.values)
ID = Integer(min_value=1, max_value=MAX_ID)

# Per weekday, open-close pairs inside the legal calling hours: a campaign narrows them, never widens.
CALLING_WINDOWS = weekly_hours(TimeSpan(earliest=LEGAL_START, latest=LEGAL_END, why="the legal calling hours"))

# Minutes between attempts, per retried outcome: {"no_answer": [240, 1440]} (docs/compliance.md#dialer-retries).
RETRY_MINUTES = MapOf(
    Text(choices=tuple(DEFAULT_RETRY_MINUTES)),
    ListOf(Integer(min_value=1, max_value=60 * 24 * 90), max_items=20),
    max_items=len(DEFAULT_RETRY_MINUTES),
)

# The outcomes of a source campaign's calls that start a follow-up: ["voicemail", "no_answer"].
FOLLOW_UP_OUTCOMES = ListOf(Text(choices=tuple(Outcome.values)), max_items=len(Outcome.values))

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

# The audience as the API shows and takes it: tags, branch and leads by public id (core.public_ids).
PUBLIC_ID = PublicId()
AUDIENCE_PUBLIC = Record(
    {
        **AUDIENCE.fields,
        "tags": ListOf(PUBLIC_ID, max_items=100, unique=True),
        "branch": Nullable(PUBLIC_ID),
        "lead_ids": ListOf(PUBLIC_ID, max_items=10_000, unique=True),
    }
)
