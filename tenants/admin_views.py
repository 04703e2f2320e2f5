"""The admin's tenant switch: superusers pick any tenant, staff one of their memberships."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect

from .middleware import SESSION_KEY
from .resolution import TenantNotAllowed, choose


def switch_tenant(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        choice = choose(request.user, slug=str(request.POST.get("tenant", "")))
    except TenantNotAllowed:
        messages.error(request, "You cannot work in that tenant.")
    else:
        request.session[SESSION_KEY] = choice.tenant.pk
        messages.success(request, f"You are now working in {choice.tenant.name}.")
    # Ids differ between tenants, so the dashboard is the only safe place to land.
    return redirect("admin:index")
