"""What the voice room does on other rooms' events: every new tenant gets a simulator account and agent;
a changed provider account is forgotten by the webhook's memo at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.signals import tenant_created

from . import services
from .models import ProviderAccount
from .webhooks import forget_accounts


@receiver(tenant_created, dispatch_uid="voice.give_simulator")
def _give_simulator(sender, tenant, **kwargs):
    services.ensure_simulator(tenant)


@receiver([post_save, post_delete], sender=ProviderAccount, dispatch_uid="voice.forget_account")
def _forget_account(sender, instance, **kwargs):
    # A changed key or a switched-off account counts in every process within a quarter second.
    forget_accounts()
