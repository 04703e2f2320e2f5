"""Voice agents, scripts and provider accounts.

A ProviderAccount is the tenant's account at a voice provider (or the built-in
simulator): its secrets are encrypted at rest and never shown again; its UUID
names its webhook URL. A VoiceAgent is a configured voice at that provider; a
Script is what the agent says and does for one purpose.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.shapes import ShapeValidator
from leads.purposes import MARKETING_PURPOSES, Purpose
from tenants.models import TenantOwnedModel

from . import disclosures
from .crypto import EncryptedTextField


class Provider(models.TextChoices):
    RETELL = "retell", "Retell AI"
    ELEVENLABS = "elevenlabs", "ElevenLabs Agents"
    VAPI = "vapi", "Vapi"
    BLAND = "bland", "Bland AI"
    SIMULATOR = "simulator", "Simulator (no real calls)"


class AccountHealth(models.TextChoices):
    OK = "ok", "OK"
    BAD_CREDENTIALS = "bad_credentials", "Bad credentials"
    OUT_OF_FUNDS = "out_of_funds", "Out of funds"
    PROVIDER_DOWN = "provider_down", "Provider down"


def validate_caller_numbers(value):
    """The shape voice.schemas.CALLER_NUMBERS (named by old migrations)."""
    ShapeValidator("voice.schemas.CALLER_NUMBERS")(value)


class ProviderAccount(TenantOwnedModel):
    provider = models.CharField(max_length=20, choices=Provider.choices)
    label = models.CharField(max_length=100)
    api_key = EncryptedTextField(blank=True, help_text="Write-only: never shown again once saved.")
    webhook_secret = EncryptedTextField(blank=True, help_text="Write-only: never shown again once saved.")
    caller_numbers = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("voice.schemas.CALLER_NUMBERS")],
        help_text="E.164 numbers calls go out from.",
    )
    provider_ids = models.JSONField(
        default=dict,
        blank=True,
        validators=[ShapeValidator("voice.schemas.PROVIDER_IDS")],
        help_text=(
            'What the provider needs besides the agent: ElevenLabs {"agent_phone_number_id": …, "sip_trunk": false}, '
            'Vapi {"phone_number_id": …}. "base_url" overrides the API address (tests, proxies).'
        ),
    )
    concurrency_limit = models.PositiveSmallIntegerField(default=10)
    is_active = models.BooleanField(default=True)
    webhook_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    health = models.CharField(max_length=20, choices=AccountHealth.choices, default=AccountHealth.OK)
    health_message = models.CharField(max_length=500, blank=True)
    health_checked_at = models.DateTimeField(null=True, blank=True)

    audit_redacted_fields = ("api_key", "webhook_secret")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["label"]

    def __str__(self):
        return f"{self.label} ({self.get_provider_display()})"

    @property
    def webhook_path(self) -> str:
        return f"/webhooks/voice/{self.provider}/{self.webhook_uuid}/"

    @property
    def webhook_url(self) -> str:
        """Where the provider must post its webhooks (PUBLIC_BASE_URL + the path)."""
        return settings.PUBLIC_BASE_URL.rstrip("/") + self.webhook_path


class VoiceAgent(TenantOwnedModel):
    name = models.CharField(max_length=100)
    account = models.ForeignKey(ProviderAccount, on_delete=models.PROTECT, related_name="agents")
    provider_agent_id = models.CharField(
        max_length=200, blank=True, help_text="The agent's id at the provider (not needed for the simulator)."
    )
    voice_id = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=20, default="en-US")
    speaking_rate = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("2"))],
    )
    temperature = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=0.7,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("2"))],
    )
    llm_model = models.CharField("LLM model", max_length=100, blank=True, default="gpt-4o-mini")
    system_prompt = models.TextField(
        blank=True, help_text="The agent's standing instructions; {placeholders} are filled per call."
    )
    max_call_seconds = models.PositiveIntegerField(default=300, validators=[MinValueValidator(30)])
    is_active = models.BooleanField(default=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["name"]

    def __str__(self):
        return self.name


class CollectedData(models.TextChoices):
    APPOINTMENT_TIME = "appointment_time", "Appointment time"
    INTEREST = "interest", "Interest"
    CALLBACK_TIME = "callback_time", "Callback time"
    OPT_OUT = "opt_out", "Opt-out"


BUSINESS_NAME_PLACEHOLDER = "{business_name}"


def validate_opening_line(value: str) -> None:
    """docs/compliance.md#disclosures: what every call's opening says (the business, that it is automated, what
    it is about, a number to call back); a marketing script's further ones are checked in Script.clean."""
    disclosures.check_every_call(value)


def is_marketing_purpose(purpose: str, declared: bool) -> bool:
    """A named purpose decides; a custom script says for itself."""
    return declared if purpose == Purpose.CUSTOM else purpose in MARKETING_PURPOSES


def validate_collect(value) -> None:
    """The shape voice.schemas.COLLECT (named by old migrations)."""
    ShapeValidator("voice.schemas.COLLECT")(value)


class Script(TenantOwnedModel):
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    is_marketing = models.BooleanField(
        default=True,
        help_text="Marketing and sales calls need written consent; informational ones (reminders, recalls) do not.",
    )
    opening_line = models.TextField(validators=[validate_opening_line], default=disclosures.DEFAULT_OPENING)
    prompt_template = models.TextField(help_text="What the agent should do; {placeholders} are filled per call.")
    collect = models.JSONField(default=list, blank=True, validators=[ShapeValidator("voice.schemas.COLLECT")])
    version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["name", "-version"]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def clean(self):
        super().clean()
        if is_marketing_purpose(self.purpose, self.is_marketing):
            try:
                disclosures.check_marketing(self.opening_line)
            except ValidationError as error:
                raise ValidationError({"opening_line": error.messages}) from None

    def save(self, *args, **kwargs):
        self.is_marketing = is_marketing_purpose(self.purpose, self.is_marketing)
        super().save(*args, **kwargs)


class SimulatedEvent(TenantOwnedModel):
    """An event the simulator owes a call it took, due at a moment (voice.simulated_events): the simulated
    call's later events are rows, not broker messages, so a broker outage delays them and loses none."""

    account = models.ForeignKey(ProviderAccount, on_delete=models.CASCADE, related_name="+")
    provider_call_id = models.CharField(max_length=200)
    event = models.CharField(max_length=40)
    body = models.JSONField()
    due_at = models.DateTimeField()

    class Meta(TenantOwnedModel.Meta):
        indexes = [models.Index(fields=["tenant", "due_at"], name="simulatedevent_due")]
