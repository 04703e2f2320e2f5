"""The leads room in the admin: the lead list and page, tags, vehicles, consent, do-not-call, imports."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from unfold.contrib.filters.admin import RangeNumericFilter
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from core import public_ids
from tenants.admin_base import (
    ReadOnlyAdminMixin,
    TenantModelAdmin,
    TenantStackedInline,
    TenantTabularInline,
    bulk_action_with_form,
    is_dealership,
)
from tenants.admin_pagination import CountedPaginator
from tenants.public_id_forms import PublicIdChoiceField
from tenants.related import scoped_queryset_for
from tenants.roles import may

from . import exporting, import_live, privacy, services
from .admin_imports import ImportViews
from .admin_registries import ReassignedCheckAdmin, RegistryFileAdmin
from .filters import on_dnc_expression
from .importing import attestation
from .models import (
    Consent,
    DoNotCall,
    Lead,
    LeadImport,
    LeadTag,
    Note,
    PipelineSettings,
    ReassignedCheck,
    RegistryFile,
    Source,
    Tag,
    Vehicle,
)
from .pipeline import Stage
from .purposes import Purpose
from .search import SEARCH_HELP, search_leads, search_region

# --- filters -----------------------------------------------------------------------


class DoNotCallFilter(admin.SimpleListFilter):
    title = "do-not-call"
    parameter_name = "dnc"

    def lookups(self, request, model_admin):
        return [("yes", "On the list"), ("no", "Not on the list")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(on_dnc_expression())
        if self.value() == "no":
            return queryset.exclude(on_dnc_expression())
        return queryset


class TagFilter(admin.SimpleListFilter):
    """By tag, with EXISTS rather than a join: no duplicate rows, so no DISTINCT over the whole table."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(public_ids.of(tag), tag.name) for tag in Tag.objects.order_by("name")[:200]]

    def queryset(self, request, queryset):
        tag = public_ids.decode(Tag, self.value())
        if tag is None:
            return queryset
        return queryset.filter(Exists(LeadTag.objects.filter(lead_id=OuterRef("pk"), tag_id=tag)))


class ServiceDueFilter(admin.SimpleListFilter):
    title = "service due"
    parameter_name = "service_due"

    def lookups(self, request, model_admin):
        return [("30", "within 30 days"), ("90", "within 90 days"), ("overdue", "overdue")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            due = Vehicle.all_tenants.filter(lead_id=OuterRef("pk"), next_service_due__lt=today)
        elif self.value() in ("30", "90"):
            horizon = today + timezone.timedelta(days=int(self.value()))
            due = Vehicle.all_tenants.filter(lead_id=OuterRef("pk"), next_service_due__lte=horizon)
        else:
            return queryset
        return queryset.filter(Exists(due))


# --- bulk action forms -------------------------------------------------------------


class RequestForm(forms.Form):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)


class TagForm(RequestForm):
    tags = forms.CharField(
        widget=UnfoldAdminTextInputWidget, help_text="Comma-separated; new names create tags.", max_length=500
    )


