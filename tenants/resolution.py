"""Which tenant a signed-in user is working in.

Memberships are looked up across tenants here (this is how a scope is chosen,
so nothing can be in scope yet): the ``.unscoped()`` calls are intended.
"""

from dataclasses import dataclass

from . import auth_cache
from .models import Membership, Tenant


class TenantNotAllowed(Exception):
    """The user may not work in the tenant asked for (or it does not exist)."""


@dataclass(frozen=True)
class TenantChoice:
    tenant: Tenant
    membership: Membership | None  # None for platform superusers without a membership

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else ("platform" if self.tenant else None)


def active_memberships(user) -> list[Membership]:
    """The user's active memberships, read once per request (they are memoised on the user object)."""
    memberships = user.__dict__.get("_active_memberships")
    if memberships is None:
        memberships = user.__dict__["_active_memberships"] = auth_cache.get_memberships(user.pk)
    return list(memberships)


def choose(user, *, slug: str | None = None, tenant_id: int | None = None) -> TenantChoice:
    """The tenant named by slug or id, if ``user`` may work in it; raises TenantNotAllowed."""
    lookup = {"slug": slug} if slug is not None else {"pk": tenant_id}
    for membership in active_memberships(user):
        if (slug is not None and membership.tenant.slug == slug) or membership.tenant_id == tenant_id:
            return TenantChoice(membership.tenant, membership)
    if user.is_superuser:
        tenant = Tenant.objects.filter(**lookup).first()
        if tenant is not None:
            return TenantChoice(tenant, None)
    raise TenantNotAllowed(slug or tenant_id)


def default_choice(user) -> TenantChoice | None:
    """The user's only (or first) tenant; for a superuser without memberships, the first tenant."""
    memberships = active_memberships(user)
    if memberships:
        return TenantChoice(memberships[0].tenant, memberships[0])
    if user.is_superuser:
        tenant = Tenant.objects.order_by("name").first()
        return TenantChoice(tenant, None) if tenant else None
    return None
