from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from leads import privacy, scoring, timeline

        from . import compliance, lead_hooks, signals
        from .models import CallingPolicy

        def forget(sender, instance, **kwargs):
            compliance.forget_policy(instance.tenant_id)

        post_save.connect(forget, sender=CallingPolicy, dispatch_uid="calls-forget-policy")
        signals.connect()
        post_delete.connect(forget, sender=CallingPolicy, dispatch_uid="calls-forget-policy-delete")

        timeline.register_timeline(lead_hooks.timeline_entries)
        scoring.register_engagement(lead_hooks.engagement)
        privacy.register_export("calls", lead_hooks.export_calls)
        privacy.register_erasure(lead_hooks.erase_calls)
