from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import compliance, receivers, signals  # noqa: F401  (receivers connects them)
        from .models import CallingPolicy

        def forget(sender, instance, **kwargs):
            compliance.forget_policy(instance.tenant_id)

        post_save.connect(forget, sender=CallingPolicy, dispatch_uid="calls-forget-policy")
        signals.connect()
        post_delete.connect(forget, sender=CallingPolicy, dispatch_uid="calls-forget-policy-delete")
