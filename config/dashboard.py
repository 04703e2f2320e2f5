"""The admin index: composed here from what each room offers (analytics fills it later)."""

from tenants.models import Branch, Membership


def dashboard_callback(request, context):
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        context["dashboard"] = {"tenant": None}
        return context
    context["dashboard"] = {
        "tenant": tenant,
        "branches": list(Branch.objects.order_by("name")),
        "staff_count": Membership.objects.filter(is_active=True).count(),
    }
    return context
