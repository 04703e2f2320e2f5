from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from appointments.feeds import calendar_feed
from tenants.api.errors import json_error_view
from tenants.join_views import join
from tenants.password_reset import ThrottledPasswordResetView
from voice.webhooks import webhook_view

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("readyz/workers", health.readyz_workers, name="readyz-workers"),
    path("admin/", admin.site.urls),
    path("webhooks/voice/<str:provider>/<uuid:account_uuid>/", webhook_view, name="voice-webhook"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    # Staff sign in on the admin's page; the auth app's own login has no template of its own here.
    path("accounts/login/", RedirectView.as_view(pattern_name="admin:login", query_string=True)),
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/join/<str:token>/", join, name="join-tenant"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(("config.api", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("favicon.ico", lambda request: HttpResponseRedirect(static("voice/favicon.svg"))),
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
]

_api_404 = json_error_view(404, "not_found", "Not found.")
_api_500 = json_error_view(500, "server_error", "Something went wrong on our side; it has been logged.")


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_404(request, exception)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return _api_500(request)
    from django.views.defaults import server_error

    return server_error(request)
