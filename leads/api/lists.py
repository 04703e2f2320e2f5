"""Tags, vehicles, the do-not-call list, imports and pipeline settings."""

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core import public_ids
from tenants.api.base import TenantAPIView, TenantModelSerializer, TenantModelViewSet, TenantViewSetMixin
from tenants.roles import needs

from .. import importing, services
from ..models import DncSource, DoNotCall, LeadImport, PipelineSettings, Tag, Vehicle
from ..pipeline import labels_for
from .serializers import (
    DncRemoveSerializer,
    DoNotCallSerializer,
    LeadImportCreateSerializer,
    LeadImportSerializer,
    TagSerializer,
    VehicleSerializer,
)


class TagViewSet(TenantModelViewSet):
    queryset = Tag.objects.order_by("name")
    serializer_class = TagSerializer
    search_fields = ["name"]
    ordering_fields = ["name"]


class VehicleViewSet(TenantModelViewSet):
    queryset = Vehicle.objects.select_related("lead")
    serializer_class = VehicleSerializer
    filterset_fields = {"lead": ["exact"], "make": ["iexact"], "next_service_due": ["lte", "gte"]}
    search_fields = ["vin", "make", "model"]
    ordering_fields = ["next_service_due", "year"]


class DoNotCallViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The do-not-call list. Adding is immediate for every campaign; removing needs a manager and a reason."""

    queryset = DoNotCall.objects.select_related("created_by")
    serializer_class = DoNotCallSerializer
    filterset_fields = ["source"]
    search_fields = ["phone"]
    action_permissions = {"remove": needs("remove_from_dnc")}

    def perform_create(self, serializer):
        serializer.instance = services.add_dnc(
            serializer.validated_data["phone"],
            reason=serializer.validated_data.get("reason", ""),
            source=DncSource.API,
            actor=self.request.user,
        )

    @extend_schema(request=DncRemoveSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = self.get_object()
        data = DncRemoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.remove_dnc(entry, actor=request.user, reason=data.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeadImportViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """CSV imports: upload one (202, it runs in the background), then poll its status, counts and errors."""

    queryset = LeadImport.objects.select_related("created_by")
    serializer_class = LeadImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["status"]
    action_permissions = {"create": needs("import_leads"), "error_report": ["leads.view_leadimport"]}

    @extend_schema(request=LeadImportCreateSerializer, responses={202: LeadImportSerializer})
    def create(self, request):
        data = LeadImportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload = values.pop("file")
        branch = values.pop("branch", None)
        options = {k: v for k, v in values.items() if k not in ("on_duplicate", "dry_run")}
        if branch is not None:
            options["branch_id"] = branch
        if "consent_given_on" in options:
            options["consent_given_on"] = options["consent_given_on"].isoformat()  # options are JSON
        lead_import = importing.create_import(
            upload, actor=request.user, on_duplicate=values["on_duplicate"], dry_run=values["dry_run"], **options
        )
        body = LeadImportSerializer(lead_import, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="row, column, value, reason, level")})
    @action(detail=True, url_path="error-report")
    def error_report(self, request, pk=None):
        lead_import = self.get_object()
        if not lead_import.error_report:
            raise exceptions.NotFound("This import has no errors to report.")
        return FileResponse(
            lead_import.error_report.open("rb"),
            as_attachment=True,
            filename=f"import-{public_ids.of(lead_import)}-errors.csv",
            content_type="text/csv",
        )


class PipelineSettingsSerializer(TenantModelSerializer):
    class Meta:
        model = PipelineSettings
        fields = ["stage_labels", "scoring_rules"]


class PipelineSettingsView(TenantAPIView):
    """The tenant's stage names and scoring rules: read by anyone, changed by managers and above."""

    permission_model = PipelineSettings

    def _settings(self):
        return PipelineSettings.objects.get_or_create()[0]

    @extend_schema(responses=PipelineSettingsSerializer)
    def get(self, request):
        settings = self._settings()
        body = PipelineSettingsSerializer(settings).data
        body["effective_stage_labels"] = labels_for(request.tenant.vertical, settings.stage_labels)
        return Response(body)

    @extend_schema(request=PipelineSettingsSerializer, responses=PipelineSettingsSerializer)
    def patch(self, request):
        data = PipelineSettingsSerializer(self._settings(), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        data.save()
        return Response(data.data)
