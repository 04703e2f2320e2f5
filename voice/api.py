"""``/api/v1/voice/``: provider accounts (secrets write-only), voice agents, scripts (duplicate, preview)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from leads.models import Lead
from tenants.api.base import StrictSerializer, TenantModelSerializer, TenantModelViewSet
from tenants.roles import needs

from . import accounts, disclosures, prompting, services
from .models import ProviderAccount, Script, VoiceAgent, is_marketing_purpose


class ProviderAccountSerializer(TenantModelSerializer):
    api_key = serializers.CharField(write_only=True, required=False, allow_blank=True, trim_whitespace=False)
    webhook_secret = serializers.CharField(write_only=True, required=False, allow_blank=True, trim_whitespace=False)
    has_api_key = serializers.SerializerMethodField()
    has_webhook_secret = serializers.SerializerMethodField()
    webhook_url = serializers.CharField(read_only=True)

    class Meta:
        model = ProviderAccount
        fields = [
            "id",
            "provider",
            "label",
            "api_key",
            "webhook_secret",
            "has_api_key",
            "has_webhook_secret",
            "caller_numbers",
            "provider_ids",
            "concurrency_limit",
            "is_active",
            "webhook_url",
            "health",
            "health_message",
            "health_checked_at",
        ]
        read_only_fields = ["health", "health_message", "health_checked_at"]

    def get_has_api_key(self, obj) -> bool:
        return bool(obj.api_key)

    def get_has_webhook_secret(self, obj) -> bool:
        return bool(obj.webhook_secret)

    def validate(self, attrs):
        provider = attrs.get("provider", getattr(self.instance, "provider", None))
        for name in ("api_key", "webhook_secret"):
            if attrs.get(name) == "" and self.instance is not None:
                attrs.pop(name)  # empty means "keep what is stored"
        problems = accounts.problems(
            provider,
            api_key=attrs.get("api_key") or getattr(self.instance, "api_key", ""),
            webhook_secret=attrs.get("webhook_secret") or getattr(self.instance, "webhook_secret", ""),
            provider_ids=attrs.get("provider_ids", getattr(self.instance, "provider_ids", None)),
        )
        if problems:
            raise serializers.ValidationError({name: [message] for name, message in problems.items()})
        return attrs


class ProviderAccountViewSet(TenantModelViewSet):
    queryset = ProviderAccount.objects.order_by("label")
    serializer_class = ProviderAccountSerializer
    filterset_fields = ["provider", "is_active", "health"]
    action_permissions = {"test_connection": needs("test_connection")}

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "ConnectionTest", {"ok": serializers.BooleanField(), "message": serializers.CharField()}
        ),
    )
    @action(detail=True, methods=["post"], url_path="test-connection")
    def test_connection(self, request, pk=None):
        ok, message = services.test_connection(self.get_object())
        return Response({"ok": ok, "message": message})


class VoiceAgentSerializer(TenantModelSerializer):
    class Meta:
        model = VoiceAgent
        fields = [
            "id",
            "name",
            "account",
            "provider_agent_id",
            "voice_id",
            "language",
            "speaking_rate",
            "temperature",
            "llm_model",
            "system_prompt",
            "max_call_seconds",
            "is_active",
        ]


class VoiceAgentViewSet(TenantModelViewSet):
    queryset = VoiceAgent.objects.select_related("account").order_by("name")
    serializer_class = VoiceAgentSerializer
    filterset_fields = ["account", "is_active"]
    search_fields = ["name"]


class ScriptSerializer(TenantModelSerializer):
    class Meta:
        model = Script
        fields = [
            "id",
            "name",
            "purpose",
            "is_marketing",
            "opening_line",
            "prompt_template",
            "collect",
            "version",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["version", "created_at"]

    def validate(self, attrs):
        """docs/compliance.md#disclosures: a marketing script's opening says how to stop the calls and asks
        whether to go on (a 400 on ``opening_line`` saying what to add)."""
        attrs = super().validate(attrs)
        current = self.instance or Script()
        purpose = attrs.get("purpose", current.purpose)
        if is_marketing_purpose(purpose, attrs.get("is_marketing", current.is_marketing)):
            try:
                disclosures.check_marketing(attrs.get("opening_line", current.opening_line))
            except DjangoValidationError as error:
                raise serializers.ValidationError({"opening_line": error.messages}) from None
        return attrs


class PreviewQuery(StrictSerializer):
    """``?lead=&agent=``: whose call to preview, and with which agent (default: none)."""

    lead = serializers.PrimaryKeyRelatedField(queryset=Lead.objects.all(), help_text="One of your leads.")
    agent = serializers.PrimaryKeyRelatedField(queryset=VoiceAgent.objects.all(), required=False)


class ScriptViewSet(TenantModelViewSet):
    queryset = Script.objects.order_by("name", "-version")
    serializer_class = ScriptSerializer
    filterset_fields = ["purpose", "is_active"]
    search_fields = ["name"]
    action_permissions = {"duplicate": needs("duplicate_script"), "preview": ["voice.view_script"]}

    @extend_schema(request=None, responses={201: ScriptSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        copy = services.duplicate_script(self.get_object(), actor=request.user)
        return Response(ScriptSerializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("lead", OpenApiTypes.UUID, required=True),
            OpenApiParameter("agent", OpenApiTypes.UUID),
        ],
        responses=inline_serializer(
            "ScriptPreview",
            {
                "opening_line": serializers.CharField(),
                "prompt": serializers.CharField(),
                "system_prompt": serializers.CharField(),
                "variables": serializers.DictField(child=serializers.CharField()),
            },
        ),
    )
    @action(detail=True)
    def preview(self, request, pk=None):
        """Exactly what the agent would receive for a lead."""
        script = self.get_object()
        query = PreviewQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        rendered = prompting.render(query.validated_data["lead"], script, query.validated_data.get("agent"))
        return Response(rendered.__dict__)
