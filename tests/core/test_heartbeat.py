"""Workers are visible: heartbeat rows, /readyz/workers, and the campaign page when no worker is seen."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config.celery import QUEUES
from core import heartbeat
from core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_no_worker_then_a_worker_then_a_silent_one():
    assert heartbeat.queues_without_worker(QUEUES) == list(QUEUES)
    heartbeat.beat("celery@dial", ["dialling"], timezone.now())
    heartbeat.beat("celery@rest", ["effects", "sweeps", "messages", "background"], timezone.now())
    assert heartbeat.queues_without_worker(QUEUES) == []
    with time_machine.travel(timezone.now() + heartbeat.SILENT_AFTER + timedelta(seconds=1)):
        heartbeat.beat("celery@rest", ["effects", "sweeps", "messages", "background"], timezone.now())
        assert heartbeat.queues_without_worker(QUEUES) == ["dialling"]  # killed: its row went stale


def test_readyz_workers_names_the_queues_nobody_takes(client):
    response = client.get("/readyz/workers")
    assert response.status_code == 503
    assert response.json()["queues_without_worker"] == list(QUEUES)
    heartbeat.beat("celery@all", list(QUEUES), timezone.now())
    response = client.get("/readyz/workers")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "live_workers": 1}  # no host names for anyone to read


def test_the_dialers_work_is_routed_to_queues_the_campaign_page_watches():
    assert heartbeat.queues_of(["calls.tasks.dial_due_calls", "calls.tasks.apply_call_effects"]) == [
        "dialling",
        "effects",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_writes_until_stopped():
    stop = heartbeat.start("celery@thread", ["background"])
    deadline = timezone.now() + timedelta(seconds=10)
    while not WorkerHeartbeat.objects.filter(hostname="celery@thread").exists() and timezone.now() < deadline:
        stop.wait(0.05)
    stop.set()
    for thread in threading.enumerate():  # its last write done (SQLite locks the table while it writes)
        if thread.name == "worker-heartbeat":
            thread.join(timeout=10)
    row = WorkerHeartbeat.objects.get(hostname="celery@thread")
    assert row.queues == ["background"]
    heartbeat.forget("celery@thread")
    assert not WorkerHeartbeat.objects.exists()


def test_readyz_workers_is_a_503_naming_no_host_when_the_database_is_away(client, monkeypatch, caplog):
    from django.db import OperationalError

    def away(queues):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')

    monkeypatch.setattr(heartbeat, "queues_without_worker", away)
    response = client.get("/readyz/workers")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "error": "OperationalError"}
    assert "10.0.0.5" in caplog.text  # the message is for the log, not for anyone who asks


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_the_database_refuses_is_logged_and_the_thread_goes_on(monkeypatch, caplog):
    from django.db import OperationalError

    tries = []

    def refused(hostname, queues, started_at):
        tries.append(hostname)
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(heartbeat, "beat", refused)
    monkeypatch.setattr(heartbeat, "EVERY", 0.01)
    stop = heartbeat.start("celery@away", ["background"])
    deadline = timezone.now() + timedelta(seconds=10)
    while len(tries) < 3 and timezone.now() < deadline:
        stop.wait(0.01)
    stop.set()
    assert len(tries) >= 3  # it kept trying after each failure
    assert "Worker heartbeat not written" in caplog.text and "restarting" in caplog.text
