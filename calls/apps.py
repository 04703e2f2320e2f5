from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls"

    def ready(self):
        from . import receivers  # noqa: F401  (receivers connects them)
