"""Celery tasks of the campaigns room: the dialer's tick and the sweeper (beat), thin doors into dispatch."""

from celery import shared_task


@shared_task(acks_late=True)
def dispatch_due() -> dict:
    """Beat, every minute (it expires before the next tick, so a backlog never runs a tick twice)."""
    from . import dispatch

    return dict(dispatch.dispatch_due())


@shared_task(acks_late=True)
def sweep() -> dict:
    from . import dispatch

    return dict(dispatch.sweep())
