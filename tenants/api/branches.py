"""``/api/v1/branches/`` and ``/api/v1/tenant/``: the tenant's locations and its own settings."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ..models import Branch, Tenant
from .base import TenantAPIView, TenantModelSerializer, TenantModelViewSet


class BranchSerializer(TenantModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "name", "address", "country", "time_zone", "phone", "business_hours"]


class BranchViewSet(TenantModelViewSet):
    queryset = Branch.objects.order_by("name")
    serializer_class = BranchSerializer
    search_fields = ["name", "address"]
    ordering_fields = ["name"]


class TenantSerializer(TenantModelSerializer):
    class Meta:
        model = Tenant
        fields = ["id", "name", "slug", "vertical", "legal_name", "callback_phone", "country", "time_zone", "is_active"]
        read_only_fields = ["slug", "vertical"]


class CurrentTenantView(TenantAPIView):
    """The tenant in use: anyone reads it; owners and admins change it."""

    permission_model = Tenant

    @extend_schema(responses=TenantSerializer)
    def get(self, request):
        return Response(TenantSerializer(request.tenant).data)

    @extend_schema(request=TenantSerializer, responses=TenantSerializer)
    def patch(self, request):
        data = TenantSerializer(request.tenant, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        data.save()
        return Response(data.data)
