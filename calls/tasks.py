"""Celery tasks of the calls room: thin doors into calls.services."""

from celery import shared_task

from tenants.scoping import with_tenant_scope

MAX_DIAL_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=MAX_DIAL_RETRIES)
@with_tenant_scope
def place_call(self, tenant_id: int, call_id: int) -> None:
    """Start a queued call at its provider. A duplicate delivery does nothing (compare-and-swap)."""
    from . import services

    try:
        services.dial(call_id)
    except services.RetryLater as exc:
        if self.request.retries >= self.max_retries:
            services.give_up(call_id, exc.error)
            return
        # Backoff for a provider that had a passing problem (429, 5xx) before taking the call.
        raise self.retry(countdown=min(300, 15 * 2**self.request.retries), exc=exc) from exc


@shared_task(acks_late=True)
@with_tenant_scope
def after_call_ended(tenant_id: int, call_id: int) -> None:
    from . import services
    from .models import Call

    call = Call.objects.filter(pk=call_id).first()
    if call is not None:
        services.after_call(call)


@shared_task(acks_late=True)
def expire_stale_calls() -> int:
    """Beat: fail calls stuck dialing with no word from their provider, tenant by tenant."""
    from tenants.db import tenant_ids
    from tenants.models import Tenant
    from tenants.scoping import tenant_scope

    from . import services
    from .models import Call, CallStatus

    active = tenant_ids(Call.objects.unscoped().filter(status__in=[CallStatus.DIALING, CallStatus.RINGING]))
    total = 0
    for tenant_id in Tenant.objects.filter(pk__in=active).values_list("pk", flat=True):
        with tenant_scope(tenant_id):
            total += services.expire_stale()
    return total
