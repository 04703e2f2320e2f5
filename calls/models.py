"""Calls, the provider events behind them, QA reviews, and each tenant's calling policy.

A Call's status only moves forward (see ``STATUS_RANK``, ``STATUS_MOVES`` and calls.services):
queued → dialing → ringing → in_progress → ended, or failed / canceled. Every
webhook is kept as a CallEvent, unique per provider, provider call id and event
type, so a replay changes nothing.
"""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.shapes import ShapeValidator
from core.transitions import Transitions
from tenants.models import Branch, TenantOwnedModel

from . import legal


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    DIALING = "dialing", "Dialing"
    RINGING = "ringing", "Ringing"
    IN_PROGRESS = "in_progress", "In progress"
    ENDED = "ended", "Ended"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


# Forward only: a late or replayed event never moves a call back.
STATUS_RANK = {
    CallStatus.QUEUED: 0,
    CallStatus.DIALING: 1,
    CallStatus.RINGING: 2,
    CallStatus.IN_PROGRESS: 3,
    CallStatus.ENDED: 4,
    CallStatus.FAILED: 4,
    CallStatus.CANCELED: 4,
}
# The same rule as a table of moves (core.transitions): forward to any higher rank.
STATUS_MOVES = Transitions.forward(STATUS_RANK)
FINAL_STATUSES = {CallStatus.ENDED, CallStatus.FAILED, CallStatus.CANCELED}
# A call in flight holds a line of its provider account and the person (calls.admission).
IN_FLIGHT_STATUSES = (CallStatus.QUEUED, CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS)


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    VOICEMAIL = "voicemail", "Voicemail"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    FAILED = "failed", "Failed"
    APPOINTMENT_BOOKED = "appointment_booked", "Appointment booked"
    CALLBACK_REQUESTED = "callback_requested", "Callback requested"
    NOT_INTERESTED = "not_interested", "Not interested"
    DNC_REQUESTED = "dnc_requested", "Asked not to be called"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    ESCALATED = "escalated", "Escalated to a person"


# A person (or their voicemail) picked up: docs/kpis.md#connect-rate.
CONNECTED_OUTCOMES = {
    Outcome.ANSWERED,
    Outcome.VOICEMAIL,
    Outcome.APPOINTMENT_BOOKED,
    Outcome.CALLBACK_REQUESTED,
    Outcome.NOT_INTERESTED,
    Outcome.DNC_REQUESTED,
    Outcome.WRONG_NUMBER,
    Outcome.ESCALATED,
}
# A live two-way conversation: docs/kpis.md#contact-rate.
CONVERSATION_OUTCOMES = CONNECTED_OUTCOMES - {Outcome.VOICEMAIL}


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "Outbound"
    INBOUND = "inbound", "Inbound"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"
    UNKNOWN = "unknown", "Unknown"


