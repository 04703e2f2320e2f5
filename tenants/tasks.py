"""Celery tasks of the tenants room: housekeeping of the API's idempotency keys (beat, hourly)."""

from celery import shared_task

from .api import idempotency


@shared_task(acks_late=True, ignore_result=True)
def forget_expired_idempotency_keys() -> int:
    return idempotency.forget_expired()
