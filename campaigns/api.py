"""``/api/v1/campaigns/``: CRUD, start / pause / resume / cancel, audience preview, targets, stats; follow-up rules."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from leads import importing
from leads.api.serializers import LeadImportSerializer
from tenants.api.base import CurrencyField, ShapedJSONField, StrictSerializer, TenantModelSerializer, TenantModelViewSet
from tenants.api.filtering import FilterSet
from tenants.roles import may, needs

from . import audiences, services
from .models import Campaign, CampaignTarget, Expense, FollowUpRule, TargetStatus
from .schemas import AUDIENCE_PUBLIC


class AudienceField(ShapedJSONField):
    """The audience by public ids (campaigns.schemas.AUDIENCE_PUBLIC), stored by keys."""

    def __init__(self, **kwargs):
        super().__init__(shape=AUDIENCE_PUBLIC, **kwargs)

    def to_internal_value(self, data):
        stored, found = audiences.from_public(super().to_internal_value(data))
        if found:
            detail: dict[str, list[str]] = {}
            for path, message in found:
                detail.setdefault(path, []).append(message)
            raise serializers.ValidationError(detail)
        return stored

    def to_representation(self, value):
        return audiences.to_public(value)


class CampaignSerializer(TenantModelSerializer):
    audience = AudienceField(required=False)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "branch",
            "agent",
            "script",
            "purpose",
            "status",
            "pause_reason",
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
            "audience",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [
            "purpose",
            "status",
            "pause_reason",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def validate_audience(self, value):
        """Its shape is checked by the field (campaigns.schemas.AUDIENCE); here what its kind needs and the
        tenant's own rows, each problem at its path, as the shape's are."""
        found = audiences.problems(value)
        if found:
            detail: dict[str, list[str]] = {}
            for path, message in found:
                detail.setdefault(path, []).append(message)
            raise serializers.ValidationError(detail)
        return audiences.normalized(value)

    def validate(self, attrs):
        if self.instance is not None and self.instance.status not in ("draft", "scheduled", "paused"):
            locked = {"agent", "script", "audience"} & set(attrs)
            if locked:
                raise serializers.ValidationError(
                    {name: ["Change this while the campaign is a draft or paused."] for name in locked}
                )
        return attrs


class PauseSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class TargetSerializer(TenantModelSerializer):
    lead_name = serializers.CharField(source="lead.full_name", read_only=True)
    lead_phone = serializers.CharField(source="lead.phone", read_only=True)

    class Meta:
        model = CampaignTarget
        fields = [
            "id",
            "lead",
            "lead_name",
            "lead_phone",
            "status",
            "attempts",
            "next_attempt_at",
            "last_call",
            "last_outcome",
            "skip_reason",
            "claimed_at",
            "updated_at",
        ]
        read_only_fields = fields


class TargetFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TargetStatus.choices, distinct=False)

    class Meta:
        model = CampaignTarget
        fields = ["skip_reason", "last_outcome"]


class DialerStatusSerializer(serializers.Serializer):
    every_seconds = serializers.IntegerField(allow_null=True)
    last_run_at = serializers.DateTimeField(allow_null=True)
    ticking = serializers.BooleanField()
    queues_without_worker = serializers.ListField(
        child=serializers.CharField(),
        help_text="Queues of the dialer's work that no worker seen within a minute takes.",
    )


class CampaignStatsSerializer(serializers.Serializer):
    targets = serializers.IntegerField()
    targets_by_status = serializers.DictField(child=serializers.IntegerField())
    skipped_by_reason = serializers.DictField(child=serializers.IntegerField())
    progress_percent = serializers.IntegerField()
    calls = serializers.IntegerField()
    calls_in_progress = serializers.IntegerField()
    outcomes = serializers.DictField(child=serializers.IntegerField())
    appointments_booked = serializers.IntegerField()
    dialer = DialerStatusSerializer()


class PreviewLeadSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField(help_text="The stage in the tenant's words.")


class SkippedLeadSerializer(PreviewLeadSerializer):
    reason = serializers.CharField(help_text="The skip reason's code (campaign targets' skip_reason).")
    reason_label = serializers.CharField(help_text="The reason in words.")


class AudiencePreviewSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    would_call = serializers.IntegerField()
    skipped = serializers.IntegerField()
    estimated = serializers.BooleanField(
        help_text="Above 2,000 leads, would_call, skipped and skipped_by_reason are estimated from an even spread."
    )
    checked = serializers.IntegerField(help_text="How many leads were put through the compliance gate.")
    skipped_by_reason = serializers.DictField(child=serializers.IntegerField())
    skipped_leads = SkippedLeadSerializer(
        many=True, help_text="The first leads skipped (up to 200), each with its reason."
    )
    sample = PreviewLeadSerializer(many=True, help_text="The first (up to ten) who would be called.")
    unmatched_vins = serializers.ListField(
        child=serializers.CharField(), help_text="A recall's VINs that match no vehicle (nobody to call about them)."
    )


class TargetUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="A CSV of leads: imported (known people merged) and added to the campaign.")


class CampaignViewSet(TenantModelViewSet):
    queryset = Campaign.objects.select_related("agent", "script", "branch")
    serializer_class = CampaignSerializer
    filterset_fields = ["status", "agent", "script", "branch"]
    search_fields = ["name"]
    ordering_fields = ["created_at", "name", "start_at"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    action_permissions = {
        "start": needs("run_campaign"),
        "pause": needs("run_campaign"),
        "resume": needs("run_campaign"),
        "cancel": needs("run_campaign"),
        "preview_audience": ["campaigns.view_campaign"],
        "stats": ["campaigns.view_campaign"],
        "targets": ["campaigns.view_campaigntarget"],
    }

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)

    def filter_queryset(self, queryset):
        if self.action == "targets":  # its query parameters filter the targets, not the campaign
            return queryset
        return super().filter_queryset(queryset)

    def _respond(self, campaign):
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Materialise the targets and run (or schedule, when ``start_at`` is in the future)."""
        return self._respond(services.start(self.get_object(), actor=request.user))

    @extend_schema(request=PauseSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        data = PauseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(services.pause(self.get_object(), reason=data.validated_data.get("reason", "")))

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._respond(services.resume(self.get_object()))

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._respond(services.cancel(self.get_object()))

    @extend_schema(responses=AudiencePreviewSerializer)
    @action(detail=True, url_path="preview-audience")
    def preview_audience(self, request, pk=None):
        """How many leads, a sample, and who would be skipped and why (do-not-call, consent, number), each skipped
        lead with its reason; for a recall, the VINs that matched no vehicle."""
        return Response(audiences.preview(self.get_object()))

    @extend_schema(responses=CampaignStatsSerializer)
    @action(detail=True)
    def stats(self, request, pk=None):
        """Live figures: targets by status, skip reasons, progress, calls (and in progress), outcomes, bookings,
        and whether the dialer (celery-beat) is ticking."""
        return Response(services.stats(self.get_object()) | {"dialer": services.dialer_status()})

    @extend_schema(
        request=TargetUploadSerializer, responses={200: TargetSerializer(many=True), 202: LeadImportSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def targets(self, request, pk=None):
        """The campaign's targets (filters ``status``, ``skip_reason``, ``last_outcome``); POST a CSV to add leads."""
        campaign = self.get_object()
        if request.method == "POST":
            if not may(request.user, "upload_targets"):
                raise exceptions.PermissionDenied()
            data = TargetUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            lead_import = importing.create_import(
                data.validated_data["file"],
                actor=request.user,
                on_duplicate="merge",
                tags=[services.campaign_tag_name(campaign)],
                campaign_id=campaign.pk,
            )
            return Response(LeadImportSerializer(lead_import, context={"request": request}).data, status=202)
        queryset = TargetFilter(request.query_params, CampaignTarget.objects.filter(campaign=campaign)).qs
        page = self.paginate_queryset(queryset.select_related("lead").order_by("status", "next_attempt_at", "id"))
        return self.get_paginated_response(TargetSerializer(page, many=True).data)


class FollowUpRuleSerializer(TenantModelSerializer):
    class Meta:
        model = FollowUpRule
        fields = ["id", "trigger", "source_campaign", "outcomes", "delay_minutes", "target_campaign", "is_active"]

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError

        rule = FollowUpRule(**{**({} if self.instance is None else self._current()), **attrs})
        try:
            rule.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs

    def _current(self):
        return {
            f: getattr(self.instance, f)
            for f in ("trigger", "source_campaign", "outcomes", "delay_minutes", "target_campaign", "is_active")
        }


class FollowUpRuleViewSet(TenantModelViewSet):
    queryset = FollowUpRule.objects.select_related("source_campaign", "target_campaign")
    serializer_class = FollowUpRuleSerializer
    filterset_fields = ["trigger", "source_campaign", "target_campaign", "is_active"]


class ExpenseSerializer(TenantModelSerializer):
    currency = CurrencyField()

    class Meta:
        model = Expense
        fields = ["id", "date", "description", "amount", "currency", "campaign", "branch", "created_at"]
        read_only_fields = ["created_at"]


class ExpenseViewSet(TenantModelViewSet):
    """Costs the business records beside the providers' call costs (counted in cost per appointment)."""

    queryset = Expense.objects.select_related("campaign", "branch")
    serializer_class = ExpenseSerializer
    filterset_fields = {"date": ["gte", "lte"], "campaign": ["exact"], "branch": ["exact"]}
    ordering_fields = ["date", "amount"]
