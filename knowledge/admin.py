"""The knowledge base in the admin: entries (Markdown with a rendered preview), documents (upload,
status, chunks, the reason a file failed), and a "Try a search" page with ranked, highlighted results."""

import markdown
import nh3
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextInputWidget

from core import public_ids
from tenants.admin_base import ReadOnlyAdminMixin, TenantModelAdmin, TenantTabularInline
from tenants.models import Branch

from . import search, services
from .models import Chunk, Document, DocumentStatus, KnowledgeEntry

STATUS_COLOURS = {"Processing": "info", "Ready": "success", "Failed": "danger"}
PREVIEW_STYLE = (
    "<style>.kb-preview h1,.kb-preview h2,.kb-preview h3{font-weight:600;margin:.75rem 0 .25rem}"
    ".kb-preview h2{font-size:1.1rem}.kb-preview ul{list-style:disc;padding-left:1.25rem}"
    ".kb-preview ol{list-style:decimal;padding-left:1.25rem}.kb-preview p{margin:.4rem 0}"
    ".kb-preview table{border-collapse:collapse}"
    ".kb-preview td,.kb-preview th{border:1px solid #ddd;padding:.2rem .5rem}"
    "</style>"
)


def rendered(markdown_text: str) -> str:
    """Markdown as sanitised HTML (nothing the author typed can run in a colleague's browser)."""
    return nh3.clean(markdown.markdown(markdown_text or "", extensions=["sane_lists", "tables"]))


class ChunkInline(ReadOnlyAdminMixin, TenantTabularInline):
    model = Chunk
    fields = ["position", "title", "size", "text"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    verbose_name_plural = "chunks (what search and the agents see)"


class EntryForm(forms.ModelForm):
    tags_text = forms.CharField(
        label="Tags",
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text="Comma-separated, e.g. membership, students.",
    )

    class Meta:
        model = KnowledgeEntry
        fields = ["title", "category", "branch", "body", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags_text"].initial = ", ".join(self.instance.tags or [])

    def clean_tags_text(self):
        return [tag.strip() for tag in self.cleaned_data["tags_text"].split(",") if tag.strip()]


@admin.register(KnowledgeEntry)
class EntryAdmin(TenantModelAdmin):
    form = EntryForm
    list_display = ["title", "category", "branch", "tag_list", "is_active", "updated_at", "updated_by"]
    list_filter = ["category", "branch", "is_active"]
    list_select_related = ["branch", "updated_by"]
    search_fields = ["title", "body"]
    ordering = ["category", "title"]
    fieldsets = [
        (None, {"fields": ["title", "category", "branch", "tags_text", "is_active"]}),
        ("Text", {"fields": ["body", "preview"]}),
        ("History", {"fields": ["updated_by", "updated_at", "created_at"]}),
    ]
    readonly_fields = ["preview", "updated_by", "updated_at", "created_at"]
    inlines = [ChunkInline]
    actions_list = ["try_search"]

    @display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(obj.tags or [])

    @display(description="Preview")
    def preview(self, obj):
        if not obj.pk:
            return "Save to see the entry as the agents and staff read it."
        return mark_safe(f'{PREVIEW_STYLE}<div class="kb-preview">{rendered(obj.body)}</div>')  # sanitised by nh3

    def save_model(self, request, obj, form, change):
        obj.tags = form.cleaned_data.get("tags_text", [])
        services.save_entry(obj, actor=request.user)

    def get_urls(self):
        view = self.admin_site.admin_view(self.search_view)
        return [path("search/", view, name="knowledge_knowledgeentry_search"), *super().get_urls()]

    @action(description="Try a search", url_path="try-search", icon="search", permissions=["view"])
    def try_search(self, request):
        return redirect(reverse("admin:knowledge_knowledgeentry_search"))

    def search_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "")
        branch = Branch.objects.filter(pk=public_ids.decode(Branch, request.GET.get("branch"))).first()
        hits, error = [], ""
        if "q" in request.GET:
            try:
                hits = search.search(query, limit=20, branch_id=branch.pk if branch else None)
            except search.EmptyQuery as exc:
                error = str(exc)
        rows = []
        for hit in hits:
            if hit.entry_id:
                url = reverse("admin:knowledge_knowledgeentry_change", args=[hit.entry_id])
            else:
                url = reverse("admin:knowledge_document_change", args=[hit.document_id])
            rows.append({"hit": hit, "url": url, "snippet": mark_safe(hit.snippet)})  # escaped in search._safe
        context = {
            **self.admin_site.each_context(request),
            "title": "Try a search",
            "opts": self.model._meta,
            "query": query,
            "branches": Branch.objects.order_by("name"),
            "branch": branch,
            "rows": rows,
            "searched": "q" in request.GET,
            "error": error,
        }
        return TemplateResponse(request, "admin/knowledge/search.html", context)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["file", "title", "category", "branch", "is_active"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "size") and not getattr(self.instance, "pk", None):
            try:
                services.check_upload(upload)
            except ValidationError as exc:
                raise forms.ValidationError(exc.message_dict["file"]) from None
        return upload


@admin.register(Document)
class DocumentAdmin(TenantModelAdmin):
    form = DocumentForm
    list_display = ["__str__", "status_label", "category", "branch", "chunk_count", "size_label", "created_at"]
    list_filter = ["status", "category", "branch", "is_active"]
    list_select_related = ["branch"]
    search_fields = ["title", "original_name"]
    ordering = ["-created_at"]
    inlines = [ChunkInline]
    actions_detail = ["process_again"]

    def get_readonly_fields(self, request, obj=None):
        info = ["status_label", "error", "original_name", "size_label", "text_chars", "processed_at", "uploaded_by"]
        return ["file", *info] if obj else []

    def get_fields(self, request, obj=None):
        editable = ["title", "category", "branch", "is_active"]
        if obj is None:
            return ["file", *editable]
        return [
            "file",
            *editable,
            "status_label",
            "error",
            "original_name",
            "size_label",
            "text_chars",
            "processed_at",
            "uploaded_by",
        ]

    @display(description="Status", label=STATUS_COLOURS)
    def status_label(self, obj):
        return obj.get_status_display()

    @display(description="Size")
    def size_label(self, obj):
        return f"{obj.size / 1024:.0f} KB" if obj.size < 1024 * 1024 else f"{obj.size / 1024 / 1024:.1f} MB"

    @display(description="Chunks", ordering="chunk_total")
    def chunk_count(self, obj):
        return obj.chunk_total if obj.status == DocumentStatus.READY else "–"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(chunk_total=Count("chunks"))

    def save_model(self, request, obj, form, change):
        if change:
            services.update_document(obj, [f for f in form.changed_data if f != "file"] or ["title"])
            return
        document = services.upload_document(
            form.cleaned_data["file"],
            title=obj.title,
            category=obj.category,
            branch=obj.branch,
            actor=request.user,
        )
        obj.pk = document.pk

    @action(description="Process again", url_path="process-again", icon="refresh", permissions=["process_again"])
    def process_again(self, request, object_id):
        document = get_object_or_404(Document.objects.all(), pk=object_id)
        if request.method == "POST":
            services.reprocess(document)
            messages.success(request, f"{document}: processing again.")
            return redirect(reverse("admin:knowledge_document_change", args=[document.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Process {document} again",
            "document": document,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/knowledge/process_again.html", context)
