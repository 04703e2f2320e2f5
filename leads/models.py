"""Leads and customers: Lead, Tag, Vehicle, Consent, DoNotCall, the stage history, imports, erasure suppression.

A lead is the person staff and the voice agent work with: a gym prospect or a
dealership customer. Phone numbers are E.164 and unique per tenant; the
do-not-call list and erasure suppressions are keyed by phone, so they outlive
the lead.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from core import public_ids
from core.shapes import ShapeValidator
from tenants.managers import TenantManager, TenantQuerySet
from tenants.models import Branch, Tenant, TenantOwnedModel
from tenants.scoping import current_tenant_id
from tenants.validators import validate_e164, validate_time_zone

from .pipeline import Stage
from .search import SEARCHED_FIELDS, search_text_of


class Source(models.TextChoices):
    WEB_FORM = "web_form", "Web form"
    FACEBOOK_LEAD_AD = "facebook_lead_ad", "Facebook lead ad"
    WALK_IN = "walk_in", "Walk-in"
    PHONE = "phone", "Phone"
    REFERRAL = "referral", "Referral"
    INSTAGRAM = "instagram", "Instagram"
    GOOGLE_ADS = "google_ads", "Google Ads"
    IMPORT = "import", "Import"
    OTHER = "other", "Other"


class Tag(TenantOwnedModel):
    name = models.CharField(max_length=60)
    colour = models.CharField(
        max_length=7,
        default="#6366f1",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #6366f1.")],
    )

    class Meta(TenantOwnedModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("tenant", models.functions.Lower("name"), name="tag_name_unique_per_tenant_ci")
        ]

    def __str__(self):
        return self.name


class LeadQuerySet(TenantQuerySet):
    """Bulk writes keep ``search_text`` in step with the name and email, as ``Lead.save`` does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for lead in objs:
            lead.search_text = search_text_of(lead)
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        if SEARCHED_FIELDS.intersection(fields):
            objs = list(objs)
            for lead in objs:
                lead.search_text = search_text_of(lead)
            fields = [*fields, "search_text"] if "search_text" not in fields else fields
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True


class LeadManager(TenantManager.from_queryset(LeadQuerySet)):
    """``Lead.objects``: scoped to the tenant, with bulk writes that keep the search text."""


