"""Beat: the daily summary emails (thin: the work is in summary.py)."""

from celery import shared_task

from . import summary


@shared_task(name="analytics.tasks.send_daily_summaries")
def send_daily_summaries() -> int:
    return summary.send_due()
