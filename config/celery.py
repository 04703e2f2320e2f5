"""The Celery app and the beat schedule.

Settings come from Django's (``CELERY_*``). Tasks are thin: they take ids and a
``tenant_id``, enter the scope with ``tenants.scoping.with_tenant_scope`` and
call a service. Beat entries expire before their next tick, so a backlog never
runs the same tick twice.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> (task, seconds between runs). Each expires before the next run is due.
BEAT = {
    "dispatch-due-campaign-targets": ("campaigns.tasks.dispatch_due", 60),
    "sweep-lost-campaign-claims": ("campaigns.tasks.sweep", 120),
    "sweep-calls": ("calls.tasks.sweep_calls", 30),
    "sweep-simulated-events": ("voice.tasks.sweep_simulated_events", 15),
    "send-due-reminders": ("appointments.tasks.send_due_reminders", 60),
    "mark-unmarked-no-shows": ("appointments.tasks.expire_no_shows", 600),
    "send-daily-summaries": ("analytics.tasks.send_daily_summaries", 900),
    "forget-expired-idempotency-keys": ("tenants.tasks.forget_expired_idempotency_keys", 3600),
}

app.conf.beat_schedule = {
    name: {"task": task, "schedule": float(every), "options": {"expires": every * 0.9}}
    for name, (task, every) in BEAT.items()
}
