from django.contrib.admin.apps import AdminConfig


class CrmAdminConfig(AdminConfig):
    default_site = "config.admin_site.CrmAdminSite"
