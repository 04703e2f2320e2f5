"""The API router: every app's viewsets under ``/api/v1/``."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from appointments.api import (
    AppointmentSettingsView,
    AppointmentViewSet,
    AvailabilityRuleViewSet,
    CalendarFeedViewSet,
    ClosureViewSet,
)
from calls.api import CallViewSet
from campaigns.api import CampaignViewSet, ExpenseViewSet, FollowUpRuleViewSet
from config.analytics.api import (
    CallsOverTimeView,
    CampaignsView,
    FunnelView,
    NeedsAttentionView,
    OutcomesView,
    OverviewView,
)
from knowledge.api import DocumentViewSet, EntryViewSet, SearchView
from leads.api.lists import DoNotCallViewSet, LeadImportViewSet, PipelineSettingsView, TagViewSet, VehicleViewSet
from leads.api.views import LeadViewSet
from tenants.api.auth import LoginView, LogoutView, MeView, RefreshView
from tenants.api.branches import BranchViewSet, CurrentTenantView
from tenants.api.users import UserViewSet
from voice.api import ProviderAccountViewSet, ScriptViewSet, VoiceAgentViewSet

router = DefaultRouter()
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

urlpatterns = [
    path("auth/login", LoginView.as_view(), name="auth-login"),
    path("auth/refresh", RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", LogoutView.as_view(), name="auth-logout"),
    path("auth/me", MeView.as_view(), name="auth-me"),
    path("tenant/", CurrentTenantView.as_view(), name="current-tenant"),
    path("leads/settings/", PipelineSettingsView.as_view(), name="lead-settings"),
    path("appointments/settings/", AppointmentSettingsView.as_view(), name="appointment-settings"),
    path("knowledge/search/", SearchView.as_view(), name="knowledge-search"),
    path("analytics/overview/", OverviewView.as_view(), name="analytics-overview"),
    path("analytics/calls-over-time/", CallsOverTimeView.as_view(), name="analytics-calls-over-time"),
    path("analytics/outcomes/", OutcomesView.as_view(), name="analytics-outcomes"),
    path("analytics/funnel/", FunnelView.as_view(), name="analytics-funnel"),
    path("analytics/campaigns/", CampaignsView.as_view(), name="analytics-campaigns"),
    path("analytics/needs-attention/", NeedsAttentionView.as_view(), name="analytics-needs-attention"),
    *router.urls,
]
