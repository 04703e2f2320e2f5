"""Celery tasks of the voice room: the simulator's owed events, delivered through the real webhook handler
(thin doors into voice.simulated_events)."""

from celery import shared_task

from tenants.scoping import with_tenant_scope


@shared_task(acks_late=True)
@with_tenant_scope
def deliver_simulated_events(tenant_id: int) -> int:
    from . import simulated_events

    return simulated_events.deliver_due()


@shared_task(acks_late=True)
def sweep_simulated_events() -> int:
    """Beat: overdue simulated events whose wake-up was lost."""
    from . import simulated_events

    return simulated_events.sweep()
