"""Tenants (a gym or a dealership), their branches, who works there in which role, and the audit log.

Every model of the other apps that belongs to a tenant inherits ``TenantOwnedModel``.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from core import public_ids
from core.shapes import ShapeValidator

from . import constraint_errors
from .managers import TenantManager
from .roles import Role
from .scoping import TenantScopeError, current_tenant_id, get_current_tenant_id
from .validators import validate_country, validate_e164, validate_time_zone


class User(AbstractUser):
    """A person who logs in: platform staff, or staff of one or more tenants (see Membership)."""

    email = models.EmailField("email address")

    REQUIRED_FIELDS = ["email"]

    class Meta(AbstractUser.Meta):
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Vertical(models.TextChoices):
    GYM = "gym", "Gym"
    DEALERSHIP = "dealership", "Car dealership"


class Tenant(models.Model):
    """A customer business. ``is_active`` is the kill switch for all of its calling."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    vertical = models.CharField(max_length=20, choices=Vertical.choices)
    legal_name = models.CharField(
        "legal business name",
        max_length=200,
        help_text="Said in the first sentence of every call.",
    )
    callback_phone = models.CharField(
        max_length=20,
        validators=[validate_e164],
        help_text="E.164 number people can call back, which accepts opt-outs.",
    )
    country = models.CharField(max_length=2, default="US", validators=[validate_country])
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    language = models.CharField(
        max_length=5,
        choices=[("en", "English"), ("es", "Spanish"), ("fr", "French"), ("de", "German"), ("pt", "Portuguese")],
        default="en",
        help_text="The language of the business's knowledge base (how its words are stemmed for search).",
    )
    is_active = models.BooleanField(
        "calling enabled",
        default=True,
        help_text="Switch off to stop every call of this tenant at once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        from .audit import suspend_audit

        with suspend_audit():
            return super().delete(*args, **kwargs)


class TenantOwnedModel(models.Model):
    """Base of every tenant-owned row: an indexed tenant key set from the scope, never from input."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", editable=False)

    # all_tenants first: Django's default manager is plain, so internals keep working.
    all_tenants = models.Manager()
    objects = TenantManager()

    class Meta:
        abstract = True
        default_manager_name = "all_tenants"

    def save(self, *args, **kwargs):
        scope = get_current_tenant_id()
        if self.tenant_id is None:
            self.tenant_id = current_tenant_id()
        elif scope is not None and scope != self.tenant_id:
            raise TenantScopeError(
                f"Cannot save a {type(self).__name__} of tenant {self.tenant_id} in the scope of tenant {scope}."
            )
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        """The tenant's unique rules are checked with the form (the tenant is not one of its fields, so
        Django would skip every rule that names it) and refused in words (tenants.constraint_errors)."""
        if self.tenant_id is None:
            self.tenant_id = get_current_tenant_id()
        if self.tenant_id is not None and exclude:
            exclude = set(exclude) - {"tenant"}
        constraint_errors.validate(self, exclude)

    @property
    def public_id(self) -> str:
        """How pages and the API name this row (core.public_ids)."""
        return public_ids.of(self)


class Branch(TenantOwnedModel):
    """A location of the tenant: a club, a dealership rooftop or service lane."""

    name = models.CharField(max_length=120)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, default="US", validators=[validate_country])
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    business_hours = models.JSONField(
        default=dict,
        blank=True,
        validators=[ShapeValidator("tenants.schemas.BUSINESS_HOURS")],
        help_text='Per weekday, open-close pairs, e.g. {"mon": [["06:00", "22:00"]]}.',
    )

    class Meta(TenantOwnedModel.Meta):
        ordering = ["name"]
        verbose_name_plural = "branches"
        constraints = [models.UniqueConstraint("tenant", "name", name="branch_name_unique_per_tenant")]

    def __str__(self):
        return self.name


class Membership(TenantOwnedModel):
    """A user's role in one tenant. Roles map to Django groups with model permissions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    default_branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_active = models.BooleanField(default=True)
    invited = models.BooleanField(
        default=False,
        help_text="Invited with an account they already had: no rights here until they accept (tenants.invitations).",
    )
    daily_summary = models.BooleanField(
        "email me a daily summary",
        default=False,
        help_text="Each morning, yesterday's calls, appointments and what needs a person (managers and up).",
    )
    daily_summary_sent_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["user__email"]
        constraints = [models.UniqueConstraint("user", "tenant", name="membership_unique_per_user_and_tenant")]

    def __str__(self):
        return f"{self.user.email} ({self.get_role_display()})"


class AuditLog(TenantOwnedModel):
    """Who changed what, when and from where. Written by tenants.audit only."""

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="auditlog_tenant_time"),
            models.Index(fields=["tenant", "object_type", "object_id"], name="auditlog_tenant_object"),
        ]

    def __str__(self):
        return f"{self.action}: {self.object_repr or self.object_type}"


class IdempotencyKey(TenantOwnedModel):
    """A POST the API was asked to do at most once: its key, what it was, and the answer it gave.

    Claimed before the work starts (``in_progress``, with a lease), settled after the work's
    transaction: a 2xx answer is kept for a day and replayed to a retry; any other answer frees
    the key. See tenants.api.idempotency.
    """

    IN_PROGRESS = "in_progress"
    DONE = "done"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request's method, path and body.")
    state = models.CharField(max_length=12, default=IN_PROGRESS)
    lease_until = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    audit_exempt = True

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint("tenant", "user", "key", name="idempotency_key_unique_per_user")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self):
        return f"{self.method} {self.path} ({self.key})"
