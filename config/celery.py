"""The Celery app, its queues and the beat schedule.

Settings come from Django's (``CELERY_*``). Tasks are thin: they take ids and a
``tenant_id``, enter the scope with ``tenants.scoping.with_tenant_scope`` and
call a service. Work owed lives in database rows; a message only says "look now"
(core.wakeup), so a lost message delays work and loses none.

Queues (docs/operations.md, "Workers"): a worker started without ``-Q`` takes them
all (``make run``); production runs a worker per queue (or a few queues per
worker), so a slow provider or a big import never holds up the rest.
"""

import json
import os
import tempfile
from pathlib import Path

from celery import Celery
from celery.signals import worker_ready, worker_shutdown
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# queue -> what it carries
QUEUES = {
    "dialling": "the dialer's ticks and the dials (provider create-call requests)",
    "effects": "what provider events set off: call effects, the simulator's events",
    "sweeps": "beat's sweepers (cheap; on a queue of their own so a backlog elsewhere never expires them)",
    "messages": "reminders, no-shows, daily summaries (SMS and email)",
    "background": "imports, knowledge processing, rescoring, housekeeping (the default)",
}
ROUTES = {
    "calls.tasks.dial_due_calls": "dialling",
    "campaigns.tasks.dispatch_due": "dialling",
    "campaigns.tasks.dispatch_tenant": "dialling",
    "calls.tasks.apply_call_effects": "effects",
    "voice.tasks.deliver_simulated_events": "effects",
    "calls.tasks.sweep_calls": "sweeps",
    "campaigns.tasks.sweep": "sweeps",
    "voice.tasks.sweep_simulated_events": "sweeps",
    "leads.tasks.sweep_waiting_imports": "sweeps",
    "knowledge.tasks.sweep_stuck_documents": "sweeps",
    "appointments.tasks.send_due_reminders": "messages",
    "appointments.tasks.expire_no_shows": "messages",
    "analytics.tasks.send_daily_summaries": "messages",
}
# Each queue its own exchange and key (a bare Queue(name) would bind every queue to the default exchange and
# key, and each message would land in every queue).
app.conf.task_queues = [Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES]


def write_filesystem_bindings(folder: Path) -> None:
    """The embedded (filesystem) broker keeps each exchange's bindings in a file that every process rewrites
    when it first uses a queue, with no atomic write: two processes starting at once (``make run``) can
    leave it empty, and every later reader crashes on it. The bindings here never change, so each process
    writes them atomically before anything else touches them (and mends a file left empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in QUEUES:
        table = json.dumps([[name, "", name]])
        target = folder / f"{name}.exchange"
        if target.exists() and target.read_text() == table:
            continue
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as handle:
            handle.write(table)
        os.replace(handle.name, target)


_control = (app.conf.broker_transport_options or {}).get("control_folder")
if str(app.conf.broker_url or "").startswith("filesystem://") and _control:
    write_filesystem_bindings(Path(_control))
app.conf.task_default_queue = "background"
app.conf.task_routes = {task: {"queue": queue} for task, queue in ROUTES.items()}

# name -> (task, seconds between runs)
BEAT = {
    "dispatch-due-campaign-targets": ("campaigns.tasks.dispatch_due", 60),
    "sweep-lost-campaign-claims": ("campaigns.tasks.sweep", 120),
    "sweep-calls": ("calls.tasks.sweep_calls", 15),
    "sweep-simulated-events": ("voice.tasks.sweep_simulated_events", 15),
    "send-due-reminders": ("appointments.tasks.send_due_reminders", 60),
    "mark-unmarked-no-shows": ("appointments.tasks.expire_no_shows", 600),
    "send-daily-summaries": ("analytics.tasks.send_daily_summaries", 900),
    "forget-expired-idempotency-keys": ("tenants.tasks.forget_expired_idempotency_keys", 3600),
    "sweep-waiting-imports": ("leads.tasks.sweep_waiting_imports", 60),
    "sweep-stuck-documents": ("knowledge.tasks.sweep_stuck_documents", 300),
}


def expiry(every: int) -> int:
    """A tick expires before the next one is due, so ticks missed while no worker ran are dropped, not run
    at once. ``expire_seconds`` is the option django-celery-beat's database scheduler keeps in its rows
    (it drops ``expires``); it sends it as the message's expiry."""
    return max(1, int(every * 0.9))


app.conf.beat_schedule = {
    name: {"task": task, "schedule": float(every), "options": {"expire_seconds": expiry(every)}}
    for name, (task, every) in BEAT.items()
}


# Workers are visible: a heartbeat row while they run (core.heartbeat; /readyz/workers, the campaign page).
_heartbeat = {}


@worker_ready.connect
def _start_heartbeat(sender, **kwargs):
    from core import heartbeat

    queues = list(sender.app.amqp.queues.consume_from or QUEUES)
    _heartbeat[sender.hostname] = heartbeat.start(sender.hostname, queues)


@worker_shutdown.connect
def _stop_heartbeat(sender, **kwargs):
    from core import heartbeat

    stop = _heartbeat.pop(sender.hostname, None)
    if stop is not None:
        stop.set()
        heartbeat.forget(sender.hostname)
