from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure that is not about tenants; its one model is the workers' heartbeat (core.heartbeat)."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
