"""Celery tasks of the campaigns room: the dialer's tick and the sweeper (beat), thin doors into dispatch."""

from celery import shared_task

from tenants.scoping import with_tenant_scope


@shared_task(acks_late=True)
def dispatch_due() -> dict:
    """Beat, every minute (it expires before the next tick, so a backlog never runs a tick twice)."""
    from . import dispatch

    return dict(dispatch.dispatch_due())


@shared_task(acks_late=True)
def sweep() -> dict:
    from . import dispatch

    return dict(dispatch.sweep())


@shared_task(acks_late=True, expires=60)
@with_tenant_scope
def dispatch_tenant(tenant_id: int) -> dict:
    """One tick for one tenant, sent when a campaign starts or resumes so dialling begins at once."""
    from django.utils import timezone

    from . import dispatch

    return dict(dispatch.dispatch_tenant(timezone.now()))
