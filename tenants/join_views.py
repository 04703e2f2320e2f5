"""``/accounts/join/<token>/``: the page where an invited person accepts (tenants.invitations). A GET shows
what they are asked to join; only the POST joins. They must be signed in as the person invited."""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from . import invitations
from .middleware import SESSION_KEY


def join(request, token: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    try:
        membership = invitations.pending(token, request.user)
    except invitations.InvalidInvitation as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain")
    if request.method == "POST":
        try:
            invitations.accept(membership)
        except invitations.InvalidInvitation as exc:
            return HttpResponse(str(exc), status=409, content_type="text/plain")
        request.session[SESSION_KEY] = membership.tenant_id
        messages.success(request, f"You now work in {membership.tenant.name} as {membership.get_role_display()}.")
        return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": f"Join {membership.tenant.name}",
        "summary": f"{membership.tenant.name} invites you to work with them as {membership.get_role_display()}.",
        "button": "Accept",
        "back_url": "/admin/",
        "form": None,
    }
    return TemplateResponse(request, "admin/confirm_action.html", context)
