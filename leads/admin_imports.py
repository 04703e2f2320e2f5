"""The admin's "Import leads" pages: upload, preview the mapping and first rows, confirm, watch progress."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from unfold.widgets import (
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from core import public_ids
from tenants.models import Branch
from tenants.public_id_forms import PublicIdChoiceField
from tenants.roles import may

from . import importing
from .import_columns import FIELD_ALIASES, IGNORE
from .models import DuplicatePolicy, ImportStatus, LeadImport, Source

FIELD_CHOICES = [("", "custom field"), (IGNORE, "ignore this column")] + [
    (name, name.replace("_", " ")) for name in FIELD_ALIASES
]


class UploadForm(forms.Form):
    file = forms.FileField(widget=UnfoldAdminFileFieldWidget, help_text="CSV: comma, semicolon or tab; any encoding.")
    on_duplicate = forms.ChoiceField(
        choices=DuplicatePolicy.choices,
        widget=UnfoldAdminSelectWidget,
        label="When a person is already known",
        help_text="Same phone, or same email: earlier in the file or already a lead.",
    )
    tags = forms.CharField(required=False, widget=UnfoldAdminTextInputWidget, help_text="Tag every imported lead.")
    branch = PublicIdChoiceField(queryset=None, required=False, widget=UnfoldAdminSelectWidget)
    source = forms.ChoiceField(
        choices=[("", "from the file (else “import”)"), *list(Source.choices)],
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    consent_disclosure_version = forms.CharField(
        required=False,
        widget=UnfoldAdminTextInputWidget,
        label="Consent disclosure version",
        help_text="If the file has a consent column: the version of the text people agreed to.",
    )
    dry_run = forms.BooleanField(
        required=False, widget=UnfoldBooleanSwitchWidget, help_text="Check every row and report, without importing."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.order_by("name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            importing.check_upload(upload)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from None
        return upload

    def options(self) -> dict:
        data = self.cleaned_data
        options = {
            "tags": [t.strip() for t in data["tags"].split(",") if t.strip()],
            "consent_disclosure_version": data["consent_disclosure_version"],
        }
        if data["branch"]:
            options["branch_id"] = data["branch"].pk
        if data["source"]:
            options["source"] = data["source"]
        return options


class ImportViews:
    """Mixed into LeadAdmin: its import pages live under /admin/leads/lead/import/."""

    def import_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_upload_view), name="leads_lead_import"),
            path(
                f"import/<{public_ids.path_converter(LeadImport)}:import_id>/",
                wrap(self.import_preview_view),
                name="leads_lead_import_preview",
            ),
        ]

    def _check_import_permission(self, request):
        if not may(request.user, "import_leads"):
            raise PermissionDenied

    def import_upload_view(self, request):
        self._check_import_permission(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            lead_import = importing.create_import(
                form.cleaned_data["file"],
                actor=request.user,
                on_duplicate=form.cleaned_data["on_duplicate"],
                dry_run=form.cleaned_data["dry_run"],
                queue=False,
                **form.options(),
            )
            return redirect(reverse("admin:leads_lead_import_preview", args=[lead_import.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import leads",
            "form": form,
            "opts": self.model._meta,
            "recent": LeadImport.objects.select_related("created_by")[:5],
        }
        return TemplateResponse(request, "admin/leads/import_upload.html", context)

    def import_preview_view(self, request, import_id):
        self._check_import_permission(request)
        lead_import = get_object_or_404(LeadImport.objects.all(), pk=import_id)
        if lead_import.status != ImportStatus.PENDING:
            return redirect(reverse("admin:leads_leadimport_change", args=[lead_import.pk]))
        if request.method == "POST":
            mapping = {
                key[len("map:") :]: value for key, value in request.POST.items() if key.startswith("map:") and value
            }
            lead_import.options = {**lead_import.options, "mapping": mapping}
            lead_import.save(update_fields=["options"])
            if "confirm" in request.POST:
                importing.queue_import(lead_import)
                messages.success(request, f"Importing {lead_import.original_name}; this page shows its progress.")
                return redirect(reverse("admin:leads_leadimport_change", args=[lead_import.pk]))
        with lead_import.file.open("rb") as upload:
            preview = importing.preview(upload, **importing.options_of(lead_import).__dict__)
        mapping = lead_import.options.get("mapping", {})
        columns = [
            {"header": header, "target": mapping.get(header, "" if target == "custom field" else target)}
            for header, target in preview.get("columns", [])
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Check {lead_import.original_name}",
            "lead_import": lead_import,
            "preview": preview,
            "columns": columns,
            "field_choices": FIELD_CHOICES,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/leads/import_preview.html", context)
