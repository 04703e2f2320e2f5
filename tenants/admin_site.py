"""What the admin shows about the tenant in use: header badge, subheader, and the tenant switcher."""

from django.urls import reverse
from django.utils import timezone

from .models import Tenant
from .resolution import active_memberships


def environment_badge(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return None
    membership = getattr(request, "membership", None)
    role = membership.get_role_display() if membership else "Platform admin"
    place = timezone.get_current_timezone_name().rsplit("/", 1)[-1].replace("_", " ")
    return [f"{tenant.name} · {role} · {place} time", "info"]


def site_subheader(request):
    tenant = getattr(request, "tenant", None)
    return tenant.name if tenant is not None else "No tenant selected"


def switchable_tenants(user) -> list[Tenant]:
    if user.is_superuser:
        return list(Tenant.objects.order_by("name"))
    return [m.tenant for m in active_memberships(user)]


def tenant_dropdown(request):
    """The site dropdown: one entry per tenant the user may switch to (posted, see the template)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = getattr(request, "tenant", None)
    tenants = switchable_tenants(user)
    if len(tenants) < 2:
        return []
    url = reverse("admin:switch_tenant")
    return [
        {
            "title": tenant.name,
            "link": f"{url}?tenant={tenant.slug}",
            "icon": "check" if current is not None and tenant.pk == current.pk else "storefront",
            "attrs": {"tenant": tenant.slug},
        }
        for tenant in tenants
    ]