class Call(TenantOwnedModel):
    lead = models.ForeignKey("leads.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    agent = models.ForeignKey("voice.VoiceAgent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    script = models.ForeignKey("voice.Script", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    account = models.ForeignKey(
        "voice.ProviderAccount", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    campaign_target = models.ForeignKey(
        "campaigns.CampaignTarget", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(max_length=20)
    provider_call_id = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    purpose = models.CharField(max_length=30, blank=True)
    to_number = models.CharField(max_length=20)
    from_number = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=CallStatus.choices, default=CallStatus.QUEUED)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    disconnection_reason = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    dialed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    transcript = models.JSONField(default=list, blank=True, help_text="Turns: role, text, seconds from start.")
    summary = models.TextField(blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    collected_data = models.JSONField(default=dict, blank=True)
    recording_url = models.URLField(max_length=500, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    prompt_variables = models.JSONField(default=dict, blank=True, help_text="What the agent was given.")
    needs_attention = models.BooleanField(default=False)
    attention_reason = models.CharField(max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    compliance_code = models.CharField(max_length=30, blank=True, help_text="Why the gate blocked or deferred it.")
    compliance_file = models.JSONField(
        default=dict, blank=True, help_text="What the gate checked before dialling, and why it decided so."
    )
    next_allowed_at = models.DateTimeField(null=True, blank=True)
    error_category = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    effects_done = models.JSONField(default=list, blank=True, editable=False, help_text="After-call actions applied.")
    # The work still owed on this call lives in its row (calls.work), never only in a broker message.
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the next step is due: its dial (queued) or its end at the latest (live). Empty when final.",
    )
    dial_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    effects_due_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="It ended and its after-call effects are not all applied."
    )

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "provider", "provider_call_id", name="call_provider_id_unique", condition=~models.Q(provider_call_id="")
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="call_tenant_created"),
            models.Index(fields=["tenant", "status"], name="call_tenant_status"),
            models.Index(fields=["tenant", "outcome", "-created_at"], name="call_tenant_outcome"),
            models.Index(fields=["to_number", "purpose", "dialed_at"], name="call_number_purpose_time"),
            models.Index(fields=["campaign", "-created_at"], name="call_campaign_time"),
            # The dashboard's scans (calls dialled in a period) read only these columns: index-only on PostgreSQL.
            models.Index(
                fields=["tenant", "dialed_at"],
                name="call_tenant_dialed",
                include=["outcome", "duration_seconds", "cost", "lead", "campaign", "agent", "branch", "ended_at"],
                condition=models.Q(dialed_at__isnull=False),
            ),
            # "Was this lead called in the period?" (the appointment set rate), index-only.
            models.Index(
                fields=["lead", "dialed_at"],
                name="call_lead_dialed",
                include=["outcome"],
                condition=models.Q(dialed_at__isnull=False),
            ),
            models.Index(fields=["tenant", "due_at"], name="call_due", condition=models.Q(due_at__isnull=False)),
            models.Index(
                fields=["tenant", "effects_due_at"],
                name="call_effects_due",
                condition=models.Q(effects_due_at__isnull=False),
            ),
            models.Index(
                fields=["tenant", "-created_at"],
                name="call_needs_attention",
                condition=models.Q(needs_attention=True, resolved_at__isnull=True),
            ),
        ]

    @classmethod
    def on_lead_merge(cls, survivor, duplicate) -> int:
        """A merged lead's calls move to the survivor; their days' lead counts are made again."""
        from . import rollups

        calls = cls.all_tenants.filter(lead=duplicate)
        span = calls.aggregate(first=models.Min("dialed_at"), last=models.Max("dialed_at"))
        rollups.mark_changed(duplicate.tenant_id, span["first"], span["last"])
        return calls.update(lead=survivor)

    def __str__(self):
        return f"Call to {self.to_number} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M %Z})"


class CallEvent(TenantOwnedModel):
    """A provider webhook exactly as received (after its signature was checked)."""

    audit_exempt = True

    call = models.ForeignKey(Call, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    provider = models.CharField(max_length=20)
    provider_call_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    is_orphan = models.BooleanField(default=False, help_text="No call of ours matched it.")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint("provider", "provider_call_id", "event_type", name="callevent_unique_delivery")
        ]

    def __str__(self):
        return f"{self.event_type} ({self.provider})"


class QaReview(TenantOwnedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="qa_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    checklist = models.JSONField(
        default=dict,
        blank=True,
        validators=[ShapeValidator("calls.schemas.QA_CHECKLIST")],
        help_text='e.g. {"identified_business": true, "handled_objection": false}',
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        verbose_name = "QA review"

    def __str__(self):
        return f"{self.score}/5 (reviewed {timezone.localtime(self.created_at):%Y-%m-%d %H:%M %Z})"


class StateEmergency(models.Model):
    """A state of emergency during which a state bans solicitation calls (Louisiana, while its Public Service
    Commission sits at the Emergency Operations Center): platform-wide, set by a superuser from the state's notice
    (docs/compliance.md#state-emergencies). Marketing calls to the state wait while it lasts."""

    region = models.CharField(max_length=2, help_text="The state, e.g. LA.")
    declared_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="The day it ends (empty while it lasts).")
    source = models.CharField(max_length=300, help_text="The notice: its address or reference.")

    class Meta:
        ordering = ["-declared_on"]

    def __str__(self):
        return f"{self.region} state of emergency from {self.declared_on}" + (
            f" to {self.ended_on}" if self.ended_on else " (in force)"
        )

    def save(self, *args, **kwargs):
        self.region = (self.region or "").strip().upper()  # the gate compares it with the states' codes
        super().save(*args, **kwargs)

    def clean(self):
        from leads.phones import US_STATES

        self.region = (self.region or "").strip().upper()
        if self.region not in set(US_STATES.values()):
            raise ValidationError({"region": f"“{self.region}” is not a state's two letters (e.g. LA)."})
        if self.ended_on and self.ended_on < self.declared_on:
            raise ValidationError({"ended_on": "It cannot end before it was declared."})


DEFAULT_ESCALATION_WORDS = ["lawyer", "attorney", "complaint", "manager", "cancel my membership", "sue", "supervisor"]


class CallingPolicy(TenantOwnedModel):
    """The numbers of the calling rules (docs/compliance.md#tenant-settings), per tenant (defaults are the US rules)."""

    window_start = models.TimeField(default=time(8, 0), help_text="Earliest local time to call.")
    window_end = models.TimeField(default=time(21, 0), help_text="Calls must start before this local time.")
    restricted_window_end = models.TimeField(
        default=time(20, 0), help_text="Window end for Florida, Oklahoma and Maryland numbers."
    )
    restricted_regions = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("calls.schemas.REGIONS")],
        help_text='Florida, Oklahoma and Maryland always; add others: ["CT", …].',
    )
    max_calls_per_day = models.PositiveSmallIntegerField(
        default=3, help_text="Per number and purpose, in any rolling 24 hours."
    )
    sunday_calls = models.BooleanField(
        default=True, help_text="Untick to call nobody on Sundays (the states' own Sunday bans apply anyway)."
    )
    closed_days = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("calls.schemas.CLOSED_DAYS")],
        help_text='Dates never to call: ["2026-12-25", …].',
    )
    escalation_words = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("calls.schemas.ESCALATION_WORDS")],
        help_text="Words that flag a call for a person (added to the built-in list).",
    )

    def clean(self):
        if errors := legal.widenings(self):  # a policy only narrows the law (docs/compliance.md#legal-floor)
            raise ValidationError(errors)

    class Meta(TenantOwnedModel.Meta):
        verbose_name_plural = "calling policy"
        constraints = [models.UniqueConstraint("tenant", name="calling_policy_one_per_tenant")]

    def __str__(self):
        return "Calling policy"


