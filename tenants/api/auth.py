"""JWT login, refresh, logout and ``me``.

Tokens carry the user and the tenant they were issued for (``tenant_id``,
``tenant``); ``X-Tenant`` overrides the tenant per request. Failed logins are
counted by django-axes for the API exactly as for the admin login.
"""

import hashlib

from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from core import public_ids
from core.cache import incr_with_expiry
from core.throttling import ScopedRateThrottle

from ..authentication import TokenExpired, TokenInvalid, check_session, stamp_token
from ..backends import sorted_role_permissions
from ..models import Branch
from ..resolution import TenantNotAllowed, active_memberships, choose
from .base import StrictSerializer, TenantAPIView
from .errors import error_body


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = "Too many failed sign-ins. Try again later or ask an admin to unlock the account."


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(help_text="Email address or username.")
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    tenant = serializers.SlugField(required=False, help_text="Slug of the tenant to work in.")


class TenantSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    name = serializers.CharField()
    vertical = serializers.CharField()
    time_zone = serializers.CharField()


class MembershipSummarySerializer(serializers.Serializer):
    tenant = TenantSummarySerializer()
    role = serializers.CharField()
    default_branch = serializers.UUIDField(allow_null=True)


class UserSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    is_superuser = serializers.BooleanField()


# The shapes above document the schema; these build the same dicts without a
# serializer per request (auth/me is the API's hottest endpoint).
def user_summary(user) -> dict:
    return {
        "id": public_ids.of(user),
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_superuser": user.is_superuser,
    }


def tenant_summary(tenant) -> dict | None:
    if tenant is None:
        return None
    return {
        "id": public_ids.of(tenant),
        "slug": tenant.slug,
        "name": tenant.name,
        "vertical": tenant.vertical,
        "time_zone": tenant.time_zone,
    }


def membership_summary(membership) -> dict:
    return {
        "tenant": tenant_summary(membership.tenant),
        "role": membership.role,
        "default_branch": public_ids.encode(Branch, membership.default_branch_id)
        if membership.default_branch_id
        else None,
    }


def access_lifetime_seconds() -> int:
    return int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds())


def tokens_for(user, tenant) -> dict:
    refresh = RefreshToken.for_user(user)
    stamp_token(refresh, user)  # the access token copies the claims
    if tenant is not None:
        refresh["tenant"] = tenant.slug  # the token's tenant, by slug: a token holds no row's key
    return {"access": str(refresh.access_token), "refresh": str(refresh), "expires_in": access_lifetime_seconds()}


class LoginNameThrottle(SimpleRateThrottle):
    """Failed sign-ins per username, whatever address they come from (the ``login`` scope counts every
    sign-in per address). Only failures count (``count_failure``), in one-minute windows: a password
    sprayed at one account from many addresses is slowed, and at worst the account's sign-ins pause until
    the minute ends; there is no lockout anyone could make last."""

    scope = "login_name"

    def get_cache_key(self, request, view):
        posted = request.data if hasattr(request, "data") else request.POST  # the API's, or the admin's form
        name = posted.get("username") if hasattr(posted, "get") else None
        if not isinstance(name, str) or not name.strip():
            return None
        digest = hashlib.sha256(name.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}

    def _window_key(self, request) -> str | None:
        if self.rate is None:
            return None
        key = self.get_cache_key(request, None)
        now = self.timer()
        self.wait_seconds = (int(now // self.duration) + 1) * self.duration - now
        return f"{key}:{int(now // self.duration)}" if key else None

    def allow_request(self, request, view):
        key = self._window_key(request)
        return key is None or (cache.get(key) or 0) < self.num_requests

    def wait(self):
        return self.wait_seconds

    @classmethod
    def count_failure(cls, request) -> None:
        throttle = cls()
        key = throttle._window_key(request)
        if key is not None:
            incr_with_expiry(cache, key, throttle.duration + 1)


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle, LoginNameThrottle]
    throttle_scope = "login"

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'  # so a wrong password is a 401, not a 403

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: inline_serializer(
                "LoginResponse",
                {
                    "access": serializers.CharField(),
                    "refresh": serializers.CharField(),
                    "expires_in": serializers.IntegerField(help_text="Seconds until the access token expires."),
                    "user": UserSummarySerializer(),
                    "tenant": TenantSummarySerializer(allow_null=True),
                    "memberships": MembershipSummarySerializer(many=True),
                },
            ),
            401: OpenApiResponse(description="Wrong username or password."),
            403: OpenApiResponse(description="Not a member of the tenant asked for."),
            429: OpenApiResponse(description="Locked out after repeated failures."),
        },
        auth=[],
    )
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            django_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            raise LockedOut()
        if user is None:
            LoginNameThrottle.count_failure(request)
            raise exceptions.AuthenticationFailed("Wrong username or password.", code="invalid_credentials")
        memberships = active_memberships(user)
        slug = data.validated_data.get("tenant")
        if slug:
            try:
                tenant = choose(user, slug=slug).tenant
            except TenantNotAllowed:
                raise exceptions.PermissionDenied(
                    f"You are not a member of tenant “{slug}”.", code="tenant_forbidden"
                ) from None
        elif len(memberships) == 1:
            tenant = memberships[0].tenant
        elif not memberships and not user.is_superuser:
            raise exceptions.PermissionDenied("You are not a member of any tenant.", code="no_membership")
        else:
            tenant = None  # several: the app asks which, then sends X-Tenant
        return Response(
            {
                **tokens_for(user, tenant),
                "user": user_summary(user),
                "tenant": tenant_summary(tenant),
                "memberships": [membership_summary(m) for m in memberships],
            }
        )


class SessionRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, after checking the session may go on: the user is active, their password is the
    one the token was issued for, and the sign-in is younger than ``JWT_SESSION_MAX_DAYS``."""

    def validate(self, attrs):
        token = RefreshToken(attrs["refresh"])
        user = get_user_model()._default_manager.filter(pk=token.get(jwt_settings.USER_ID_CLAIM)).first()
        if user is None:
            raise TokenInvalid("This refresh token's user no longer exists: sign in again.")
        check_session(token, user)
        return super().validate(attrs)


class RefreshView(TokenRefreshView):
    """Exchange a refresh token for a new access token (and a rotated refresh token)."""

    serializer_class = SessionRefreshSerializer

    @extend_schema(
        responses={
            200: inline_serializer(
                "RefreshResponse",
                {
                    "access": serializers.CharField(),
                    "refresh": serializers.CharField(),
                    "expires_in": serializers.IntegerField(help_text="Seconds until the access token expires."),
                },
            )
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ExpiredTokenError:
            raise TokenExpired("Your refresh token has expired: sign in again.") from None
        except TokenError:
            raise TokenInvalid(
                "This refresh token is not valid (used, revoked or tampered with): sign in again."
            ) from None
        return Response({**serializer.validated_data, "expires_in": access_lifetime_seconds()})


class LogoutSerializer(StrictSerializer):
    refresh = serializers.CharField()


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=LogoutSerializer, responses={204: None})
    def post(self, request):
        data = LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = RefreshToken(data.validated_data["refresh"])
        except TokenError as exc:
            raise exceptions.ValidationError({"refresh": [str(exc)]}) from None
        if str(token.get("user_id")) != str(request.user.pk):
            raise exceptions.ValidationError({"refresh": ["This refresh token belongs to someone else."]})
        token.blacklist()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(TenantAPIView):
    """Who is signed in, their memberships, the tenant in use and what they may do in it."""

    tenant_required = False

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "user": UserSummarySerializer(),
                "memberships": MembershipSummarySerializer(many=True),
                "tenant": TenantSummarySerializer(allow_null=True),
                "role": serializers.CharField(allow_null=True),
                "permissions": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request):
        user = request.user
        tenant = request.tenant
        return Response(
            {
                "user": user_summary(user),
                "memberships": [membership_summary(m) for m in active_memberships(user)],
                "tenant": tenant_summary(tenant),
                "role": request.membership.role if request.membership else ("platform" if tenant else None),
                "permissions": _permissions(request),
            }
        )


def _permissions(request) -> list[str]:
    """What the user may do in the tenant in use: their role's permissions (one rule, tenants.backends)."""
    if request.tenant is None:
        return []
    if request.membership is not None:
        return sorted_role_permissions(request.membership.role)
    return sorted(request.user.get_all_permissions())  # platform staff: every permission


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the API's JSON shape, or a plain page."""
    message = LockedOut.default_detail
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("locked_out", message), status=429)
    from django.shortcuts import render

    return render(request, "tenants/locked_out.html", {"message": message}, status=429)
