from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self):
        from appointments.hooks import register_no_show_handler
        from calls.hooks import register_dial_handler, register_outcome_handler

        from . import receivers, services  # noqa: F401  (receivers connects them)

        register_outcome_handler("campaign", services.record_outcome)
        register_dial_handler(services.mark_dialing)
        register_no_show_handler(services.enrol_no_show)
