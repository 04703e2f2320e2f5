"""Campaigns in the admin: build (with an audience builder and preview), start, watch, pause, resume, cancel."""

import re
from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator
from unfold.widgets import (
    UnfoldAdminFileFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectMultipleWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from appointments import by_campaign
from calls.models import Call, Outcome
from leads import importing
from leads import services as lead_services
from leads.models import Source, Tag
from leads.pipeline import Stage
from tenants.admin_base import ReadOnlyAdminMixin, TenantModelAdmin, is_dealership
from tenants.admin_confirm import confirm_then_act
from tenants.public_id_forms import PublicIdMultipleChoiceField

from . import audiences, live, services
from .models import (
    CAMPAIGN_MOVES,
    SKIP_LABELS,
    AudienceKind,
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Expense,
    FollowUpRule,
    TargetStatus,
)

STATUS_COLOURS = {
    "Draft": "info",
    "Scheduled": "info",
    "Running": "success",
    "Paused": "warning",
    "Completed": "primary",
    "Canceled": "danger",
}
# Each lifecycle button: the status it moves a campaign to and, where two share a target, the one it starts
# from (Start takes a draft on, Resume a paused campaign). A button shows when the table (CAMPAIGN_MOVES)
# allows its move from the campaign's status.
BUTTON_MOVES = {
    "start_campaign": (CampaignStatus.RUNNING, {CampaignStatus.DRAFT}),
    "resume_campaign": (CampaignStatus.RUNNING, {CampaignStatus.PAUSED}),
    "pause_campaign": (CampaignStatus.PAUSED, None),
    "cancel_campaign": (CampaignStatus.CANCELED, None),
}


def buttons_for(status: str) -> set[str]:
    buttons = {
        name
        for name, (to, starts) in BUTTON_MOVES.items()
        if CAMPAIGN_MOVES.allows(status, to) and (starts is None or status in starts)
    }
    if CAMPAIGN_MOVES.targets(status):  # not finished: leads may still be added
        buttons.add("upload_leads")
    return buttons


ACTIONS_BY_STATUS = {status: buttons_for(status) for status in CampaignStatus.values}
# The kinds staff build here (a list of lead ids comes from the API or an upload).
AUDIENCE_KINDS = [(kind, label) for kind, label in AudienceKind.choices if kind != AudienceKind.LEADS]
# Who only a dealership calls, and the fields only they fill in: a gym's form leaves them out.
DEALERSHIP_KINDS = {AudienceKind.SERVICE_DUE, AudienceKind.RECALL}
RECALL_FIELDS = ("vins", "recall_file")
# The kinds that take a number, and which key of the audience it is.
NUMBER_KEYS = {
    AudienceKind.SPEED_TO_LEAD: "within_minutes",
    AudienceKind.SERVICE_DUE: "within_days",
    AudienceKind.NO_SHOWS: "since_days",
    AudienceKind.ATTENDED_NOT_JOINED: "since_days",
}


VIN_PATTERN = re.compile(rb"\b[A-HJ-NPR-Z0-9]{17}\b")
RECALL_FILE_LIMIT = 5 * 1024 * 1024


def vins_in(upload) -> list[str]:
    """Every VIN in an uploaded recall list, in order, once each (whatever its columns)."""
    if upload.size > RECALL_FILE_LIMIT:
        raise ValidationError("The recall list is over 5 MB; split it or paste the VINs.")
    found = VIN_PATTERN.findall(upload.read().upper())
    if not found:
        raise ValidationError("No VIN (17 letters and digits) was found in that file.")
    return list(dict.fromkeys(vin.decode() for vin in found))


def labelled(counts: dict, labels: dict = SKIP_LABELS) -> list[tuple[str, int]]:
    """Codes with counts, as the words staff read (zeros left out)."""
    return [(labels.get(code, code), n) for code, n in counts.items() if n]


def script_with_purpose(script) -> str:
    """How a script is offered when building a campaign: its name, purpose, and which rules that brings."""
    kind = "marketing" if script.is_marketing else "informational"
    return f"{script} · {script.get_purpose_display()} · {kind}"


class CampaignForm(forms.ModelForm):
    """The campaign, with its audience built from plain fields (stored as the ``audience`` JSON)."""

    audience_kind = forms.ChoiceField(choices=AUDIENCE_KINDS, widget=UnfoldAdminSelectWidget, label="Who to call")
    stages = forms.MultipleChoiceField(choices=Stage.choices, required=False, widget=UnfoldAdminSelectMultipleWidget)
    sources = forms.MultipleChoiceField(choices=Source.choices, required=False, widget=UnfoldAdminSelectMultipleWidget)
    tags = PublicIdMultipleChoiceField(queryset=None, required=False, widget=UnfoldAdminSelectMultipleWidget)
    score_min = forms.IntegerField(required=False, min_value=0, max_value=100, widget=UnfoldAdminIntegerFieldWidget)
    not_contacted_days = forms.IntegerField(
        required=False, min_value=1, widget=UnfoldAdminIntegerFieldWidget, help_text="Not contacted for N days."
    )
    number = forms.IntegerField(
        label="N",
        required=False,
        min_value=1,
        widget=UnfoldAdminIntegerFieldWidget,
        help_text="The N of the choice above (minutes, or days).",
    )
    vins = forms.CharField(
        label="VINs",
        required=False,
        widget=UnfoldAdminTextareaWidget,
        help_text="Recall: one VIN per line (or comma-separated).",
    )

    recall_file = forms.FileField(
        label="Recall list file",
        required=False,
        widget=UnfoldAdminFileFieldWidget,
        help_text="Or upload the manufacturer's list (CSV or text): every VIN in it is added to those above.",
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "branch",
            "agent",
            "script",
            "start_at",
            "end_at",
            "calling_windows",
            "zone_policy",
            "max_attempts",
            "retry_minutes",
            "no_retry_after_decline",
            "max_concurrent",
            "max_per_hour",
            "max_per_day",
        ]

    dealership = True  # set by CampaignAdmin.get_form from the tenant's vertical

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.order_by("name")
        script = self.fields.get("script")  # absent for a reader: the page shows it read-only
        if script is not None:
            script.label_from_instance = script_with_purpose
            script.help_text = (
                "Its purpose decides the rules: a marketing call needs written consent and keeps to "
                "every state's marketing hours and bans; an informational one (a reminder, a recall) needs consent "
                "and keeps to the hours for automated calls."
            )
        self.fields["stages"].choices = list(lead_services.stage_labels().items())  # as the business says them
        self.fields["audience_kind"].choices = [
            (kind, label.removesuffix(" (dealerships)"))
            for kind, label in AUDIENCE_KINDS
            if self.dealership or kind not in DEALERSHIP_KINDS
        ]
        audience = self.instance.audience or {}
        kind = audience.get("kind", AudienceKind.FILTER)
        self.initial.update(
            {
                "audience_kind": kind,
                "stages": audience.get("stages", []),
                "sources": audience.get("sources", []),
                "tags": audience.get("tags", []),
                "score_min": audience.get("score_min"),
                "not_contacted_days": audience.get("not_contacted_days"),
                "number": audience.get("within_minutes") or audience.get("within_days") or audience.get("since_days"),
                "vins": "\n".join(audience.get("vins", [])),
            }
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("audience_kind", AudienceKind.FILTER)
        audience = {"kind": kind}
        for name in ("stages", "sources"):
            if cleaned.get(name):
                audience[name] = list(cleaned[name])
        if cleaned.get("tags"):
            audience["tags"] = [tag.pk for tag in cleaned["tags"]]
        for name in ("score_min", "not_contacted_days"):
            if cleaned.get(name) is not None:
                audience[name] = cleaned[name]
        if cleaned.get("branch"):
            audience["branch"] = cleaned["branch"].pk
        number_key = NUMBER_KEYS.get(kind)
        if number_key and cleaned.get("number"):
            audience[number_key] = cleaned["number"]
        if kind == AudienceKind.RECALL:
            typed = [v.strip().upper() for v in (cleaned.get("vins") or "").replace(",", "\n").split() if v]
            uploaded = []
            if cleaned.get("recall_file"):
                try:
                    uploaded = vins_in(cleaned["recall_file"])
                except ValidationError as exc:
                    self.add_error("recall_file", exc)
            audience["vins"] = list(dict.fromkeys(typed + uploaded))
        try:
            self.instance.audience = audiences.validate(audience)
        except ValidationError as exc:
            self.add_error("audience_kind", exc)
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(widget=UnfoldAdminFileFieldWidget, help_text="CSV of the people to call.")


class PauseForm(forms.Form):
    reason = forms.CharField(required=False, widget=UnfoldAdminTextInputWidget, max_length=300)


@admin.register(Campaign)
class CampaignAdmin(TenantModelAdmin):
    form = CampaignForm
    list_display = ["name", "status_label", "progress", "outcome_summary", "agent", "script", "start_at"]
    list_filter = ["status", "agent", "script"]
    list_select_related = ["agent", "script"]
    search_fields = ["name"]
    change_form_before_template = "admin/campaigns/campaign_panel.html"
    actions_detail = ["start_campaign", "pause_campaign", "resume_campaign", "cancel_campaign", "upload_leads"]
    fieldsets = [
        (None, {"fields": ["name", "branch", "agent", "script"]}),
        (
            "Who",
            {
                "fields": [
                    "audience_kind",
                    "number",
                    "stages",
                    "sources",
                    "tags",
                    "score_min",
                    "not_contacted_days",
                    "vins",
                    "recall_file",
                ]
            },
        ),
        ("When", {"fields": ["start_at", "end_at", "calling_windows", "zone_policy"]}),
        (
            "How persistently",
            {
                "fields": [
                    "max_attempts",
                    "retry_minutes",
                    "no_retry_after_decline",
                    "max_concurrent",
                    "max_per_hour",
                    "max_per_day",
                ]
            },
        ),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.dealership = is_dealership(request)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_dealership(request):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in RECALL_FIELDS]})
            for name, options in fieldsets
        ]

    def get_queryset(self, request):
        # Counted with a subquery per row (a page of campaigns), not a join over every target and call.
        finished = [TargetStatus.DONE, TargetStatus.SKIPPED, TargetStatus.FAILED, TargetStatus.CANCELED]

        def count(model, **filters):
            rows = model.all_tenants.filter(campaign=OuterRef("pk"), **filters).values("campaign")
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(
                target_count=count(CampaignTarget),
                finished_count=count(CampaignTarget, status__in=finished),
                call_count=count(Call),
                booked_count=by_campaign.per_row(),
            )
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.purpose = obj.script.purpose
        super().save_model(request, obj, form, change)

    @display(description="Status", label=STATUS_COLOURS)
    def status_label(self, obj):
        return obj.get_status_display()

    @display(description="Progress")
    def progress(self, obj):
        total, done = obj.target_count, obj.finished_count
        percent = round(done * 100 / total) if total else 0
        return format_html(
            '<div class="flex items-center gap-2"><div style="width:110px" class="bg-base-200 h-2 rounded-full">'
            '<div class="bg-primary-600 h-2 rounded-full" style="width:{}%"></div></div><span>{} / {}</span></div>',
            percent,
            done,
            total,
        )

    @display(description="Calls")
    def outcome_summary(self, obj):
        return f"{obj.call_count} calls, {obj.booked_count} booked" if obj.call_count else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if campaign is not None:
            extra_context.update(live.context(campaign))  # the live region (campaigns.live)
            if campaign.status == CampaignStatus.DRAFT and not audiences.estimated_preview(campaign.audience):
                extra_context.update(live.preview_context(campaign))
            elif campaign.status == CampaignStatus.DRAFT:  # a large audience: the preview follows the page
                extra_context["preview_deferred"] = True
                extra_context["unmatched_vins"] = audiences.unmatched_vins(campaign.audience)
            else:
                extra_context["unmatched_vins"] = audiences.unmatched_vins(campaign.audience)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        live_view = self.admin_site.admin_view(partial(live.view, model_admin=self))
        preview_view = self.admin_site.admin_view(partial(live.preview_view, model_admin=self))
        return [
            path("<path:object_id>/live/", live_view, name="campaigns_campaign_live"),
            path("<path:object_id>/preview/", preview_view, name="campaigns_campaign_preview"),
            *super().get_urls(),
        ]

    def get_actions_detail(self, request, object_id):
        """Only the buttons the campaign's status allows (the services still refuse a stale click)."""
        actions = super().get_actions_detail(request, object_id)
        campaign = Campaign.objects.filter(pk=object_id).only("status").first()
        if campaign is None:
            return actions
        allowed = ACTIONS_BY_STATUS.get(campaign.status, set())
        return [a for a in actions if a.action_name.removeprefix("campaigns_campaign_") in allowed]

    def _confirm(self, request, object_id, verb, perform, form_class=None):
        campaign = get_object_or_404(Campaign.objects.all(), pk=object_id)
        form = form_class(request.POST or None, request.FILES or None) if form_class else None
        return confirm_then_act(
            self,
            request,
            title=f"{verb}: {campaign}",
            summary=f"{verb} the campaign {campaign} ({campaign.get_status_display().lower()})?",
            button=verb,
            back_url=reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
            perform=lambda data: perform(campaign, data),
            form=form,
        )

    @action(description="Start", url_path="start", icon="play_arrow", permissions=["run_campaign"])
    def start_campaign(self, request, object_id):
        def perform(campaign, data):
            campaign = services.start(campaign, actor=request.user)
            stats = services.stats(campaign)
            skipped = "; ".join(f"{n}: {label.lower()}" for label, n in labelled(stats["skipped_by_reason"]))
            return f"{campaign.get_status_display()}: {stats['targets']} targets; skipped: {skipped or 'none'}."

        return self._confirm(request, object_id, "Start", perform)

    @action(description="Pause", url_path="pause", icon="pause", permissions=["run_campaign"])
    def pause_campaign(self, request, object_id):
        return self._confirm(
            request, object_id, "Pause", lambda c, d: f"Paused {services.pause(c, reason=d['reason'])}.", PauseForm
        )

    @action(description="Resume", url_path="resume", icon="resume", permissions=["run_campaign"])
    def resume_campaign(self, request, object_id):
        return self._confirm(request, object_id, "Resume", lambda c, d: f"Resumed {services.resume(c)}.")

    @action(description="Cancel", url_path="cancel", icon="cancel", permissions=["run_campaign"])
    def cancel_campaign(self, request, object_id):
        return self._confirm(request, object_id, "Cancel", lambda c, d: f"Canceled {services.cancel(c)}.")

    @action(description="Upload leads", url_path="upload", icon="upload", permissions=["upload_targets"])
    def upload_leads(self, request, object_id):
        def perform(campaign, data):
            lead_import = importing.create_import(
                data["file"],
                actor=request.user,
                on_duplicate="merge",
                tags=[services.campaign_tag_name(campaign)],
                campaign_id=campaign.pk,
            )
            return f"Importing {lead_import.original_name}; its people join the campaign when it is done."

        return self._confirm(request, object_id, "Upload leads", perform, UploadForm)


