"""The API router: every app's viewsets under ``/api/v1/``."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from tenants.api.auth import LoginView, LogoutView, MeView, RefreshView
from tenants.api.branches import BranchViewSet, CurrentTenantView
from tenants.api.users import UserViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("users", UserViewSet, basename="user")
router.register("branches", BranchViewSet, basename="branch")

urlpatterns = [
    path("auth/login", LoginView.as_view(), name="auth-login"),
    path("auth/refresh", RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", LogoutView.as_view(), name="auth-logout"),
    path("auth/me", MeView.as_view(), name="auth-me"),
    path("tenant/", CurrentTenantView.as_view(), name="current-tenant"),
    *router.urls,
]
