"""Do-not-call registry files and reassigned-number checks in the admin: the files imported, each scrub's age
(stale past 31 days), a number looked up, and importing what the business downloaded
(docs/compliance.md#do-not-call-registries, docs/compliance.md#reassigned-numbers)."""

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from unfold.decorators import display
from unfold.widgets import UnfoldAdminDateWidget, UnfoldAdminFileFieldWidget, UnfoldAdminTextInputWidget

from tenants.admin_base import ReadOnlyAdminMixin, TenantModelAdmin
from tenants.roles import may

from . import phones, reassigned, registries
from .models import NATIONAL_REGISTRY


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        widget=UnfoldAdminFileFieldWidget,
        help_text="The registry's flat text file: one number per line (ten digits, or area code, comma, number).",
    )
    registry = forms.CharField(
        max_length=2,
        initial=NATIONAL_REGISTRY,
        widget=UnfoldAdminTextInputWidget,
        help_text="US for the National Do Not Call Registry, or the state's two letters for its own list.",
    )
    downloaded_on = forms.DateField(
        widget=UnfoldAdminDateWidget, help_text="The day you downloaded it: the scrub's date (good for 31 days)."
    )


class RegistryFileAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = ["registry", "covers", "downloaded_on", "scrub_age", "numbers", "file_name", "imported_at"]
    list_filter = ["registry"]
    ordering = ["-downloaded_on", "-imported_at"]
    change_list_template = "admin/leads/registry_files.html"

    @display(description="Covers")
    def covers(self, obj):
        if obj.registry != NATIONAL_REGISTRY:
            return "the whole state list"
        return ", ".join(obj.area_codes[:8]) + (f" and {len(obj.area_codes) - 8} more" if obj.area_codes[8:] else "")

    @display(description="Scrub", label={"current": "success", "stale: download again": "danger"})
    def scrub_age(self, obj):
        return "stale: download again" if registries.is_stale(obj.downloaded_on) else "current"

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["stale"] = registries.stale_area_codes()
        extra_context["may_import"] = may(request.user, "import_registry")
        number = phones.try_normalize(request.GET.get("number", ""), "US") if request.GET.get("number") else None
        if number:
            listing = registries.listed([number]).listed.get(number, set())
            names = ["the National Do Not Call Registry" if r == NATIONAL_REGISTRY else f"{r}'s list" for r in listing]
            extra_context["looked_up"] = (number, sorted(names))
        request.GET = request.GET.copy()
        request.GET.pop("number", None)
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        upload = self.admin_site.admin_view(self.import_view)
        return [path("import/", upload, name="leads_registryfile_import"), *super().get_urls()]

    def import_view(self, request):
        def run(form, lines, upload):
            imported = registries.import_file(
                lines,
                registry=form.cleaned_data["registry"],
                downloaded_on=form.cleaned_data["downloaded_on"],
                file_name=upload.name,
                imported_by=request.user,
            )
            return f"Imported {imported.numbers:,} numbers: {imported}."

        intro = (
            "Import a file you downloaded from the National Do Not Call Registry (your area codes) or a state's list. "
            "Its numbers replace those of the area codes it covers; marketing calls to a listed number then need the "
            "person's written consent. A file with a bad line, dated after today, more than 31 days old, or older "
            "than the one in use changes nothing."
        )
        return upload_page(self, request, RegistryUploadForm, run, "Import a do-not-call registry file", intro)


def upload_page(model_admin, request, form_class, run, title: str, intro: str):
    """A page that imports one uploaded file through ``run(form, lines, upload)``: a redirect to the list with what
    was imported, or the form again with why nothing changed (the file's problems, by line or row)."""
    if not may(request.user, "import_registry"):
        raise PermissionDenied
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        lines = io.TextIOWrapper(upload.file, encoding="utf-8-sig", errors="replace")
        try:
            done = run(form, lines, upload)
        except (registries.RegistryFileError, reassigned.ReassignedFileError) as error:
            form.add_error("file", error)
        else:
            messages.success(request, done)
            opts = model_admin.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "opts": model_admin.model._meta,
        "today": timezone.localdate(),
    }
    return TemplateResponse(request, "admin/leads/registry_import.html", context)


class ReassignedUploadForm(forms.Form):
    file = forms.FileField(
        widget=UnfoldAdminFileFieldWidget,
        help_text="The query's results as CSV: phone, date (the consent's), result (Yes, No or No data), and "
        "optionally the day you checked.",
    )


class ReassignedCheckAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = ["phone", "asked_about", "result", "checked_on", "imported_at"]
    list_filter = ["result"]
    search_fields = ["phone"]
    ordering = ["-checked_on", "-imported_at"]
    change_list_template = "admin/leads/reassigned_checks.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": may(request.user, "import_registry")}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        upload = self.admin_site.admin_view(self.import_view)
        return [path("import/", upload, name="leads_reassignedcheck_import"), *super().get_urls()]

    def import_view(self, request):
        def run(form, lines, upload):
            return f"Imported {reassigned.import_results(lines):,} answers from {upload.name}."

        intro = (
            "Import the answers of a Reassigned Numbers Database query. A number disconnected since a person consented "
            "is not called on that consent; with no data, a consent older than 90 days is re-confirmed first. A file "
            "with a bad row changes nothing."
        )
        return upload_page(self, request, ReassignedUploadForm, run, "Import reassigned-number checks", intro)
