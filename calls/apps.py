from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls"

    def ready(self):
        from leads import privacy, scoring, timeline

        from . import lead_hooks, receivers  # noqa: F401 (receivers connects them)

        timeline.register_timeline(lead_hooks.timeline_entries)
        scoring.register_engagement(lead_hooks.engagement)
        privacy.register_export("calls", lead_hooks.export_calls)
        privacy.register_erasure(lead_hooks.erase_calls)