class Lead(TenantOwnedModel):
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, validators=[validate_e164], help_text="E.164, e.g. +13055550123.")
    email = models.EmailField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    lost_reason = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="leads")
    score = models.PositiveSmallIntegerField(default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    score_explanation = models.JSONField(default=list, blank=True, editable=False)
    interest = models.CharField(max_length=120, blank=True, help_text="What they asked about, in their words.")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Leave empty to use the phone's area code, else the branch's time zone.",
    )
    region = models.CharField(
        "state / region",
        max_length=10,
        blank=True,
        help_text="From the person's address, e.g. FL (not from the phone).",
    )
    notes = models.TextField(blank=True)
    custom_fields = models.JSONField(
        default=dict, blank=True, validators=[ShapeValidator("leads.schemas.CUSTOM_FIELDS")]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    first_contacted_at = models.DateTimeField(null=True, blank=True, help_text="For speed to lead.")
    imported_history = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Dated by its import file: it arrived before it was imported, and takes no part in speed to "
        "lead (leads.importing.history).",
    )
    funnel_step = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,  # rows copied in by the importer (COPY) name only their own columns
        editable=False,
        help_text="The furthest funnel step its past stages reached (leads.pipeline).",
    )
    next_action_at = models.DateTimeField(null=True, blank=True)
    source_import = models.ForeignKey(
        "LeadImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # The name and email folded for search (leads.search); indexed on PostgreSQL (migration 0010).
    search_text = models.TextField(blank=True, default="", db_default="", editable=False)

    objects = LeadManager()

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at", "-id"]
        permissions = [
            ("erase_lead", "Can erase a person (data subject request)"),
            ("export_lead", "Can export leads and a person's data"),
        ]
        constraints = [models.UniqueConstraint("tenant", "phone", name="lead_phone_unique_per_tenant")]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="lead_tenant_created"),
            # The dashboard's cohort of new leads (speed to lead, the funnel), index-only.
            models.Index(
                fields=["tenant", "created_at"],
                name="lead_tenant_created_kpi",
                include=["stage", "funnel_step", "first_contacted_at", "imported_history", "branch", "owner"],
            ),
            models.Index(fields=["tenant", "stage", "-score", "-id"], name="lead_tenant_stage_score"),
            models.Index(fields=["tenant", "-score", "-id"], name="lead_tenant_score"),
            models.Index(fields=["tenant", "source"], name="lead_tenant_source"),
            models.Index(fields=["tenant", "owner"], name="lead_tenant_owner"),
            models.Index(fields=["tenant", "branch"], name="lead_tenant_branch"),
            models.Index(fields=["tenant", "next_action_at"], name="lead_tenant_next_action"),
            models.Index(fields=["tenant", "last_contacted_at"], name="lead_tenant_last_contact"),
            models.Index(fields=["tenant", "email"], name="lead_tenant_email"),
            models.Index(
                fields=["tenant", "created_at"],
                name="lead_tenant_uncontacted",
                condition=models.Q(stage="new", first_contacted_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.full_name or self.phone

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        searched = update_fields is None or SEARCHED_FIELDS.intersection(update_fields)
        if searched and not SEARCHED_FIELDS.intersection(self.get_deferred_fields()):
            self.search_text = search_text_of(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# The lead–tag link table (its unique (lead, tag) index serves the tag filter).
LeadTag = Lead.tags.through


class StageChange(TenantOwnedModel):
    """The history of a lead's stage, for the timeline and the funnel."""

    audit_exempt = True  # written by services, which are audited as operations

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    reason = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["lead", "changed_at"], name="stagechange_lead_time"),
            # How far a lead got (the funnel), index-only.
            models.Index(fields=["lead", "to_stage"], name="stagechange_lead_stage"),
            models.Index(fields=["tenant", "to_stage", "changed_at"], name="stagechange_tenant_stage_time"),
        ]

    def __str__(self):
        return f"{self.from_stage or '—'} → {self.to_stage}"


class Note(TenantOwnedModel):
    """A note staff (or the product) wrote on a lead; part of the timeline."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="lead_notes")
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["lead", "created_at"], name="note_lead_time")]

    def __str__(self):
        return self.body[:60]


VIN_PATTERN = r"^[A-HJ-NPR-Z0-9]{17}$"


class OwnershipStatus(models.TextChoices):
    OWNED = "owned", "Owned"
    LEASED = "leased", "Leased"
    FINANCED = "financed", "Financed"
    SOLD = "sold", "Sold / traded in"
    UNKNOWN = "unknown", "Unknown"


class Vehicle(TenantOwnedModel):
    """A dealership customer's car. The next service is due by time or by mileage, whichever comes first."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="vehicles")
    vin = models.CharField(
        "VIN",
        max_length=17,
        validators=[RegexValidator(VIN_PATTERN, "A VIN has 17 letters and digits, without I, O or Q.")],
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    make = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=60, blank=True)
    mileage = models.PositiveIntegerField(null=True, blank=True)
    mileage_read_at = models.DateField(null=True, blank=True)
    last_service_date = models.DateField(null=True, blank=True)
    last_service_mileage = models.PositiveIntegerField(null=True, blank=True)
    service_interval_months = models.PositiveSmallIntegerField(default=6)
    service_interval_miles = models.PositiveIntegerField(default=5000)
    next_service_due = models.DateField(null=True, blank=True, editable=False)
    ownership_status = models.CharField(max_length=20, choices=OwnershipStatus.choices, default=OwnershipStatus.OWNED)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-year", "make"]
        constraints = [models.UniqueConstraint("tenant", "vin", name="vehicle_vin_unique_per_tenant")]
        indexes = [models.Index(fields=["tenant", "next_service_due"], name="vehicle_tenant_service_due")]

    def __str__(self):
        return " ".join(str(part) for part in (self.year, self.make, self.model) if part) or self.vin

    def save(self, *args, **kwargs):
        from .vehicles import next_service_due

        self.vin = (self.vin or "").strip().upper()
        self.next_service_due = next_service_due(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "next_service_due"}
        super().save(*args, **kwargs)


class ConsentKind(models.TextChoices):
    EXPRESS_WRITTEN = "express_written", "Prior express written consent"
    EXPRESS = "express", "Prior express consent"


class ConsentSource(models.TextChoices):
    FORM = "form", "Web form"
    PAPER = "paper", "Paper"
    IMPORT = "import", "Import"
    CALL = "call", "Call"
    API = "api", "API"


class Consent(TenantOwnedModel):
    """Permission to call a number for some purposes, with its evidence. Revoked, it no longer counts."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    purposes = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("leads.schemas.CONSENT_PURPOSES")],
        help_text="Script purposes covered (e.g. lead_followup, appointment_reminder); empty means all.",
    )
    phone = models.CharField(max_length=20, validators=[validate_e164], help_text="The number this consent covers.")
    captured_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=ConsentSource.choices)
    source_detail = models.CharField(max_length=300, blank=True, help_text="Form URL, document reference…")
    disclosure_version = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-captured_at"]
        indexes = [models.Index(fields=["tenant", "phone"], name="consent_tenant_phone")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.phone}"

    def covers(self, purpose: str) -> bool:
        return self.revoked_at is None and (not self.purposes or purpose in self.purposes)


class DncSource(models.TextChoices):
    CALL = "call", "Said so in a call"
    STAFF = "staff", "Staff"
    API = "api", "API"
    IMPORT = "import", "Import"


class DoNotCall(TenantOwnedModel):
    """The tenant's do-not-call list, by number: it stops every campaign at once and outlives the lead."""

    phone = models.CharField(max_length=20, validators=[validate_e164])
    reason = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=20, choices=DncSource.choices, default=DncSource.STAFF)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        verbose_name = "do-not-call entry"
        verbose_name_plural = "do-not-call list"
        constraints = [models.UniqueConstraint("tenant", "phone", name="dnc_phone_unique_per_tenant")]

    def __str__(self):
        return self.phone


