"""Appointments, availability and reminders.

An ``AvailabilityRule`` is a resource with a capacity: a trainer's tour hours, a service lane
that takes four cars every 30 minutes. Free slots are the rules' slots, minus closures, minus the
appointments already holding them, after the minimum notice (see ``appointments.availability``).
Booking locks the branch row, so capacity holds under concurrent bookings on PostgreSQL (see
``appointments.services.book``). A reschedule moves the same appointment and records the move.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.shapes import ShapeValidator
from core.transitions import Transitions
from tenants.models import Branch, TenantOwnedModel


class Kind(models.TextChoices):
    TOUR = "tour", "Tour"
    TRIAL_CLASS = "trial_class", "Trial class"
    CONSULTATION = "consultation", "Consultation"
    SERVICE = "service", "Service"
    TEST_DRIVE = "test_drive", "Test drive"
    OTHER = "other", "Other"


# What each kind of business books: the kinds its booking form offers (first: the one it starts with).
KINDS_FOR_VERTICAL = {
    "gym": [Kind.TOUR, Kind.TRIAL_CLASS, Kind.CONSULTATION, Kind.OTHER],
    "dealership": [Kind.SERVICE, Kind.TEST_DRIVE, Kind.CONSULTATION, Kind.OTHER],
}


# What a call of each script purpose books (the first the branch offers).
KINDS_FOR_PURPOSE = {
    "lead_followup": [Kind.TOUR, Kind.TRIAL_CLASS, Kind.TEST_DRIVE, Kind.CONSULTATION],
    "trial_booking": [Kind.TRIAL_CLASS, Kind.TOUR],
    "win_back": [Kind.TOUR, Kind.CONSULTATION, Kind.TEST_DRIVE],
    "service_reminder": [Kind.SERVICE],
    "recall": [Kind.SERVICE],
    "custom": [Kind.CONSULTATION, Kind.TOUR, Kind.SERVICE, Kind.OTHER],
}


class Status(models.TextChoices):
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"
    CANCELED = "canceled", "Canceled"


ACTIVE_STATUSES = [Status.BOOKED, Status.CONFIRMED]  # they hold a slot and are still to come
HOLDING_STATUSES = [Status.BOOKED, Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW]  # they used a slot
# The moves an appointment may make (appointments.services makes them through core.transitions; the admin's
# buttons are derived from this table).
STATUS_MOVES = Transitions(
    {
        Status.BOOKED: {Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW, Status.CANCELED},
        Status.CONFIRMED: {Status.ATTENDED, Status.NO_SHOW, Status.CANCELED, Status.BOOKED},
        Status.NO_SHOW: {Status.ATTENDED},  # marked by mistake: they did come
        Status.ATTENDED: set(),
        Status.CANCELED: set(),
    },
    audit="appointment",
)


class Source(models.TextChoices):
    STAFF = "staff", "Staff"
    API = "api", "API"
    AI_CALL = "ai_call", "AI call"


WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class AvailabilityRule(TenantOwnedModel):
    """On this weekday, between these hours, the branch (or one staff member) takes ``capacity``
    appointments of these kinds per slot."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="A trainer or advisor whose own hours these are; empty for the branch (e.g. a service lane).",
    )
    weekday = models.PositiveSmallIntegerField(choices=list(enumerate(WEEKDAY_NAMES)))
    opens = models.TimeField()
    closes = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField(default=60, validators=[MinValueValidator(5)])
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(500)], help_text="Appointments per slot."
    )
    kinds = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("appointments.schemas.RULE_KINDS")],
        help_text='Kinds served, e.g. ["service"]; empty means all.',
    )
    min_notice_minutes = models.PositiveIntegerField(default=60, help_text="How soon the first bookable slot is.")
    is_active = models.BooleanField(default=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["branch", "weekday", "opens"]
        indexes = [models.Index(fields=["branch", "weekday"], name="availability_branch_day")]

    def __str__(self):
        who = f" ({self.staff})" if self.staff_id else ""
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}{who}"

    def clean(self):
        errors = {}
        if self.opens and self.closes and self.opens >= self.closes:
            errors["closes"] = "Closing time must be after opening time."
        if errors:
            raise ValidationError(errors)

    def serves(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Closure(TenantOwnedModel):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty: just the one day.")
    reason = models.CharField(max_length=200, blank=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["start_date"]

    def __str__(self):
        until = f"–{self.end_date}" if self.end_date and self.end_date != self.start_date else ""
        return f"{self.start_date}{until} {self.reason}".strip()

    def clean(self):
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The closure must end on or after its first day."})

    @property
    def last_day(self):
        return self.end_date or self.start_date


class Appointment(TenantOwnedModel):
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        "leads.Lead",
        on_delete=models.SET_NULL,
        null=True,
        related_name="appointments",
        help_text="Empty once the person was erased (the appointment stays in the figures).",
    )
    vehicle = models.ForeignKey("leads.Vehicle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(
        AvailabilityRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The availability (and capacity) it was booked under.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    call = models.ForeignKey("calls.Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it was canceled or marked a no-show.")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["branch", "start"], name="appointment_branch_start"),
            models.Index(fields=["lead", "start"], name="appointment_lead_start"),
            models.Index(fields=["staff", "start"], name="appointment_staff_start"),
            models.Index(fields=["status", "end"], name="appointment_status_end"),
            # The dashboard's bookings and show rate, read from the index alone (analytics.metrics.appointments).
            models.Index(
                fields=["tenant", "created_at"],
                name="appointment_tenant_created_kpi",
                include=["lead_id", "branch_id", "staff_id"],
            ),
            models.Index(
                fields=["tenant", "start"],
                name="appointment_tenant_start_kpi",
                include=["status", "branch_id", "staff_id"],
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="appointment_ends"),
            # One person holds one live booking per start time, however many doors asked at once.
            models.UniqueConstraint(
                fields=["lead", "start"],
                condition=models.Q(status__in=["booked", "confirmed"], lead__isnull=False),
                name="appointment_one_live_booking_per_lead_and_start",
                violation_error_message="This person already has an appointment at that time.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.local_start:%a %d %b %H:%M}"

    @property
    def local_start(self):
        """The start in the branch's time zone (the time on the shop's wall)."""
        return self.start.astimezone(ZoneInfo(self.branch.time_zone or "UTC"))

    @property
    def local_end(self):
        return self.end.astimezone(ZoneInfo(self.branch.time_zone or "UTC"))


class AppointmentMove(TenantOwnedModel):
    """A reschedule: where the appointment was, where it went, who moved it."""

    audit_exempt = True  # the move is itself the record

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="moves")
    from_start = models.DateTimeField()
    to_start = models.DateTimeField()
    moved_at = models.DateTimeField(default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["moved_at"]

    def __str__(self):
        """In the branch's zone, as the appointment's own time is shown (the shop's wall clock)."""
        zone = ZoneInfo(self.appointment.branch.time_zone or "UTC")
        return f"{self.from_start.astimezone(zone):%d %b %H:%M} → {self.to_start.astimezone(zone):%d %b %H:%M}"


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"
    CALL = "call", "Reminder call"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


class Reminder(TenantOwnedModel):
    audit_exempt = True  # created and sent in bulk

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    send_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["send_at", "id"]
        indexes = [
            models.Index(fields=["send_at", "id"], name="reminder_due", condition=models.Q(status="pending")),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} at {timezone.localtime(self.send_at):%d %b %H:%M}"


DEFAULT_SMS_TEMPLATE = (
    "Hi {first_name}, a reminder of your {kind} at {branch} on {when}. "
    "To change it, call {phone}. Reply STOP to opt out."
)
DEFAULT_EMAIL_SUBJECT = "Your {kind} at {branch}, {when}"
DEFAULT_EMAIL_TEMPLATE = (
    "Hi {first_name},\n\nThis is a reminder of your {kind} at {branch} ({address}) on {when}.\n\n"
    "If you need to change it, call us on {phone}.\n\n{business}"
)


def default_offsets():
    return {"default": [1440, 120]}


def default_channels():
    return ["sms", "email"]


class AppointmentSettings(TenantOwnedModel):
    """Per tenant: when and how reminders go out, their wording, and how bookings from calls behave."""

    reminder_offsets = models.JSONField(
        default=default_offsets,
        validators=[ShapeValidator("appointments.schemas.REMINDER_OFFSETS")],
        help_text='Minutes before the start, per kind, e.g. {"default": [1440, 120], "service": [2880]}.',
    )
    reminder_channels = models.JSONField(
        default=default_channels,
        blank=True,
        validators=[ShapeValidator("appointments.schemas.REMINDER_CHANNELS")],
        help_text='Any of "sms", "email", "call"; empty sends no reminders.',
    )
    reminder_call_script = models.ForeignKey(
        "voice.Script",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="For the 'call' channel: a script of purpose appointment reminder.",
    )
    reminder_call_agent = models.ForeignKey(
        "voice.VoiceAgent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sms_template = models.TextField(default=DEFAULT_SMS_TEMPLATE)
    email_subject = models.CharField(max_length=200, default=DEFAULT_EMAIL_SUBJECT)
    email_template = models.TextField(default=DEFAULT_EMAIL_TEMPLATE)
    no_show_grace_minutes = models.PositiveIntegerField(
        default=30, help_text="An appointment nobody marked is a no-show this long after it ended."
    )
    call_booking_window_minutes = models.PositiveIntegerField(
        default=120, help_text="A time agreed in a call but taken meanwhile: book the nearest free slot this close."
    )

    class Meta(TenantOwnedModel.Meta):
        verbose_name = "appointment settings"
        verbose_name_plural = "appointment settings"
        constraints = [models.UniqueConstraint("tenant", name="appointment_settings_one_per_tenant")]

    def __str__(self):
        return "Appointment settings"

    def offsets_for(self, kind: str) -> list[int]:
        offsets = self.reminder_offsets or default_offsets()
        return list(offsets.get(kind, offsets.get("default", [])))

    def channels(self) -> list[str]:
        return list(self.reminder_channels or [])

    def clean(self):
        # The channels' shape is the field's (appointments.schemas.REMINDER_CHANNELS); this is the rule across fields.
        calls = Channel.CALL in (self.reminder_channels if isinstance(self.reminder_channels, list) else [])
        if calls and not (self.reminder_call_script_id and self.reminder_call_agent_id):
            raise ValidationError({"reminder_call_script": "Reminder calls need a script and an agent."})


class CalendarFeed(TenantOwnedModel):
    """A secret URL serving a branch's (or one staff member's) appointments as an iCalendar feed."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]

    def __str__(self):
        return f"Feed of {self.staff or self.branch or 'every branch'}"

    @property
    def public_url(self) -> str:
        """The address calendars subscribe to (PUBLIC_BASE_URL + the secret path)."""
        from django.urls import reverse

        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("calendar-feed", args=[self.token])

    def save(self, *args, **kwargs):
        if not self.token:
            import secrets

            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)
