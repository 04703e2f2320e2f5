"""The API router: every app's viewsets under ``/api/v1/``.

One URL rule: every path answers with or without its trailing slash (the
schema shows the slash), so no request is ever redirected and no POST body lost.
"""

from django.urls import re_path
from rest_framework.routers import DefaultRouter

from analytics.api import (
    CallsOverTimeView,
    CampaignsView,
    FunnelView,
    NeedsAttentionView,
    OutcomesView,
    OverviewView,
)
from appointments.api import (
    AppointmentSettingsView,
    AppointmentViewSet,
    AvailabilityRuleViewSet,
    CalendarFeedViewSet,
    ClosureViewSet,
)
from calls.api import CallViewSet
from campaigns.api import CampaignViewSet, ExpenseViewSet, FollowUpRuleViewSet
from config.health import ErrorProbe
from knowledge.api import DocumentViewSet, EntryViewSet, SearchView
from leads.api.lists import DoNotCallViewSet, LeadImportViewSet, PipelineSettingsView, TagViewSet, VehicleViewSet
from leads.api.views import LeadViewSet
from tenants.api.auth import LoginView, LogoutView, MeView, RefreshView
from tenants.api.branches import BranchViewSet, CurrentTenantView
from tenants.api.users import UserViewSet
from voice.api import ProviderAccountViewSet, ScriptViewSet, VoiceAgentViewSet


class SlashOptionalRouter(DefaultRouter):
    """Every route matches with or without its trailing slash (DRF itself knows only "/" or ""). No format
    suffixes: the API speaks JSON, and ``leads.exe`` is not a list of leads."""

    include_format_suffixes = False

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


router = SlashOptionalRouter()
router.include_root_view = False
router.register("users", UserViewSet, basename="user")
router.register("branches", BranchViewSet, basename="branch")
router.register("leads/imports", LeadImportViewSet, basename="lead-import")
router.register("leads", LeadViewSet, basename="lead")
router.register("tags", TagViewSet, basename="tag")
router.register("vehicles", VehicleViewSet, basename="vehicle")
router.register("dnc", DoNotCallViewSet, basename="dnc")
router.register("voice/accounts", ProviderAccountViewSet, basename="voice-account")
router.register("voice/agents", VoiceAgentViewSet, basename="voice-agent")
router.register("voice/scripts", ScriptViewSet, basename="voice-script")
router.register("calls", CallViewSet, basename="call")
router.register("campaigns/follow-up-rules", FollowUpRuleViewSet, basename="follow-up-rule")
router.register("campaigns/expenses", ExpenseViewSet, basename="expense")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("appointments/availability-rules", AvailabilityRuleViewSet, basename="availability-rule")
router.register("appointments/closures", ClosureViewSet, basename="closure")
router.register("appointments/calendar-feeds", CalendarFeedViewSet, basename="calendar-feed")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("knowledge/entries", EntryViewSet, basename="knowledge-entry")
router.register("knowledge/documents", DocumentViewSet, basename="knowledge-document")


def slash_optional(route: str, view, name: str):
    return re_path(rf"^{route}/?$", view, name=name)


urlpatterns = [
    slash_optional("auth/login", LoginView.as_view(), name="auth-login"),
    slash_optional("auth/refresh", RefreshView.as_view(), name="auth-refresh"),
    slash_optional("auth/logout", LogoutView.as_view(), name="auth-logout"),
    slash_optional("auth/me", MeView.as_view(), name="auth-me"),
    slash_optional("tenant", CurrentTenantView.as_view(), name="current-tenant"),
    slash_optional("leads/settings", PipelineSettingsView.as_view(), name="lead-settings"),
    slash_optional("appointments/settings", AppointmentSettingsView.as_view(), name="appointment-settings"),
    slash_optional("knowledge/search", SearchView.as_view(), name="knowledge-search"),
    slash_optional("analytics/overview", OverviewView.as_view(), name="analytics-overview"),
    slash_optional("analytics/calls-over-time", CallsOverTimeView.as_view(), name="analytics-calls-over-time"),
    slash_optional("analytics/outcomes", OutcomesView.as_view(), name="analytics-outcomes"),
    slash_optional("analytics/funnel", FunnelView.as_view(), name="analytics-funnel"),
    slash_optional("analytics/campaigns", CampaignsView.as_view(), name="analytics-campaigns"),
    slash_optional("analytics/needs-attention", NeedsAttentionView.as_view(), name="analytics-needs-attention"),
    slash_optional("ops/error-probe", ErrorProbe.as_view(), name="ops-error-probe"),
    *router.urls,
]
