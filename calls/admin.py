"""The calls room in the admin: the call list, the call page (conversation, recording, events, QA),
"Call now" for a lead, and the calling policy."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

from core import public_ids
from leads.models import Lead
from leads.search import search_region
from tenants.admin_base import ReadOnlyAdminMixin, TenantModelAdmin, TenantStackedInline
from tenants.admin_pagination import CountedPaginator
from tenants.public_id_forms import PublicIdChoiceField
from tenants.roles import may
from voice.models import Script, VoiceAgent

from . import compliance, compliance_file, legal, live, services
from .compliance_file import in_words
from .models import DEFAULT_ESCALATION_WORDS, Call, CallEvent, CallingPolicy, QaReview, StateEmergency
from .search import SEARCH_HELP, search_calls

STATUS_COLOURS = {
    "Ended": "success",
    "Failed": "danger",
    "Canceled": "warning",
    "In progress": "info",
    "Ringing": "info",
    "Dialing": "info",
    "Queued": "info",
}


class QaReviewInline(TenantStackedInline):
    model = QaReview
    fields = ["score", "checklist", "notes"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False  # a review is kept as written; add another to change your mind


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("open", "Needs attention"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(needs_attention=True, resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


class ResolveForm(forms.Form):
    note = forms.CharField(widget=UnfoldAdminTextareaWidget, required=False, help_text="What was done.")


def _refusal(decision) -> str:
    """The gate's answer in words: "Not called: dnc. The number is on the do-not-call list. Next allowed …"."""
    text = f"Not called: {decision.code}. {decision.detail}"
    if decision.next_allowed_at:
        text += f" Next allowed: {timezone.localtime(decision.next_allowed_at):%Y-%m-%d %H:%M %Z}."
    return text


