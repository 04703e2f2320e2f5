from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organisation"

    def ready(self):
        from django.db.models.signals import post_migrate

        import core.db  # noqa: F401  (registers the __any lookup)

        from . import audit, signals  # noqa: F401  (signals connects receivers)
        from .api import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from .roles import sync_roles_after_migrate

        audit.connect_signals()
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="tenants-sync-roles")