# --- rollups (calls.rollups) ------------------------------------------------------------------


class CallDayState(TenantOwnedModel):
    """Whether the rollup of one of the tenant's local days is current. ``version`` goes up when a call
    of the day changes (after the commit); the rows are current while ``rolled_version`` equals it and
    they were made in the tenant's zone by the code's rollup layout (``calls.rollups.LAYOUT``; a new
    layout rolls every day again). A day rolled before it was over is trusted for
    ``calls.rollups.OPEN_DAY_SECONDS`` only (writes that skip the signals are caught that way)."""

    audit_exempt = True  # derived rows, made again at will

    day = models.DateField()
    zone = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=0)
    rolled_version = models.PositiveIntegerField(null=True, blank=True)
    rolled_at = models.DateTimeField(null=True, blank=True)
    rolled_layout = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint("tenant", "day", name="calldaystate_tenant_day")]


class CallDayTotal(TenantOwnedModel):
    """Calls dialled on a local day, per branch, campaign, voice agent and outcome ('' = not ended):
    how many, their talk seconds and cost, and the local hours (bit n = hour n) in which they were
    dialled. Ids are plain numbers, not keys: a deleted campaign's calls still count in the totals."""

    audit_exempt = True  # derived rows, made again at will

    day = models.DateField()
    branch_id = models.IntegerField(null=True)
    campaign_id = models.IntegerField(null=True)
    agent_id = models.IntegerField(null=True)
    outcome = models.CharField(max_length=30, blank=True)
    calls = models.PositiveIntegerField()
    talk_seconds = models.BigIntegerField()
    cost = models.DecimalField(max_digits=14, decimal_places=4)
    hours = models.IntegerField(help_text="Bit n set: a call was dialled in local hour n.")

    class Meta(TenantOwnedModel.Meta):
        indexes = [
            models.Index(
                fields=["tenant", "day"],
                name="calldaytotal_tenant_day",
                include=["branch_id", "campaign_id", "agent_id", "outcome", "calls", "talk_seconds", "cost", "hours"],
            )
        ]


class PeakScope(models.TextChoices):
    ALL = "all", "All calls"
    BRANCH = "branch", "Branch"
    CAMPAIGN = "campaign", "Campaign"
    AGENT = "agent", "Voice agent"


class CallDayScope(TenantOwnedModel):
    """Per local day, for all the tenant's calls and for each branch, campaign and voice agent on its
    own (``scope_id`` 0 for all): the most calls on the line at once, and the leads called and the
    leads reached (id sets packed as roaring bitmaps: core.idsets), so distinct leads over a
    period are a union of bitmaps rather than a scan of every call."""

    audit_exempt = True  # derived rows, made again at will

    day = models.DateField()
    scope = models.CharField(max_length=10, choices=PeakScope.choices)
    scope_id = models.IntegerField(default=0)
    peak = models.PositiveIntegerField()
    leads_worked = models.BinaryField()
    leads_reached = models.BinaryField()

    class Meta(TenantOwnedModel.Meta):
        indexes = [models.Index(fields=["tenant", "scope", "scope_id", "day"], name="calldayscope_scope_day")]
