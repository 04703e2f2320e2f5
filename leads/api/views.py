"""``/api/v1/leads/`` and its actions: thin doors into leads.services, importing, privacy, exporting."""

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core import public_ids
from core.formats import timestamp
from tenants.api.base import TenantModelViewSet
from tenants.api.filtering import FilterBackend, StrictOrderingFilter
from tenants.api.pagination import CappedCountPagination
from tenants.roles import needs

from .. import exporting, privacy, services
from ..filters import LeadFilter, LeadSearchFilter, on_dnc_expression
from ..models import Consent, Lead
from ..timeline import timeline
from .serializers import (
    ConsentSerializer,
    LeadCreateSerializer,
    LeadSerializer,
    MergeSerializer,
    NoteSerializer,
    StageSerializer,
    TagNamesSerializer,
)


class LeadViewSet(TenantModelViewSet):
    queryset = Lead.objects.select_related("owner", "branch").prefetch_related("tags")
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    filter_backends = [FilterBackend, LeadSearchFilter, StrictOrderingFilter]
    pagination_class = CappedCountPagination
    search_fields = ["search_text"]  # ?search= finds people (LeadSearchFilter: leads.search)
    ordering_fields = ["score", "created_at", "last_contacted_at", "next_action_at", "last_name", "stage"]
    ordering = ["-created_at", "-id"]
    action_permissions = {
        "prioritized": ["leads.view_lead"],
        "timeline": ["leads.view_lead"],
        "consents": ["leads.view_lead"],  # recording one also needs leads.add_consent (checked in the action)
        "data_export": needs("export_person"),
        "export": needs("export_leads"),
        "tags": needs("tag_leads"),
        "stage": needs("change_stage"),
        "merge": needs("merge_leads"),
        "erase": needs("erase_person"),
        "notes": needs("write_notes"),
        "revoke_consent": needs("revoke_consent"),
    }

    def get_queryset(self):
        return super().get_queryset().annotate(on_dnc=on_dnc_expression())

    def get_serializer_class(self):
        return LeadCreateSerializer if self.action == "create" else LeadSerializer

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = LeadSerializer(self.get_queryset().get(pk=self._created.pk)).data
        return response

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", [])
        serializer.instance = self._created = services.create_lead(data, actor=self.request.user, tags=tags)
        serializer.instance.on_dnc = services.is_on_dnc(serializer.instance.phone)

    def perform_update(self, serializer):
        serializer.instance = services.update_lead(
            serializer.instance, dict(serializer.validated_data), actor=self.request.user
        )

    def _lead(self):
        return self.get_object()

    @extend_schema(responses=LeadSerializer(many=True))
    @action(detail=False)
    def prioritized(self, request):
        """Who to call next: new, never-contacted leads first (longest waiting), then score, then next action."""
        queryset = services.prioritized(self.filter_queryset(self.get_queryset()).order_by())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(LeadSerializer(page, many=True).data)

    @extend_schema(request=TagNamesSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post", "delete"])
    def tags(self, request, pk=None):
        """Add (POST) or remove (DELETE) tags by name; new names create tags."""
        lead = self._lead()
        data = TagNamesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if request.method == "POST":
            services.add_tags(lead, data.validated_data["tags"])
        else:
            services.remove_tags(lead, data.validated_data["tags"])
        return Response(LeadSerializer(self.get_queryset().get(pk=lead.pk)).data)

    @extend_schema(request=StageSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        """Move the lead along its pipeline (the move must be allowed; lost needs a reason)."""
        lead = self._lead()
        data = StageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_stage(
            lead,
            data.validated_data["stage"],
            actor=request.user,
            reason=data.validated_data.get("reason", ""),
            lost_reason=data.validated_data.get("lost_reason", ""),
        )
        return Response(LeadSerializer(self.get_queryset().get(pk=lead.pk)).data)

    @extend_schema(responses=OpenApiResponse(description="Entries newest first: at, kind, title, detail, by, link."))
    @action(detail=True)
    def timeline(self, request, pk=None):
        entries = timeline(self._lead())
        return Response([{**entry, "at": timestamp(entry["at"])} for entry in entries])

    @extend_schema(request=MergeSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold another lead (a duplicate) into this one."""
        lead = self._lead()
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        other = self.get_queryset().filter(pk=data.validated_data["other"]).first()
        if other is None:
            raise exceptions.ValidationError({"other": ["No such lead."]})
        services.merge_leads(lead, other, actor=request.user)
        return Response(LeadSerializer(self.get_queryset().get(pk=lead.pk)).data)

    @extend_schema(methods=["GET"], responses=ConsentSerializer(many=True))
    @extend_schema(methods=["POST"], request=ConsentSerializer, responses={201: ConsentSerializer})
    @action(detail=True, methods=["get", "post"])
    def consents(self, request, pk=None):
        """The lead's consent records (GET), or record one (POST)."""
        lead = self._lead()
        if request.method == "POST":
            if not request.user.has_perm("leads.add_consent"):
                raise exceptions.PermissionDenied()
            data = ConsentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
            consent = services.record_consent(lead, actor=request.user, **values)
            return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(Consent.objects.filter(lead=lead).order_by("-captured_at", "-id"))
        return self.get_paginated_response(ConsentSerializer(page, many=True).data)

    @extend_schema(request=None, responses=ConsentSerializer)
    @action(detail=True, methods=["post"], url_path=rf"consents/(?P<consent_id>{public_ids.PATTERN})/revoke")
    def revoke_consent(self, request, pk=None, consent_id=None):
        lead = self._lead()
        consent = Consent.objects.filter(lead=lead, pk=public_ids.decode(Consent, consent_id)).first()
        if consent is None:
            raise exceptions.NotFound()
        return Response(ConsentSerializer(services.revoke_consent(consent, actor=request.user)).data)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        lead = self._lead()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.add_note(lead, data.validated_data["body"], actor=request.user)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=OpenApiResponse(description="Everything held about the person, as one document."))
    @action(detail=True, url_path="data-export")
    def data_export(self, request, pk=None):
        document = privacy.export_person(self._lead())
        response = Response(document)
        response["Content-Disposition"] = f'attachment; filename="lead-{pk}-data.json"'
        return response

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        """Erase the person (owners and admins): only a hash of the number remains, so they are never called."""
        privacy.erase_person(self._lead(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="The filtered leads as CSV.")})
    @action(detail=False)
    def export(self, request):
        """The leads matching the current filters, as a streamed CSV."""
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            exporting.csv_lines(queryset, request.tenant.pk), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
        return response

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()
