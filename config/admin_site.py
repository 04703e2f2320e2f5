"""The admin site: Unfold's, plus the tenant switch."""

from django.urls import path
from unfold.sites import UnfoldAdminSite


class CrmAdminSite(UnfoldAdminSite):
    site_header = "Voice CRM"
    site_title = "Voice CRM"
    index_title = "Dashboard"

    def extra_urls(self):
        from tenants.admin_views import switch_tenant

        return [path("tenant/switch/", self.admin_view(switch_tenant), name="switch_tenant")]
