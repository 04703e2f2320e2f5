"""The whole demo, in order: the superuser, then per tenant its branches and staff, leads, voice setup,
campaigns with their past calls, appointments and knowledge base. Idempotent: each step adds its data only
when the tenant has none of it yet."""

from django.db import transaction

from tenants.scoping import tenant_scope

from . import appointments, campaigns, knowledge, leads, tenants, voice

# Order matters: the scripts need the simulator, campaigns need the scripts and the leads, past calls need
# the campaigns, and appointments read the leads' stages.
ROOMS = [leads, voice, campaigns, appointments, knowledge]


@transaction.atomic
def seed(stdout, password: str):
    """Seed every demo tenant; returns the platform superuser."""
    admin = tenants.ensure_user(tenants.SUPERUSER, password, superuser=True)
    for spec in tenants.TENANTS:
        tenant = tenants.ensure_tenant(spec)
        with tenant_scope(tenant.pk):
            tenants.seed(tenant, spec, password)
            for room in ROOMS:
                room.seed(tenant, stdout)
    return admin
