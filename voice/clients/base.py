"""What every voice provider client offers, and the normalised shapes they hand to the calls room."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class InvalidSignature(Exception):
    """A webhook's signature is missing, malformed, expired or wrong: answer 401 and store nothing."""


class ErrorCategory:
    BAD_CREDENTIALS = "bad_credentials"
    OUT_OF_FUNDS = "out_of_funds"
    INVALID_NUMBER = "invalid_number"
    CONCURRENCY_EXHAUSTED = "concurrency_exhausted"
    PROVIDER_DOWN = "provider_down"
    RATE_LIMITED = "rate_limited"
    INVALID_REQUEST = "invalid_request"
    UNCERTAIN = "uncertain"  # sent, but no answer came back: it may have been placed


ERROR_LABELS = {
    ErrorCategory.BAD_CREDENTIALS: "The provider refused our credentials (check the API key).",
    ErrorCategory.OUT_OF_FUNDS: "The provider account is out of funds.",
    ErrorCategory.INVALID_NUMBER: "The provider says the number cannot be called.",
    ErrorCategory.CONCURRENCY_EXHAUSTED: "The provider account's concurrent calls are all in use.",
    ErrorCategory.PROVIDER_DOWN: "The provider is not answering.",
    ErrorCategory.RATE_LIMITED: "The provider asked us to slow down.",
    ErrorCategory.INVALID_REQUEST: "The provider refused the request.",
    ErrorCategory.UNCERTAIN: (
        "No answer from the provider after the request was sent; not retried, to never call twice."
    ),
}
RETRYABLE = {ErrorCategory.PROVIDER_DOWN, ErrorCategory.RATE_LIMITED, ErrorCategory.CONCURRENCY_EXHAUSTED}


class ProviderError(Exception):
    def __init__(self, category: str, message: str = "", *, status: int | None = None):
        self.category = category
        self.status = status
        self.message = message or ERROR_LABELS.get(category, category)
        super().__init__(f"{category}: {self.message}")

    @property
    def retryable(self) -> bool:
        return self.category in RETRYABLE


@dataclass
class CallRequest:
    call_id: int
    tenant_id: int
    to_number: str
    from_number: str
    provider_agent_id: str
    variables: dict[str, str]
    opening_line: str
    prompt: str
    lead_name: str = ""
    lead_id: int | None = None  # ours: what the simulator's receivers look up (voice.signals)
    purpose: str = ""  # the script's purpose (voice.models.Purpose)
    max_duration_seconds: int = 300
    record: bool = True
    webhook_url: str = ""
    voice_id: str = ""


@dataclass
class StartedCall:
    provider_call_id: str
    raw: dict = field(default_factory=dict)


@dataclass
class Turn:
    role: str  # "agent" or "user"
    text: str
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"role": self.role, "text": self.text, "seconds": round(self.seconds, 1)}


class EventKind:
    STARTED = "started"
    ENDED = "ended"
    ANALYZED = "analyzed"
    FAILED = "failed"
    PROGRESS = "progress"  # ringing and the like


@dataclass
class NormalizedEvent:
    """One provider event in the shape calls.services.apply_event expects."""

    provider: str
    provider_call_id: str
    event_type: str  # the provider's own name: the dedupe key with provider and call id
    kind: str
    call_id: int | None = None  # ours, echoed back in metadata or dynamic variables
    status: str = ""  # ours: ringing, in_progress, ended, failed
    outcome: str = ""  # ours (see calls.models.Outcome), from the disconnection reason
    disconnection_reason: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: int | None = None
    transcript: list[Turn] | None = None
    recording_url: str = ""
    summary: str = ""
    sentiment: str = ""
    collected_data: dict = field(default_factory=dict)
    cost: Decimal | None = None
    error_message: str = ""
    raw: dict = field(default_factory=dict)
    # The call's analysis (its outcome in words, what was agreed) comes in an event of its own, later (Retell's
    # call_ended): the call's effects wait for it, at most calls.services.ANALYSIS_WAIT.
    analysis_follows: bool = False


class CannotAsk(Exception):
    """This provider (or this client of it) has no way to be asked about one call."""


class VoiceClient:
    """One provider. Subclasses set ``provider`` and implement the four operations, and ``fetch_call`` where
    the provider can be asked about one call."""

    provider = ""
    default_base_url = ""

    def __init__(self, account):
        self.account = account
        self.base_url = (account.provider_ids or {}).get("base_url") or self.default_base_url

    def start_call(self, request: CallRequest) -> StartedCall:
        raise NotImplementedError

    def verify_webhook(self, body: bytes, headers) -> None:
        """Raise InvalidSignature unless the raw body carries a valid signature."""
        raise NotImplementedError

    def parse_webhook(self, payload: dict, headers) -> list[NormalizedEvent]:
        raise NotImplementedError

    def test_connection(self) -> str:
        """Call the provider's cheapest read endpoint; raise ProviderError, or say what was found."""
        raise NotImplementedError

    def fetch_call(self, provider_call_id: str) -> list[NormalizedEvent]:
        """What the provider says of one call now, as the events its webhooks would have carried ([] while it
        has nothing to report). Raises CannotAsk where it cannot be asked, ProviderError if asking failed."""
        raise CannotAsk(f"{self.provider} cannot be asked about one call.")


def parse_signature_header(value: str) -> dict[str, str]:
    """``"t=123,v0=abc"`` → ``{"t": "123", "v0": "abc"}``."""
    parts = {}
    for piece in (value or "").split(","):
        key, sep, rest = piece.strip().partition("=")
        if sep:
            parts[key] = rest
    return parts
