"""The admin's "Import leads" pages: upload, preview the mapping and first rows (with the duplicates and the
leads that will be callable), say what consent the file carries (leads.importing.attestation), confirm,
watch progress."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from core import public_ids
from tenants.models import Branch
from tenants.public_id_forms import PublicIdChoiceField
from tenants.roles import may

from . import importing
from .import_columns import FIELD_ALIASES, IGNORE
from .importing import attestation
from .models import DuplicatePolicy, ImportStatus, LeadImport, Source
from .purposes import Purpose

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
        options = {"tags": [t.strip() for t in data["tags"].split(",") if t.strip()]}
        if data["branch"]:
            options["branch_id"] = data["branch"].pk
        if data["source"]:
            options["source"] = data["source"]
        return options


CONSENT_OPTIONS = (
    "consent_purposes",
    "consent_disclosure_version",
    "consent_attested",
    "consent_source",
    "consent_source_detail",
    "consent_given_on",
)


class ConsentForm(forms.Form):
    """The preview step's consent: the purposes and disclosure of a consent column, or consent attested for the
    whole file with its evidence (off unless switched on; checked by leads.importing.attestation)."""

    consent_purposes = forms.MultipleChoiceField(
        choices=Purpose.choices,
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        label="What they agreed to be called for",
    )
    consent_disclosure_version = forms.CharField(
        required=False,
        max_length=attestation.DISCLOSURE_MAX,
        widget=UnfoldAdminTextInputWidget,
        label="Disclosure version",
        help_text="The version of the consent text they agreed to (e.g. web-2026-03).",
    )
    consent_attested = forms.BooleanField(
        required=False,
        widget=UnfoldBooleanSwitchWidget,
        label="I confirm every person in this file gave consent",
        help_text="Each lead this import creates or updates gets a consent record with the evidence below, "
        "recorded in your name; rows whose consent column says no get none. Audited.",
    )
    consent_source = forms.ChoiceField(
        choices=[("", "—"), *attestation.HOW], required=False, widget=UnfoldAdminSelectWidget, label="How they gave it"
    )
    consent_source_detail = forms.CharField(
        required=False,
        max_length=attestation.DETAIL_MAX,
        widget=UnfoldAdminTextInputWidget,
        label="Which form or sheet",
        help_text="E.g. “Spring open day sign-up sheet”, or the form's address.",
    )
    consent_given_on = forms.DateField(
        required=False, widget=UnfoldAdminSingleDateWidget, label="The day they gave it", help_text="Not in the future."
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        for name, message in attestation.problems(self.options(), self.today).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def options(self) -> dict:
        data = self.cleaned_data
        given_on = data.get("consent_given_on")
        return {
            "consent_purposes": list(data.get("consent_purposes") or []),
            "consent_disclosure_version": data.get("consent_disclosure_version") or "",
            "consent_attested": bool(data.get("consent_attested")),
            "consent_source": data.get("consent_source") or "",
            "consent_source_detail": data.get("consent_source_detail") or "",
            "consent_given_on": given_on.isoformat() if given_on else "",
        }


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
        stored = lead_import.options
        today = timezone.localdate()  # the business's day: its zone is active in the admin
        initial = {name: stored[name] for name in CONSENT_OPTIONS if stored.get(name)}
        consent = ConsentForm(request.POST or None, initial=initial, today=today)
        if request.method == "POST":
            mapping = {
                key[len("map:") :]: value for key, value in request.POST.items() if key.startswith("map:") and value
            }
            options = {**stored, "mapping": mapping}
            if consent.is_valid():
                options.update(consent.options())
            lead_import.options = options
            lead_import.save(update_fields=["options"])
            if "confirm" in request.POST and consent.is_valid():
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
            "consent": consent,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/leads/import_preview.html", context)
