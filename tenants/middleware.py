"""Enters the tenant scope for session requests (the admin).

The API enters its own scope after JWT authentication (tenants.api.base), and
webhooks after finding the provider account, so their paths are skipped here.
The tenant is the one chosen in the session (superusers and people with several
memberships can switch), else the user's default. Its time zone is active for the
request, so every time a page shows is the business's local time.
"""

from contextlib import ExitStack

from django.utils import timezone

from .audit import audit_context, client_ip
from .resolution import TenantNotAllowed, choose, default_choice
from .scoping import tenant_scope

SESSION_KEY = "tenant_id"
SKIPPED_PREFIXES = ("/api/", "/webhooks/", "/healthz", "/readyz", "/static/")


def tenant_for_session(request):
    """The TenantChoice for this admin session, remembering it in the session."""
    user = request.user
    chosen = request.session.get(SESSION_KEY)
    choice = None
    if chosen is not None:
        try:
            choice = choose(user, tenant_id=chosen)
        except TenantNotAllowed:
            choice = None
    if choice is None:
        choice = default_choice(user)
        if choice is not None:
            request.session[SESSION_KEY] = choice.tenant.pk
    return choice


class TenantScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        if request.path_info.startswith(SKIPPED_PREFIXES) or not request.user.is_authenticated:
            return self.get_response(request)

        choice = tenant_for_session(request)
        with ExitStack() as stack:
            stack.enter_context(audit_context(request.user, client_ip(request)))
            if choice is not None:
                request.tenant = choice.tenant
                request.membership = choice.membership
                stack.enter_context(tenant_scope(choice.tenant.pk))
                # Staff read every time in the business's own zone (the API keeps ISO 8601 with offsets).
                stack.enter_context(timezone.override(choice.tenant.time_zone or "UTC"))
            return self.get_response(request)