OUTCOME_LABELS = dict(Outcome.choices)


class LastOutcomeFilter(admin.SimpleListFilter):
    title = "last outcome"
    parameter_name = "last_outcome"

    def lookups(self, request, model_admin):
        return list(Outcome.choices)

    def queryset(self, request, queryset):
        return queryset.filter(last_outcome=self.value()) if self.value() else queryset


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = ["lead", "campaign", "status", "attempts", "next_attempt_at", "last_outcome_label", "skip_reason"]
    list_filter = ["campaign", "status", "skip_reason", LastOutcomeFilter]
    list_select_related = ["lead", "campaign"]
    search_fields = ["=lead__phone", "lead__last_name"]
    paginator = InfinitePaginator
    ordering = ["next_attempt_at", "id"]

    readonly_fields = ["last_outcome_label"]

    def get_fields(self, request, obj=None):  # the outcome in words on the target's page too
        fields = [f for f in super().get_fields(request, obj) if f != "last_outcome_label"]
        return ["last_outcome_label" if f == "last_outcome" else f for f in fields]

    @display(description="Last outcome", ordering="last_outcome")
    def last_outcome_label(self, obj):
        return OUTCOME_LABELS.get(obj.last_outcome, obj.last_outcome) or "—"


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(TenantModelAdmin):
    list_display = ["__str__", "trigger", "outcomes_in_words", "delay_minutes", "is_active"]
    list_filter = ["trigger", "is_active"]
    list_select_related = ["source_campaign", "target_campaign"]

    @display(description="Outcomes")
    def outcomes_in_words(self, obj):
        return ", ".join(OUTCOME_LABELS.get(code, code) for code in obj.outcomes or []) or "—"


@admin.register(Expense)
class ExpenseAdmin(TenantModelAdmin):
    """Costs beside the providers' call costs, counted in the dashboard's cost per appointment."""

    list_display = ["date", "description", "amount", "campaign", "branch"]
    list_filter = ["campaign", "branch"]
    search_fields = ["description"]
    list_select_related = ["campaign", "branch"]
    date_hierarchy = "date"
    fields = ["date", "description", "amount", "campaign", "branch"]
