"""The knowledge base: what the agents may say about prices, hours, classes, services and policies.

A ``KnowledgeEntry`` is written in the admin (Markdown); a ``Document`` is an uploaded file whose text is
extracted by a task. Both are cut into ``Chunk`` rows, the unit of search: on PostgreSQL each chunk
has a weighted ``tsvector`` (title over body, the tenant's language) behind a GIN index, and a
trigram index for typos (see ``knowledge/search.py``); on SQLite a row of the FTS5 index
``knowledge_chunk_fts``, written by triggers (``knowledge/fts5.py``). Chunks copy their source's
branch, category and active flag, so search filters one table.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from core import public_ids
from core.shapes import ShapeValidator
from tenants.models import Branch, Tenant, TenantOwnedModel
from tenants.scoping import current_tenant_id

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}


class Category(models.TextChoices):
    PRICING = "pricing", "Pricing"
    HOURS = "hours", "Hours"
    CLASSES = "classes", "Classes"
    AMENITIES = "amenities", "Amenities"
    POLICIES = "policies", "Policies"
    SERVICES = "services", "Services"
    FINANCING = "financing", "Financing"
    FAQ = "faq", "FAQ"
    OTHER = "other", "Other"


class KnowledgeEntry(TenantOwnedModel):
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="Empty: every branch."
    )
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: ## headings, - lists, **bold**.")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    tags = models.JSONField(
        default=list,
        blank=True,
        validators=[ShapeValidator("knowledge.schemas.TAGS")],
        help_text='e.g. ["membership", "students"]',
    )
    is_active = models.BooleanField("active", default=True, help_text="Inactive entries are never searched or said.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["category", "title"]
        verbose_name = "knowledge entry"
        verbose_name_plural = "knowledge entries"

    def __str__(self):
        return self.title


class DocumentStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def upload_path(document, filename: str) -> str:
    folder = public_ids.encode(Tenant, document.tenant_id or current_tenant_id())  # a folder per tenant, no key
    return f"knowledge/{folder}/{timezone.now():%Y/%m}/{filename}"


class Document(TenantOwnedModel):
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="Empty: every branch."
    )
    title = models.CharField(max_length=200, blank=True, help_text="Empty: the file's name.")
    file = models.FileField(upload_to=upload_path)
    original_name = models.CharField(max_length=255, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    is_active = models.BooleanField("active", default=True)
    status = models.CharField(
        max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.PROCESSING, editable=False
    )
    error = models.TextField(blank=True, editable=False)
    text_chars = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="Last sent for processing.")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]

    def __str__(self):
        return self.title or self.original_name


class Chunk(TenantOwnedModel):
    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="chunks")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, blank=True, related_name="chunks")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=400, help_text="The source's title and the section heading.")
    text = models.TextField()
    size = models.PositiveIntegerField(help_text="Words.")
    # Copied from the source, so search filters this one table.
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    is_active = models.BooleanField(default=True)
    search = SearchVectorField(null=True, editable=False)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=False, document__isnull=True)
                | models.Q(entry__isnull=True, document__isnull=False),
                name="chunk_of_entry_or_document",
            ),
        ]
        # The GIN indexes (tsvector, trigrams) are PostgreSQL-only: created in migration 0002.

    def __str__(self):
        return f"{self.title} #{self.position + 1}"

    @property
    def source(self):
        return self.entry if self.entry_id else self.document


class Word(TenantOwnedModel):
    """The tenant's vocabulary (every word of its chunks), for correcting typos in searches by trigram
    similarity before full-text search runs again (see ``knowledge/search.py``)."""

    word = models.CharField(max_length=40)

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint("tenant", "word", name="knowledge_word_unique_per_tenant")]

    def __str__(self):
        return self.word
