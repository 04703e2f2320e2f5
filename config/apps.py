from django.contrib.admin.apps import AdminConfig


class CrmAdminConfig(AdminConfig):
    default_site = "config.admin_site.CrmAdminSite"

    def ready(self):
        super().ready()
        from . import unfold_lists

        unfold_lists.apply()