NATIONAL_REGISTRY = "US"  # the registry code of the National Do Not Call Registry; a state's list has the state's


class RegistryFile(TenantOwnedModel):
    """A do-not-call registry file the business downloaded as a registered seller and imported: the National
    Registry's area-code files, or a state's list (docs/compliance.md#do-not-call-registries). Its numbers
    replace those of the area codes it covers; its date is the scrub's date."""

    registry = models.CharField(max_length=2, help_text="US for the National Do Not Call Registry, else the state.")
    area_codes = models.JSONField(default=list, blank=True, help_text="The area codes the file covered.")
    downloaded_on = models.DateField(help_text="The day the file was downloaded from the registry.")
    imported_at = models.DateTimeField(default=timezone.now)
    numbers = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-downloaded_on", "-imported_at"]
        verbose_name = "do-not-call registry file"

    def __str__(self):
        count = len(self.area_codes)
        codes = f"{count} area code{'' if count == 1 else 's'}"
        covered = codes if self.registry == NATIONAL_REGISTRY else "the state list"
        return f"{self.registry} registry, {covered}, downloaded {self.downloaded_on}"


class RegistryNumber(TenantOwnedModel):
    """A number on a do-not-call registry, as of the business's latest file covering its area code: its ten
    national digits, so ten million of them are small and a batch of leads is looked up in one query."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False)
    registry = models.CharField(max_length=2)
    number = models.BigIntegerField()

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            # number before registry: a batch's numbers are looked up in every registry by one index range each
            models.UniqueConstraint("tenant", "number", "registry", name="registry_number_unique_per_tenant")
        ]

    def __str__(self):
        return f"+1{self.number} ({self.registry})"


class ReassignedResult(models.TextChoices):
    YES = "yes", "Permanently disconnected since that date"
    NO = "no", "Not disconnected since that date"
    NO_DATA = "no_data", "No data"


class ReassignedCheck(TenantOwnedModel):
    """One answer of the FCC's Reassigned Numbers Database, imported from the business's query results: was
    this number permanently disconnected since the date asked about? (docs/compliance.md#reassigned-numbers)"""

    phone = models.CharField(max_length=20, validators=[validate_e164])
    asked_about = models.DateField(help_text="The date the query asked about (the consent's date).")
    result = models.CharField(max_length=10, choices=ReassignedResult.choices)
    checked_on = models.DateField(help_text="The day the database was queried.")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-checked_on", "-imported_at"]
        indexes = [models.Index(fields=["tenant", "phone"], name="reassigned_tenant_phone")]
        verbose_name = "reassigned-number check"

    def __str__(self):
        return f"{self.phone}: {self.get_result_display().lower()} ({self.asked_about})"


def suppression_hash(tenant_id: int, e164: str) -> str:
    """What an erased person's number leaves: an HMAC under SUPPRESSION_KEY, a key kept out of the database,
    so the hashes cannot be reversed by trying every number of an area code (docs/operations.md#erasure).
    It is taken of the unkeyed SHA-256 the product once stored, so stored rows were re-keyed in place."""
    return _keyed(hashlib.sha256(f"{tenant_id}:{e164}".encode()).hexdigest())


def _keyed(legacy_digest: str) -> str:
    key = settings.SUPPRESSION_KEY or f"development-only:{settings.SECRET_KEY}"
    return hmac.new(key.encode(), legacy_digest.encode(), hashlib.sha256).hexdigest()


class ErasureSuppression(TenantOwnedModel):
    """All that remains of an erased person: a hash of their number, so they are never called again."""

    audit_exempt = True  # the erasure's own audit entry is the record; the hash never reaches the log

    phone_hash = models.CharField(max_length=64)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint("tenant", "phone_hash", name="suppression_unique_per_tenant")]

    def __str__(self):
        return f"erased {self.erased_at:%Y-%m-%d}"


