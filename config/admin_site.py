"""The admin site: Unfold's, plus the tenant switch."""

from django.urls import path
from unfold.sites import UnfoldAdminSite


class CrmAdminSite(UnfoldAdminSite):
    site_header = "Voice CRM"
    site_title = "Voice CRM"
    index_title = "Dashboard"

    def extra_urls(self):
        from analytics.dashboard import daily_summary_view, export_view
        from tenants.admin_views import switch_tenant

        return [
            path("tenant/switch/", self.admin_view(switch_tenant), name="switch_tenant"),
            path("dashboard/export/<slug:table>.csv", self.admin_view(export_view), name="dashboard_export"),
            path("dashboard/daily-summary/", self.admin_view(daily_summary_view), name="dashboard_daily_summary"),
        ]
