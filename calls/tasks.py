"""Celery tasks of the calls room: thin doors into calls.work. Each takes the work owed from the database
rows; a message only says "look now", so a lost or repeated message loses or repeats nothing."""

from celery import shared_task

from tenants.scoping import with_tenant_scope


@shared_task(acks_late=True)
@with_tenant_scope
def dial_due_calls(tenant_id: int) -> int:
    """Dial the tenant's queued calls that are due (each claimed from its row, dialled once)."""
    from . import work

    return work.dial_due()


@shared_task(acks_late=True)
@with_tenant_scope
def apply_call_effects(tenant_id: int) -> int:
    """Apply what the tenant's ended calls owe: the lead's stage, bookings, campaign targets, follow-ups."""
    from . import work

    return work.apply_due_effects()


@shared_task(acks_late=True)
def sweep_calls() -> dict:
    """Beat: settle live calls past their deadline, and wake workers for dials and effects still owed."""
    from . import work

    return dict(work.sweep())
