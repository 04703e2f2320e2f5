"""Workers are visible: each Celery worker writes a heartbeat row every ``EVERY`` seconds while it runs
(started when the worker is ready, its row deleted when it stops cleanly), and whoever needs to know
asks which queues have a worker seen within ``SILENT_AFTER``: ``/readyz/workers`` and the campaign page.
A worker killed with ``kill -9`` leaves its row, which goes stale: that is the point.
"""

import logging
import os
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

EVERY = 15  # seconds between heartbeats
SILENT_AFTER = timedelta(minutes=1)  # a worker not seen for this long is taken for dead


FORGET_AFTER = timedelta(days=1)  # rows of workers gone this long are deleted


def beat(hostname: str, queues: list[str], started_at: datetime) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        pid=os.getpid(),
        defaults={"queues": sorted(queues), "started_at": started_at, "seen_at": now},
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def start(hostname: str, queues: list[str]) -> threading.Event:
    """Beat in a daemon thread until the returned event is set."""
    stop, started_at = threading.Event(), timezone.now()

    def run():
        while True:
            try:
                beat(hostname, queues, started_at)
            except Exception as exc:
                logger.warning("Worker heartbeat not written: %r", exc)
            finally:
                close_old_connections()
                connection.close()  # this thread's own connection: never left open across a database restart
            if stop.wait(EVERY):
                return

    threading.Thread(target=run, name="worker-heartbeat", daemon=True).start()
    return stop


def forget(hostname: str) -> None:
    """This process's worker stopped cleanly: its row goes (another process of the same name keeps its own)."""
    WorkerHeartbeat.objects.filter(hostname=hostname, pid=os.getpid()).delete()


def live(now: datetime | None = None):
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - SILENT_AFTER)


def queues_of(task_names) -> list[str]:
    """The queues these tasks are routed to (the Celery app's routes)."""
    from celery import current_app

    return sorted({current_app.amqp.router.route({}, name)["queue"].name for name in task_names})


def queues_without_worker(queues, now: datetime | None = None) -> list[str]:
    """The queues (of those given) that no worker seen within a minute takes."""
    taken = {queue for row in live(now).values_list("queues", flat=True) for queue in row}
    return [queue for queue in queues if queue not in taken]