class PipelineSettings(TenantOwnedModel):
    """Per-tenant lead settings: stage names and the scoring rules (see leads.scoring)."""

    stage_labels = models.JSONField(
        default=dict,
        blank=True,
        validators=[ShapeValidator("leads.schemas.STAGE_LABELS")],
        help_text='Rename stages, e.g. {"won": "Member"}.',
    )
    scoring_rules = models.JSONField(
        default=dict,
        blank=True,
        validators=[ShapeValidator("leads.schemas.SCORING_RULES")],
        help_text="Overrides of the default scoring rules (see the API docs).",
    )

    class Meta(TenantOwnedModel.Meta):
        verbose_name = "pipeline settings"
        verbose_name_plural = "pipeline settings"
        constraints = [models.UniqueConstraint("tenant", name="pipeline_settings_one_per_tenant")]

    def __str__(self):
        return "Pipeline settings"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DuplicatePolicy(models.TextChoices):
    SKIP = "skip", "Skip the row"
    UPDATE = "update", "Update the existing lead"
    MERGE = "merge", "Fill in what the existing lead lacks"


def import_upload_path(instance, filename):
    folder = public_ids.encode(Tenant, instance.tenant_id or current_tenant_id())  # per tenant, without its key
    return f"imports/{folder}/{timezone.now():%Y/%m}/{filename}"


class LeadImport(TenantOwnedModel):
    """One CSV import: the file, who ran it, its options and what happened to each row."""

    audit_exempt = True  # progress is saved many times; the import itself is the audited act

    file = models.FileField(upload_to=import_upload_path, max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    queued_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Sent to a worker (a preview is not, until confirmed)."
    )
    alive_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="While running: when the run last saved its progress."
    )
    dry_run = models.BooleanField(default=False)
    on_duplicate = models.CharField(max_length=10, choices=DuplicatePolicy.choices, default=DuplicatePolicy.SKIP)
    options = models.JSONField(default=dict, blank=True)
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors (all are in the report).")
    error_report = models.FileField(upload_to=import_upload_path, max_length=300, blank=True)
    failure = models.TextField(blank=True, help_text="Why the whole file could not be imported.")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, int(self.bytes_read * 100 / self.bytes_total)) if self.bytes_total else 0
