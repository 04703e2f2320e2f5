"""Enters the tenant scope for session requests (the admin).

The API enters its own scope after JWT authentication (tenants.api.base), and
webhooks after finding the provider account, so their paths are skipped here.
The tenant is the one chosen in the session (superusers and people with several
memberships can switch), else the user's default. The time zone of the member's branch (else the
tenant's) is active for the request, so every time a page shows is local, and the header says which.
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


def staff_zone(choice) -> str:
    """The zone a staff member reads times in: their default branch's, else the tenant's."""
    membership = choice.membership
    branch = membership.default_branch if membership is not None and membership.default_branch_id else None
    return (branch.time_zone if branch is not None else "") or choice.tenant.time_zone or "UTC"


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
                # Staff read every time in their branch's zone, else the business's (the API keeps ISO 8601
                # with offsets); the header names it (tenants.admin_site.environment_badge).
                stack.enter_context(timezone.override(staff_zone(choice)))
            return self.get_response(request)
