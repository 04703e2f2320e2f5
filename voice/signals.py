"""Every new tenant gets a simulator account and agent."""

from django.dispatch import receiver

from tenants.signals import tenant_created

from . import services


@receiver(tenant_created, dispatch_uid="voice-simulator-for-new-tenant")
def _give_simulator(sender, tenant, **kwargs):
    services.ensure_simulator(tenant)
