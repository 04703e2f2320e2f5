"""``/api/v1/calls/``: the call list and record, "Call now", resolve, needs-attention, QA reviews."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from core import public_ids
from core.formats import timestamp
from leads.models import Lead
from leads.search import search_region
from tenants.api.base import CurrencyField, StrictSerializer, TenantModelSerializer, TenantViewSetMixin
from tenants.api.filtering import FilterBackend, FilterSet, IsoDateTimeFilter, StrictOrderingFilter
from tenants.api.pagination import CappedCountPagination
from tenants.roles import may, needs
from voice.models import Script, VoiceAgent

from . import compliance_file, services
from .models import Call, CallEvent, CallStatus, Outcome, QaReview
from .search import SEARCH_HELP, search_calls


class CallSerializer(TenantModelSerializer):
    currency = CurrencyField()

    class Meta:
        model = Call
        fields = [
            "id",
            "lead",
            "branch",
            "agent",
            "script",
            "provider",
            "provider_call_id",
            "direction",
            "purpose",
            "to_number",
            "from_number",
            "status",
            "outcome",
            "disconnection_reason",
            "created_at",
            "dialed_at",
            "started_at",
            "ended_at",
            "duration_seconds",
            "summary",
            "sentiment",
            "cost",
            "currency",
            "needs_attention",
            "attention_reason",
            "resolved_by",
            "resolved_at",
            "compliance_code",
            "next_allowed_at",
            "error_category",
            "error_message",
        ]
        read_only_fields = fields


class CallEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallEvent
        fields = ["event_type", "received_at", "is_orphan"]


class CallDetailSerializer(CallSerializer):
    events = CallEventSerializer(many=True, read_only=True)

    class Meta(CallSerializer.Meta):
        fields = [
            *CallSerializer.Meta.fields,
            "transcript",
            "collected_data",
            "recording_url",
            "resolution_note",
            "compliance_file",
            "events",
        ]
        read_only_fields = fields


class ComplianceFileQuery(StrictSerializer):
    """``?lead=``: whose compliance files."""

    lead = serializers.PrimaryKeyRelatedField(queryset=Lead.objects.all(), help_text="One of your leads.")


class CallNowSerializer(StrictSerializer):
    lead = serializers.PrimaryKeyRelatedField(queryset=Lead.objects.all())
    agent = serializers.PrimaryKeyRelatedField(queryset=VoiceAgent.objects.all())
    script = serializers.PrimaryKeyRelatedField(queryset=Script.objects.all())


class ResolveSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True)


class QaReviewSerializer(TenantModelSerializer):
    class Meta:
        model = QaReview
        fields = ["id", "score", "checklist", "notes", "reviewer", "created_at"]
        read_only_fields = ["reviewer", "created_at"]


class CallFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CallStatus.choices, distinct=False)
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, distinct=False)
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Call
        fields = ["lead", "agent", "script", "needs_attention", "purpose"]


class CallSearchFilter(SearchFilter):
    """``?search=``: calls by the person's name or email, the number called, or the provider's id (calls.search)."""

    def filter_queryset(self, request, queryset, view):
        return search_calls(queryset, request.query_params.get(self.search_param, ""), search_region(request))

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            param["description"] = SEARCH_HELP
        return params


class CallViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Call.objects.all()
    serializer_class = CallSerializer
    filterset_class = CallFilter
    filter_backends = [FilterBackend, CallSearchFilter, StrictOrderingFilter]
    search_fields = ["to_number"]  # ?search= is CallSearchFilter
    ordering_fields = ["created_at", "duration_seconds"]
    ordering = ["-created_at", "-id"]
    pagination_class = CappedCountPagination
    action_permissions = {
        "resolve": needs("resolve_call"),
        "needs_attention": ["calls.view_call"],
        "compliance_file": ["calls.view_call"],
        "qa_reviews": ["calls.view_call"],
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("events")
        return queryset.defer("transcript", "collected_data", "prompt_variables", "recording_url")

    def get_serializer_class(self):
        return CallDetailSerializer if self.action == "retrieve" else CallSerializer

    @extend_schema(
        request=CallNowSerializer,
        responses={
            201: CallDetailSerializer,
            409: OpenApiResponse(
                description="Not called: code (dnc, no_consent, calling_hours…), message, next_allowed_at, call_id"
            ),
        },
    )
    def create(self, request):
        """Call now: the compliance gate decides; 201 with the queued call, or 409 with the reason."""
        data = CallNowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call, decision = services.request_call(
            data.validated_data["lead"],
            data.validated_data["agent"],
            data.validated_data["script"],
            requested_by=request.user,
        )
        if not decision.allowed:
            return Response(
                {
                    "code": decision.code,
                    "message": decision.detail,
                    "call_id": public_ids.of(call),
                    "next_allowed_at": timestamp(decision.next_allowed_at),
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(CallDetailSerializer(call).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResolveSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.resolve(self.get_object(), actor=request.user, note=data.validated_data.get("note", ""))
        return Response(CallSerializer(call).data)

    @extend_schema(responses=CallSerializer(many=True))
    @action(detail=False, url_path="needs-attention")
    def needs_attention(self, request):
        queryset = self.filter_queryset(self.get_queryset()).filter(needs_attention=True, resolved_at__isnull=True)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CallSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("lead", OpenApiTypes.UUID, required=True)],
        responses=OpenApiResponse(
            description="The person's consents (revoked ones too) with their evidence, the do-not-call entries of "
            "their number, and each call with its compliance file (docs/compliance.md#compliance-file)."
        ),
    )
    @action(detail=False, url_path="compliance-file")
    def compliance_file(self, request):
        query = ComplianceFileQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return Response(compliance_file.for_lead(query.validated_data["lead"]))

    @extend_schema(methods=["GET"], responses=QaReviewSerializer(many=True))
    @extend_schema(methods=["POST"], request=QaReviewSerializer, responses={201: QaReviewSerializer})
    @action(detail=True, methods=["get", "post"], url_path="qa-reviews")
    def qa_reviews(self, request, pk=None):
        call = self.get_object()
        if request.method == "POST":
            if not may(request.user, "review_call"):
                raise exceptions.PermissionDenied()
            data = QaReviewSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            review = data.save(call=call, reviewer=request.user)
            return Response(QaReviewSerializer(review).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(QaReview.objects.filter(call=call).order_by("-created_at", "-id"))
        return self.get_paginated_response(QaReviewSerializer(page, many=True).data)
