"""Campaigns, their targets and follow-up rules.

A Campaign says who to call (its audience), with which agent and script, when
(its weekday windows, always inside the legal hours), and how persistently
(attempts and retry delays). Starting it materialises one CampaignTarget per
lead; the dispatcher (campaigns.dispatch) claims due targets every minute. A
target's ``next_attempt_at`` is its schedule: nothing is ever scheduled with a
delayed Celery message.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from calls.compliance import Reason
from core.shapes import ShapeValidator
from core.transitions import Transitions
from tenants.models import Branch, TenantOwnedModel


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    CANCELED = "canceled", "Canceled"


# The moves a campaign may make (campaigns.services makes them through core.transitions).
CAMPAIGN_MOVES = Transitions(
    {
        CampaignStatus.DRAFT: {CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.CANCELED},
        CampaignStatus.SCHEDULED: {CampaignStatus.RUNNING, CampaignStatus.PAUSED, CampaignStatus.CANCELED},
        CampaignStatus.RUNNING: {CampaignStatus.PAUSED, CampaignStatus.COMPLETED, CampaignStatus.CANCELED},
        CampaignStatus.PAUSED: {CampaignStatus.RUNNING, CampaignStatus.CANCELED, CampaignStatus.COMPLETED},
        CampaignStatus.COMPLETED: set(),
        CampaignStatus.CANCELED: set(),
    },
    audit="campaign",
)

# Written only by campaigns.services (compare-and-swap), never by saving an edited campaign.
LIFECYCLE_FIELDS = frozenset({"status", "pause_reason", "started_at", "finished_at", "resumed_at"})


class ZonePolicy(models.TextChoices):
    LEAD = "lead", "The person's time zone"
    BRANCH = "branch", "The branch's time zone"


# docs/compliance.md#dialer-retries: up to 3 attempts, 4 h and 24 h apart; voicemail and busy their own.
DEFAULT_RETRY_MINUTES = {
    "no_answer": [240, 1440],
    "busy": [30, 240],
    "voicemail": [1440, 1440],
    "failed": [60, 240],
}
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def default_windows():
    return {day: [["09:00", "19:00"]] for day in WEEKDAY_KEYS[:5]} | {"sat": [["10:00", "16:00"]]}


# docs/compliance.md#calling-hours: 08:00 ≤ local time < 21:00 (20:00 where a state says so, applied at dial time).
LEGAL_START, LEGAL_END = "08:00", "21:00"


def validate_calling_windows(value):
    """The shape campaigns.schemas.CALLING_WINDOWS (named by old migrations)."""
    ShapeValidator("campaigns.schemas.CALLING_WINDOWS")(value)


def validate_retry_minutes(value):
    """The shape campaigns.schemas.RETRY_MINUTES (named by old migrations)."""
    ShapeValidator("campaigns.schemas.RETRY_MINUTES")(value)


class AudienceKind(models.TextChoices):
    """Who a campaign calls (campaigns.audiences): the ``kind`` of its audience."""

    FILTER = "filter", "Leads matching the filters below"
    SPEED_TO_LEAD = "speed_to_lead", "New leads nobody contacted within N minutes (standing)"
    NO_SHOWS = "no_shows", "No-shows of the last N days"
    ATTENDED_NOT_JOINED = "attended_not_joined", "Attended, not joined, in the last N days"
    SERVICE_DUE = "service_due", "Vehicles due for service within N days (dealerships)"
    RECALL = "recall", "Owners of the VINs of a recall (dealerships)"
    FOLLOW_UPS = "follow_ups", "Nobody at first: only the leads its follow-up rules send"
    LEADS = "leads", "These leads (a list of ids)"


# Kinds that wait for leads as they come rather than completing when their targets are done.
STANDING_AUDIENCES = frozenset({AudienceKind.SPEED_TO_LEAD, AudienceKind.FOLLOW_UPS})


class Campaign(TenantOwnedModel):
    name = models.CharField(max_length=150)
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    agent = models.ForeignKey("voice.VoiceAgent", on_delete=models.PROTECT, related_name="+")
    script = models.ForeignKey("voice.Script", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=30, editable=False, help_text="From the script.")
    status = models.CharField(max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    pause_reason = models.CharField(max_length=300, blank=True)
    resumed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The circuit breaker counts the calls placed since."
    )
    start_at = models.DateTimeField(null=True, blank=True, help_text="Empty: as soon as it is started.")
    end_at = models.DateTimeField(null=True, blank=True, help_text="Nothing is dialled after this.")
    calling_windows = models.JSONField(
        default=default_windows,
        validators=[ShapeValidator("campaigns.schemas.CALLING_WINDOWS")],
        help_text='Per weekday, e.g. {"mon": [["09:00", "18:00"]]}; always inside the legal calling hours.',
    )
    zone_policy = models.CharField(max_length=10, choices=ZonePolicy.choices, default=ZonePolicy.LEAD)
    max_attempts = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    retry_minutes = models.JSONField(
        default=dict,
        blank=True,
        validators=[ShapeValidator("campaigns.schemas.RETRY_MINUTES")],
        help_text='Minutes between attempts, per outcome, e.g. {"no_answer": [240, 1440]}.',
    )
    no_retry_after_decline = models.BooleanField(
        default=True, help_text="Someone who answered and said no is not called again."
    )
    max_concurrent = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    max_per_hour = models.PositiveIntegerField(null=True, blank=True)
    max_per_day = models.PositiveIntegerField(null=True, blank=True)
    audience = models.JSONField(
        default=dict,
        blank=True,
        validators=[ShapeValidator("campaigns.schemas.AUDIENCE")],
        help_text="Who to call (see campaigns.audiences).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="campaign_status")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.script_id and not self.purpose:
            self.purpose = self.script.purpose
        if not self._state.adding and kwargs.get("update_fields") is None:
            # An edit never writes the lifecycle: the dialer may have paused the campaign since the form loaded.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in LIFECYCLE_FIELDS
            ]
        super().save(*args, **kwargs)

    def retry_delays(self, outcome: str) -> list[int]:
        return (self.retry_minutes or {}).get(outcome) or DEFAULT_RETRY_MINUTES.get(outcome, [])


class TargetStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    QUEUED = "queued", "Queued"
    DIALING = "dialing", "Dialing"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


# Why a target was skipped (or closed without a call): the gate's hard rules, and the campaign's own.
SKIP_REASONS = [
    (reason.value, reason.label)
    for reason in (
        Reason.DNC,
        Reason.DNC_NATIONAL,
        Reason.DNC_STATE,
        Reason.NO_CONSENT,
        Reason.REASSIGNED_NUMBER,
        Reason.REPEAT_AFTER_HANGUP,
        Reason.INVALID_NUMBER,
        Reason.ERASED,
        Reason.TENANT_PAUSED,
        Reason.NO_CALLER_NUMBER,
    )
] + [("ended", "The campaign ended first"), ("already_contacted", "Staff reached them first")]
SKIP_LABELS = dict(SKIP_REASONS)

OPEN_TARGET_STATUSES = [TargetStatus.PENDING, TargetStatus.QUEUED, TargetStatus.DIALING]


class CampaignTarget(TenantOwnedModel):
    audit_exempt = True  # written by the dialer in bulk

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="campaign_targets")
    status = models.CharField(max_length=20, choices=TargetStatus.choices, default=TargetStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_call = models.ForeignKey("calls.Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_outcome = models.CharField(max_length=30, blank=True)
    skip_reason = models.CharField(max_length=30, blank=True, choices=SKIP_REASONS)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When the dialer took it (the lease).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["next_attempt_at", "id"]
        constraints = [models.UniqueConstraint("campaign", "lead", name="target_unique_per_campaign")]
        indexes = [
            models.Index(
                fields=["campaign", "next_attempt_at", "id"],
                name="target_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["campaign", "status"], name="target_campaign_status"),
        ]

    def __str__(self):
        # Names only when already loaded: a target is saved in loops, and the audit log reads its name.
        cached = self._state.fields_cache
        return f"{cached.get('lead') or 'A lead'} in {cached.get('campaign') or 'a campaign'}"

    @classmethod
    def on_lead_merge(cls, survivor, duplicate) -> int:
        """Merging leads: targets move unless the survivor is already in that campaign."""
        taken = set(cls.all_tenants.filter(lead=survivor).values_list("campaign_id", flat=True))
        moved = cls.all_tenants.filter(lead=duplicate).exclude(campaign_id__in=taken).update(lead=survivor)
        cls.all_tenants.filter(lead=duplicate).delete()
        return moved


class FollowUpTrigger(models.TextChoices):
    OUTCOME = "outcome", "An outcome of a campaign call"
    NO_SHOW = "no_show", "An appointment no-show"


class FollowUpRule(TenantOwnedModel):
    """When a call of campaign A ends with one of these outcomes (or a booked appointment is missed),
    enrol the lead in campaign B after a delay."""

    trigger = models.CharField(max_length=20, choices=FollowUpTrigger.choices, default=FollowUpTrigger.OUTCOME)
    source_campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_up_rules"
    )
    outcomes = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("campaigns.schemas.FOLLOW_UP_OUTCOMES")],
        help_text='e.g. ["voicemail", "no_answer"]',
    )
    delay_minutes = models.PositiveIntegerField(default=1440)
    target_campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["id"]

    def __str__(self):
        source = self.source_campaign or "any no-show"
        return f"{source} → {self.target_campaign}"

    def clean(self):
        if self.trigger == FollowUpTrigger.OUTCOME and self.source_campaign_id is None:
            raise ValidationError({"source_campaign": "Say which campaign's outcomes start the follow-up."})
        if self.trigger == FollowUpTrigger.OUTCOME and not self.outcomes:
            raise ValidationError({"outcomes": "Pick the outcomes that start the follow-up."})
        if self.source_campaign_id and self.source_campaign_id == self.target_campaign_id:
            raise ValidationError({"target_campaign": "A campaign cannot follow up into itself."})


class Expense(TenantOwnedModel):
    """A cost the business records beside the providers' call costs (lead lists, ads, a BDC agency),
    counted in the dashboard's cost per appointment (docs/kpis.md#cost-per-appointment) on its date."""

    date = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    description = models.CharField(max_length=200)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses")
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["tenant", "date"], name="expense_tenant_date")]

    def __str__(self):
        return f"{self.date} {self.description} ({self.amount})"
