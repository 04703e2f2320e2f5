"""``/api/v1/users/``: owners and admins invite staff, change roles and deactivate them.

A row is a membership (a person's role in this tenant); people are never
deleted, only deactivated, so their history stays readable.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core import public_ids

from .. import invitations, services
from ..models import Membership
from ..roles import Role, needs
from .base import TenantCreateListRetrieveViewSet, TenantModelSerializer
from .identifiers import SCHEMA

User = get_user_model()


class MemberSerializer(TenantModelSerializer):
    """A member; while invited (not yet accepted) only the email the business typed and the role it gave:
    nothing about the person's account."""

    email = serializers.SerializerMethodField()
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()
    user_id = serializers.SerializerMethodField()

    def get_email(self, membership) -> str:
        return membership.user.email.lower() if membership.invited else membership.user.email

    def get_first_name(self, membership) -> str:
        return "" if membership.invited else membership.user.first_name

    def get_last_name(self, membership) -> str:
        return "" if membership.invited else membership.user.last_name

    @extend_schema_field({**SCHEMA, "nullable": True})
    def get_user_id(self, membership) -> str | None:
        return None if membership.invited else public_ids.encode(User, membership.user_id)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user_id",
            "email",
            "first_name",
            "last_name",
            "role",
            "default_branch",
            "is_active",
            "invited",
            "created_at",
        ]
        read_only_fields = ["is_active", "invited", "created_at"]


class MemberCreateSerializer(MemberSerializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    password = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        help_text="Leave out to email an invitation instead.",
    )

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "password"]


class MemberUpdateSerializer(TenantModelSerializer):
    class Meta:
        model = Membership
        fields = ["role", "default_branch"]


def _as_api_error(exc):
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    return exceptions.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    )


class UserViewSet(TenantCreateListRetrieveViewSet):
    queryset = Membership.objects.select_related("user", "default_branch").order_by("user__email")
    serializer_class = MemberSerializer
    filterset_fields = ["role", "is_active"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    ordering_fields = ["created_at", "role"]

    def filter_queryset(self, queryset):
        return invitations.without_name_matches(
            super().filter_queryset(queryset), self.request.query_params.get("search", "")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return MemberCreateSerializer
        if self.action in ("update", "partial_update"):
            return MemberUpdateSerializer
        return MemberSerializer

    @extend_schema(request=MemberCreateSerializer, responses={201: MemberSerializer})
    def create(self, request, *args, **kwargs):
        data = MemberCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            membership = services.add_member(
                email=values["email"],
                role=values.get("role", Role.AGENT),
                first_name=values.get("first_name", ""),
                last_name=values.get("last_name", ""),
                password=values.get("password"),
                default_branch=values.get("default_branch"),
                actor=request.user,
                request=request._request,
            )
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise _as_api_error(exc) from None
        return Response(MemberSerializer(membership).data, status=201)

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        data = MemberUpdateSerializer(
            membership, data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        try:
            if "role" in data.validated_data and data.validated_data["role"] != membership.role:
                services.change_role(membership, data.validated_data["role"], actor=request.user)
            if "default_branch" in data.validated_data:
                membership.default_branch = data.validated_data["default_branch"]
                membership.save(update_fields=["default_branch"])
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise _as_api_error(exc) from None
        return Response(MemberSerializer(membership).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._set_active(False)

    @extend_schema(request=None, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._set_active(True)

    action_permissions = {
        "deactivate": needs("set_member_active"),
        "reactivate": needs("set_member_active"),
    }

    def _set_active(self, active: bool):
        membership = self.get_object()
        try:
            services.set_member_active(membership, active, actor=self.request.user)
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise _as_api_error(exc) from None
        return Response(MemberSerializer(membership).data)
