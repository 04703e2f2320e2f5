from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"

    def ready(self):
        from . import receivers  # noqa: F401  (receivers connects them)
