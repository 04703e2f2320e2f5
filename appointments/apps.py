from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"

    def ready(self):
        from leads import privacy, scoring, timeline

        from . import lead_hooks, receivers  # noqa: F401 (receivers connects them)

        timeline.register_timeline(lead_hooks.timeline_entries)
        scoring.register_engagement(lead_hooks.engagement)
        privacy.register_export("appointments", lead_hooks.export_appointments)
        privacy.register_erasure(lead_hooks.erase_appointments)