class OwnerForm(RequestForm):
    owner = PublicIdChoiceField(
        queryset=None, required=False, widget=UnfoldAdminSelectWidget, help_text="Leave empty to unassign."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["owner"].queryset = scoped_queryset_for(get_user_model()).order_by("email")


class StageForm(RequestForm):
    stage = forms.ChoiceField(choices=Stage.choices, widget=UnfoldAdminSelectWidget)
    lost_reason = forms.CharField(required=False, widget=UnfoldAdminTextInputWidget, max_length=200)


class ReasonForm(RequestForm):
    reason = forms.CharField(widget=UnfoldAdminTextInputWidget, max_length=200)


# --- inlines -------------------------------------------------------------------------


class VehicleInline(TenantTabularInline):
    model = Vehicle
    fields = ["vin", "year", "make", "model", "mileage", "last_service_date", "next_service_due", "ownership_status"]
    readonly_fields = ["next_service_due"]


class ConsentInline(TenantTabularInline):
    model = Consent
    fields = ["kind", "purposes", "phone", "captured_at", "source", "disclosure_version", "revoked_at"]
    readonly_fields = ["revoked_at"]


class NoteInline(TenantStackedInline):
    model = Note
    fields = ["body"]
    verbose_name_plural = "add a note"

    def get_queryset(self, request):
        return super().get_queryset(request).none()  # notes show on the timeline; this adds one


# --- the lead -------------------------------------------------------------------------


class LeadForm(forms.ModelForm):
    phone = forms.CharField(widget=UnfoldAdminTextInputWidget, help_text="Any format; stored as +13055550123.")
    # Consent, asked when a lead is added: without it nobody calls them (the rules: leads.importing.attestation).
    consent_source = forms.ChoiceField(
        label="How did they agree to be called?",
        choices=[("", "They have not agreed yet (they will not be called)"), *attestation.HOW],
        required=False,
        widget=UnfoldAdminSelectWidget,
        help_text="A form or a signed sheet is written consent, needed for sales and marketing calls.",
    )
    consent_purposes = forms.MultipleChoiceField(
        label="For which calls",
        choices=Purpose.choices,
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
    )
    consent_source_detail = forms.CharField(
        label="Where the proof is",
        max_length=attestation.DETAIL_MAX,
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text="E.g. “front desk sign-up sheet, 3 March”.",
    )
    consent_disclosure_version = forms.CharField(
        label="Disclosure they agreed to",
        max_length=attestation.DISCLOSURE_MAX,
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text="The name or version of the consent text they read, e.g. “desk form v2”.",
    )

    class Meta:
        model = Lead
        fields = [
            "first_name",
            "last_name",
            "phone",
            "email",
            "stage",
            "lost_reason",
            "owner",
            "branch",
            "source",
            "tags",
            "next_action_at",
            "interest",
            "time_zone",
            "region",
            "notes",
            "custom_fields",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "stage" in self.fields:  # the business's own stage names, as the list shows them
            self.fields["stage"].choices = list(services.stage_labels().items())

    def clean(self):
        """What leads.services would refuse shows on the form, before anything is saved."""
        cleaned = super().clean()
        if cleaned.get("consent_source"):
            evidence = {name: cleaned.get(name) for name in CONSENT_FIELDS}
            today = timezone.localdate()
            for field, problem in attestation.problems(
                {**evidence, "consent_attested": True, "consent_given_on": today}, today
            ).items():
                self.add_error(field, problem)
        data = {k: v for k, v in cleaned.items() if k in services.LEAD_FIELDS}
        try:
            cleaned.update(services.clean_lead_data(data, self.instance if self.instance.pk else None))
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, errors in problems.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned

    def lead_data(self) -> dict:
        return {field: value for field, value in self.cleaned_data.items() if field in services.LEAD_FIELDS}

    def record_consent(self, lead, actor):
        """The consent given on the add form, as evidence (recorded by whoever added the lead)."""
        source = self.cleaned_data.get("consent_source")
        if source:
            services.record_consent(
                lead,
                kind=attestation.KIND_OF[source],
                source=source,
                purposes=self.cleaned_data["consent_purposes"],
                actor=actor,
                source_detail=self.cleaned_data["consent_source_detail"],
                disclosure_version=self.cleaned_data["consent_disclosure_version"],
            )


CONSENT_FIELDS = ["consent_source", "consent_purposes", "consent_source_detail", "consent_disclosure_version"]


@admin.register(Lead)
class LeadAdmin(ImportViews, TenantModelAdmin):
    form = LeadForm
    list_display = ["name", "phone", "stage_label", "score", "owner", "branch", "source", "dnc_badge", "created_at"]
    list_display_links = ["name"]
    list_filter = [
        "stage",
        "source",
        TagFilter,
        "owner",
        "branch",
        ("score", RangeNumericFilter),
        DoNotCallFilter,
    ]
    list_select_related = ["owner", "branch"]
    search_fields = ["search_text"]  # shows the search box; get_search_results does the searching (leads.search)
    search_help_text = SEARCH_HELP
    ordering = ["-created_at", "-id"]
    autocomplete_fields = ["branch", "tags"]
    readonly_fields = [
        "score",
        "score_breakdown",
        "dnc_status",
        "created_at",
        "updated_at",
        "first_contacted_at",
        "last_contacted_at",
    ]
    change_form_before_template = "admin/leads/lead_phone_actions.html"  # "Call now" in reach on a phone
    change_form_after_template = "admin/leads/lead_timeline.html"
    actions = [
        "tag_selected",
        "assign_owner",
        "change_stage",
        "add_to_dnc",
        "merge_selected",
        "export_csv",
        "erase_selected",
    ]
    actions_list = ["import_leads"]
    actions_detail = ["call_now"]
    paginator = CountedPaginator  # counts at most 10,001 rows: "2,314 leads", or "More than 10,000"
    show_full_result_count = False

    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "phone", "email", "dnc_status"]}),
        ("Pipeline", {"fields": ["stage", "lost_reason", "owner", "branch", "source", "tags", "next_action_at"]}),
        ("Score", {"fields": ["score", "score_breakdown"]}),
        ("Details", {"fields": ["interest", "time_zone", "region", "notes", "custom_fields"]}),
        (
            "History",
            {
                "fields": ["created_at", "updated_at", "first_contacted_at", "last_contacted_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return [(None, {"fields": [*fieldsets[0][1]["fields"], "calling_status"]}), *fieldsets[1:]]
        consent = (
            "Consent to be called",
            {
                "fields": CONSENT_FIELDS,
                "description": "Leads are called only for what they agreed to. Record it now, or they are never "
                "called (you can add it later on the lead's page, under Consents).",
            },
        )
        return [fieldsets[0], consent, *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "calling_status"]

    @display(description="Calls")
    def calling_status(self, obj):
        """Whether the AI calls them and, when not, why in plain words and what would change it."""
        why = services.why_not_called(obj)
        if why is None:
            return "May be called for: " + services.callable_for(obj)
        return format_html('<span class="text-red-700 font-semibold">{}</span>', why)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(on_dnc=on_dnc_expression())

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [*filters, ServiceDueFilter] if is_dealership(request) else filters

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [VehicleInline, ConsentInline, NoteInline] if is_dealership(request) else [ConsentInline, NoteInline]

    def get_search_results(self, request, queryset, search_term):
        return search_leads(queryset, search_term, search_region(request)), False

    @display(description="Name", ordering="last_name")
    def name(self, obj):
        return obj.full_name or "—"

    @display(description="Stage", ordering="stage", label=True)
    def stage_label(self, obj):
        return self._labels(obj).get(obj.stage, obj.stage)

    def _labels(self, obj):
        if not hasattr(self, "_label_cache") or self._label_cache[0] != obj.tenant_id:
            self._label_cache = (obj.tenant_id, services.stage_labels())
        return self._label_cache[1]

    @display(description="Do-not-call", label={"DO NOT CALL": "danger"})
    def dnc_badge(self, obj):
        return "DO NOT CALL" if getattr(obj, "on_dnc", False) else ""

    @display(description="Do-not-call")
    def dnc_status(self, obj):
        if obj.pk and services.is_on_dnc(obj.phone):
            return format_html(
                '<span class="bg-red-100 text-red-700 px-2 py-1 rounded-default font-semibold">{}</span>',
                "On the do-not-call list: never called",
            )
        return "Not on the list"

    @display(description="Why this score")
    def score_breakdown(self, obj):
        if not obj.score_explanation:
            return "—"
        # The rule's detail in the tenant's words: a source or a stage is a code in the explanation.
        words = {"source": dict(Source.choices), "stage": services.stage_labels()}
        return format_html_join(
            "",
            "<div>{} <span class='text-font-subtle-light'>({}: {})</span></div>",
            (
                (f"{p['points']:+d}", p["rule"], words.get(p["rule"], {}).get(p["detail"], p["detail"]))
                for p in obj.score_explanation
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from .timeline import timeline

        lead = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if lead is not None:
            extra_context["timeline"] = timeline(lead)
            extra_context["may_call_now"] = may(request.user, "call_now")
            extra_context["may_export"] = may(request.user, "export_person")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Through the services, as the API does: the same normalisation, stage rules, duplicates and history.
        if change:
            lead = services.update_lead(Lead.objects.get(pk=obj.pk), form.lead_data(), actor=request.user)
        else:
            lead = services.create_lead(form.lead_data(), actor=request.user)
            form.record_consent(lead, request.user)
            why = services.why_not_called(lead)
            if why:
                messages.warning(request, f"{lead.full_name or lead.phone} will not be called by the AI. {why}")
        obj.__dict__.update({f.attname: getattr(lead, f.attname) for f in Lead._meta.concrete_fields})
        obj._state.adding = False

    # --- bulk actions ---

    @bulk_action_with_form(TagForm, description="Tag selected leads", permissions=["tag_leads"])
    def tag_selected(self, request, queryset, data):
        count = services.tag_leads(queryset, data["tags"].split(","))
        messages.success(request, f"Tagged {count} leads.")

    @bulk_action_with_form(OwnerForm, description="Assign an owner", permissions=["assign_owner"])
    def assign_owner(self, request, queryset, data):
        count = services.assign_owner(queryset, data["owner"])
        messages.success(request, f"Assigned {count} leads.")

    @bulk_action_with_form(StageForm, description="Change stage", permissions=["change_stage"])
    def change_stage(self, request, queryset, data):
        try:
            moved, refused = services.change_stage_bulk(
                queryset, data["stage"], actor=request.user, lost_reason=data["lost_reason"]
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return
        messages.success(request, f"Moved {moved} leads.")
        if refused:
            messages.warning(request, f"{refused} leads could not move there from their stage and were left alone.")

    @bulk_action_with_form(ReasonForm, description="Add to the do-not-call list", permissions=["add_to_dnc"])
    def add_to_dnc(self, request, queryset, data):
        count = services.add_dnc_bulk(queryset, reason=data["reason"], actor=request.user)
        messages.success(request, f"Added {count} numbers to the do-not-call list.")

    @admin.action(description="Merge selected into the oldest (same person)", permissions=["merge_leads"])
    def merge_selected(self, request, queryset):
        leads = list(queryset.order_by("created_at", "pk")[:20])
        if len(leads) < 2:
            messages.warning(request, "Select at least two leads to merge.")
            return
        survivor = leads[0]
        for duplicate in leads[1:]:
            services.merge_leads(survivor, duplicate, actor=request.user)
        messages.success(request, f"Merged {len(leads) - 1} leads into {survivor}.")

    @admin.action(description="Export selected as CSV", permissions=["export_leads"])
    def export_csv(self, request, queryset):
        response = StreamingHttpResponse(
            exporting.csv_lines(queryset.order_by("-created_at"), request.tenant.pk),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="leads-{timezone.localtime():%Y%m%d-%H%M}.csv"'
        return response

    @admin.action(description="Erase selected people (data subject request)", permissions=["erase_person"])
    def erase_selected(self, request, queryset):
        if "confirm" not in request.POST:
            from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
            from django.template.response import TemplateResponse

            return TemplateResponse(
                request,
                "admin/leads/erase_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase these people?",
                    "leads": queryset[:50],
                    "count": queryset.count(),
                    "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                    "checkbox_name": ACTION_CHECKBOX_NAME,
                    "select_across": request.POST.get("select_across", "0"),
                    "opts": self.model._meta,
                },
            )
        count = 0
        for lead in queryset:
            privacy.erase_person(lead, actor=request.user)
            count += 1
        messages.success(request, f"Erased {count} people; only a hash of each number remains.")

    @action(description="Import leads", url_path="import-leads", icon="upload", permissions=["import_leads"])
    def import_leads(self, request):
        return redirect(reverse("admin:leads_lead_import"))

    @action(description="Call now", url_path="call-now", icon="call", permissions=["call_now"])
    def call_now(self, request, object_id):
        # The calls room owns dialing: its page asks for the agent and script and shows the gate's answer.
        return redirect(reverse("admin:calls_call_now", args=[object_id]))

    def get_urls(self):
        export = path(
            "<int:object_id>/data-export/",
            self.admin_site.admin_view(self.data_export_view),
            name="leads_lead_data_export",
        )
        return [*self.import_urls(), export, *super().get_urls()]

    def data_export_view(self, request, object_id):
        lead = self.get_object(request, object_id)
        if lead is None or not may(request.user, "export_person"):
            raise PermissionDenied
        import json

        document = privacy.export_person(lead)
        response = HttpResponse(json.dumps(document, indent=2, default=str), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="lead-{public_ids.of(lead)}-data.json"'
        return response


@admin.register(Tag)
class TagAdmin(TenantModelAdmin):
    list_display = ["name", "colour_swatch", "lead_count"]
    ordering = ["name"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lead_count=Count("leads"))

    @display(description="Colour")
    def colour_swatch(self, obj):
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;background:{};border-radius:3px"></span> {}',
            obj.colour,
            obj.colour,
        )

    @display(description="Leads", ordering="lead_count")
    def lead_count(self, obj):
        return obj.lead_count


@admin.register(Vehicle)
class VehicleAdmin(TenantModelAdmin):
    list_display = ["__str__", "vin", "lead", "mileage", "last_service_date", "next_service_due", "ownership_status"]
    list_filter = ["make", "ownership_status"]
    list_select_related = ["lead"]
    search_fields = ["vin", "make", "model", "lead__last_name"]
    autocomplete_fields = ["lead"]
    readonly_fields = ["next_service_due"]
    ordering = ["next_service_due"]

    # Gym tenants never see vehicles.
    def has_module_permission(self, request):
        return is_dealership(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_dealership(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_dealership(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_dealership(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_dealership(request) and super().has_delete_permission(request, obj)


@admin.register(Consent)
class ConsentAdmin(TenantModelAdmin):
    list_display = ["phone", "lead", "kind", "source", "captured_at", "revoked_at"]
    list_filter = ["kind", "source"]
    list_select_related = ["lead"]
    search_fields = ["phone", "lead__last_name"]
    autocomplete_fields = ["lead"]
    actions = ["revoke"]

    @admin.action(description="Revoke selected consents", permissions=["revoke_consent"])
    def revoke(self, request, queryset):
        for consent in queryset.filter(revoked_at__isnull=True):
            services.revoke_consent(consent, actor=request.user)
        messages.success(request, "Revoked.")


@admin.register(DoNotCall)
class DoNotCallAdmin(TenantModelAdmin):
    """Adding takes effect at once; removing needs a manager and a reason (the action below), and is audited."""

    list_display = ["phone", "reason", "source", "created_by", "created_at"]
    list_filter = ["source"]
    list_select_related = ["created_by"]
    search_fields = ["phone", "reason"]
    fields = ["phone", "reason"]
    actions = ["remove_from_list"]

    def has_delete_permission(self, request, obj=None):
        return False  # only through "remove from the list", with a reason

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        entry = services.add_dnc(obj.phone, reason=obj.reason, actor=request.user)
        obj.pk, obj.tenant_id = entry.pk, entry.tenant_id
        obj._state.adding = False

    @bulk_action_with_form(
        ReasonForm, description="Remove from the list (managers, with a reason)", permissions=["remove_from_dnc"]
    )
    def remove_from_list(self, request, queryset, data):
        try:
            for entry in queryset:
                services.remove_dnc(entry, actor=request.user, reason=data["reason"])
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return
        messages.success(request, "Removed; the change is in the audit log.")


@admin.register(LeadImport)
class LeadImportAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = [
        "original_name",
        "status",
        "progress_bar",
        "created_count",
        "duplicate_count",
        "error_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    change_form_before_template = "admin/leads/import_progress.html"
    fields = [
        "original_name",
        "status",
        "dry_run",
        "on_duplicate",
        "rows_read",
        "created_count",
        "updated_count",
        "duplicate_count",
        "error_count",
        "warning_count",
        "failure",
        "created_by",
        "created_at",
        "finished_at",
    ]

    @display(description="Progress")
    def progress_bar(self, obj):
        return format_html(
            '<div style="width:120px" class="bg-base-200 rounded-full h-2">'
            '<div class="bg-primary-600 h-2 rounded-full" style="width:{}%"></div></div>',
            obj.progress,
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.error_report_view)
        live_view = self.admin_site.admin_view(partial(import_live.view, model_admin=self))
        return [
            path("<int:object_id>/errors.csv", view, name="leads_leadimport_errors"),
            path("<int:object_id>/live/", live_view, name="leads_leadimport_live"),
            *super().get_urls(),
        ]

    def error_report_view(self, request, object_id):
        from django.http import FileResponse, Http404

        lead_import = self.get_object(request, object_id)
        if lead_import is None or not lead_import.error_report:
            raise Http404("No error report.")
        return FileResponse(
            lead_import.error_report.open("rb"),
            as_attachment=True,
            filename=f"import-{public_ids.of(lead_import)}-errors.csv",
        )

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:leads_lead_import"))


@admin.register(PipelineSettings)
class PipelineSettingsAdmin(TenantModelAdmin):
    fields = ["stage_labels", "scoring_rules"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PipelineSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(RegistryFile, RegistryFileAdmin)
admin.site.register(ReassignedCheck, ReassignedCheckAdmin)
