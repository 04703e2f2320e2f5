"""Signals of the tenants room: one it sends, and cache invalidation for signed-in users."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from . import auth_cache

# Sent inside the new tenant's scope, in the creating transaction: tenant=Tenant.
# voice gives every new tenant a simulator account this way.
tenant_created = Signal()


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL, dispatch_uid="auth-cache-user")
def _forget_user(sender, instance, **kwargs):
    auth_cache.forget_users([instance.pk])


@receiver([post_save, post_delete], sender="tenants.Membership", dispatch_uid="auth-cache-membership")
def _forget_member(sender, instance, **kwargs):
    auth_cache.forget_users([instance.user_id])


@receiver([post_save, post_delete], sender="tenants.Tenant", dispatch_uid="auth-cache-tenant")
@receiver([post_save, post_delete], sender="tenants.Branch", dispatch_uid="auth-cache-branch")
def _forget_tenant_members(sender, instance, **kwargs):
    from .models import Membership, Tenant

    tenant_id = instance.pk if sender is Tenant else instance.tenant_id
    auth_cache.forget_users(Membership.objects.unscoped().filter(tenant_id=tenant_id).values_list("user_id", flat=True))
