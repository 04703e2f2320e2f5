from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self):
        from leads.importing import register_finished_hook

        from . import receivers, services  # noqa: F401 (receivers connects them)

        register_finished_hook(services.add_uploaded_leads)