class CallNowForm(forms.Form):
    agent = PublicIdChoiceField(queryset=None, widget=UnfoldAdminSelectWidget)
    script = PublicIdChoiceField(queryset=None, widget=UnfoldAdminSelectWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agents = VoiceAgent.objects.filter(is_active=True).select_related("account").order_by("name")
        scripts = Script.objects.filter(is_active=True).order_by("name", "-version")
        self.fields["agent"].queryset, self.fields["script"].queryset = agents, scripts
        # Most of the time there is one obvious choice: offer it.
        self.fields["agent"].initial = agents.values_list("pk", flat=True).first()
        usual = scripts.filter(purpose__in=["lead_followup", "service_reminder"]).values_list("pk", flat=True)
        self.fields["script"].initial = usual.first() or scripts.values_list("pk", flat=True).first()


@admin.register(Call)
class CallAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = [
        "created_at",
        "lead",
        "to_number",
        "status_label",
        "outcome_label",
        "agent",
        "duration",
        "attention",
        "compliance_code",
    ]
    list_filter = ["status", "outcome", "agent", NeedsAttentionFilter, ("created_at", RangeDateTimeFilter)]
    list_select_related = ["lead", "agent"]
    search_fields = ["to_number"]  # shows the search box; get_search_results does the searching (calls.search)
    search_help_text = SEARCH_HELP
    ordering = ["-created_at", "-id"]
    paginator = CountedPaginator  # counts at most 10,001 rows
    show_full_result_count = False
    inlines = [QaReviewInline]
    change_form_before_template = "admin/calls/call_detail.html"
    actions_detail = ["resolve"]
    fieldsets = [
        (
            "Call",
            {
                "fields": [
                    "lead",
                    "status",
                    "outcome",
                    "agent",
                    "script",
                    "to_number",
                    "from_number",
                    "created_at",
                    "started_at",
                    "ended_at",
                    "duration_seconds",
                    "cost",
                ]
            },
        ),
        (
            "Attention",
            {"fields": ["needs_attention", "attention_reason", "resolved_by", "resolved_at", "resolution_note"]},
        ),
        ("Compliance file", {"fields": ["compliance_file_shown"]}),
        (
            "Provider and compliance",
            {
                "fields": [
                    "provider",
                    "provider_call_id",
                    "disconnection_reason",
                    "compliance_code",
                    "next_allowed_at",
                    "error_category",
                    "error_message",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    @display(description="Why it was allowed or refused")
    def compliance_file_shown(self, obj):
        row = '<tr><td class="align-top font-medium pr-4 py-1">{}</td><td class="py-1">{}</td></tr>'
        rows = format_html_join("", row, in_words(obj.compliance_file))
        table = format_html('<table class="text-sm" data-testid="compliance-file">{}</table>', rows)
        if not obj.lead_id:
            return table
        export = reverse("admin:calls_call_compliance_file", args=[public_ids.of(obj.lead)])
        link = '{}<a class="text-primary-600" href="{}">All of this person\'s compliance files (JSON)</a>'
        return format_html(link, table, export)

    def compliance_file_view(self, request, lead_id):
        """Every compliance file of one person's calls, their consents and do-not-call entries, as a JSON file
        (to read, as the call pages are: no writes)."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        lead = get_object_or_404(Lead.objects.all(), pk=lead_id)
        response = JsonResponse(compliance_file.for_lead(lead), json_dumps_params={"indent": 2})
        response["Content-Disposition"] = f'attachment; filename="compliance-{public_ids.of(lead)}.json"'
        return response

    def has_change_permission(self, request, obj=None):
        # The page is read-only, but QA reviews are added on it.
        return may(request.user, "review_call") and obj is not None

    def get_readonly_fields(self, request, obj=None):
        return [field for _, options in self.fieldsets for field in options["fields"]]

    def get_search_results(self, request, queryset, search_term):
        return search_calls(queryset, search_term, search_region(request)), False

    def save_formset(self, request, form, formset, change):
        for review in formset.save(commit=False):
            review.reviewer = review.reviewer or request.user
            review.save()

    @display(description="Status", label=STATUS_COLOURS)
    def status_label(self, obj):
        return obj.get_status_display()

    @display(description="Outcome", label=True)
    def outcome_label(self, obj):
        return obj.get_outcome_display()

    @display(description="Length")
    def duration(self, obj):
        return f"{obj.duration_seconds // 60}:{obj.duration_seconds % 60:02d}" if obj.duration_seconds else "—"

    @display(description="Attention", label={"Open": "danger", "Resolved": "success"})
    def attention(self, obj):
        if obj.needs_attention and not obj.resolved_at:
            return "Open"
        return "Resolved" if obj.resolved_at else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        call = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if call is not None:
            extra_context.update(live.context(call))  # the live region (calls.live)
        return super().change_view(request, object_id, form_url, extra_context)

    @action(description="Resolve", url_path="resolve", icon="task_alt", permissions=["resolve_call"])
    def resolve(self, request, object_id):
        call = get_object_or_404(Call.objects.all(), pk=object_id)
        form = ResolveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.resolve(call, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, "Marked as resolved.")
            return redirect(reverse("admin:calls_call_change", args=[call.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Resolve {call}",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/calls/resolve.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view(self.call_now_view)
        live_view = self.admin_site.admin_view(partial(live.view, model_admin=self))
        return [
            path(f"call-now/<{public_ids.path_converter(Lead)}:lead_id>/", view, name="calls_call_now"),
            path("<path:object_id>/live/", live_view, name="calls_call_live"),
            path(
                f"compliance-file/<{public_ids.path_converter(Lead)}:lead_id>/",
                self.admin_site.admin_view(self.compliance_file_view),
                name="calls_call_compliance_file",
            ),
            *super().get_urls(),
        ]

    def call_now_view(self, request, lead_id):
        """ "Call now" for a lead: pick agent and script; the answer is the compliance gate's. A sent form
        is answered with a redirect (reloading never calls again), and its token makes sending the same
        form twice one call (core.once)."""
        if not may(request.user, "call_now"):
            raise PermissionDenied
        lead = get_object_or_404(Lead.objects.all(), pk=lead_id)
        form = CallNowForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            call, decision = services.request_call(
                lead, form.cleaned_data["agent"], form.cleaned_data["script"], requested_by=request.user
            )
            if decision.allowed:
                messages.success(request, "Calling now: the transcript and outcome appear here within seconds.")
                return redirect("admin:calls_call_change", call.pk)
            messages.error(request, _refusal(decision))
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Call {lead}",
            "lead": lead,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/calls/call_now.html", context)


@admin.register(CallingPolicy)
class CallingPolicyAdmin(TenantModelAdmin):
    """One policy per tenant, and its page always shows the policy in force (calls.legal.in_force): the list
    goes to the tenant's policy or, while it has none, shows the defaults (the legal floor) with a button
    to customise them. Opening the page never writes: the row is made only when the customised form is saved."""

    fields = [
        "window_start",
        "window_end",
        "restricted_window_end",
        "restricted_regions",
        "max_calls_per_day",
        "sunday_calls",
        "closed_days",
        "escalation_words",
    ]
    change_form_before_template = "admin/calls/policy_in_force_panel.html"

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CallingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def in_force(policy) -> list[tuple[str, str]]:
        words = ", ".join(DEFAULT_ESCALATION_WORDS + list(policy.escalation_words or []))
        return [*legal.in_force(policy), ("Words that flag a call for a person", words)]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        policy = CallingPolicy.objects.first()
        if policy is not None:
            return redirect(reverse("admin:calls_callingpolicy_change", args=[policy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Calling policy",
            "opts": self.model._meta,
            "rules": self.in_force(CallingPolicy()),
            "can_customise": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/calls/policy_in_force.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        policy = self.get_object(request, object_id)
        if policy is not None:
            extra_context = {**(extra_context or {}), "rules": self.in_force(policy)}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = ["received_at", "provider", "event_type", "call", "is_orphan"]
    list_filter = ["provider", "is_orphan"]
    list_select_related = ["call"]
    search_fields = ["=provider_call_id"]
    paginator = InfinitePaginator
    fields = ["received_at", "provider", "provider_call_id", "event_type", "call", "is_orphan", "payload"]


@admin.register(QaReview)
class QaReviewAdmin(TenantModelAdmin):
    list_display = ["call", "score", "reviewer", "created_at"]
    list_filter = ["score"]
    list_select_related = ["call", "reviewer"]
    autocomplete_fields = ["call"]
    fields = ["call", "score", "checklist", "notes"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.reviewer = request.user
        super().save_model(request, obj, form, change)


@admin.register(StateEmergency)
class StateEmergencyAdmin(UnfoldModelAdmin):
    """Platform-wide, superusers only: a state's declared emergency holds marketing calls to it
    (docs/compliance.md#state-emergencies); ending it (an end date) lets them go."""

    list_display = ["region", "declared_on", "ended_on", "source"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        compliance.forget_emergencies()  # at once in this process; others within 30 seconds
