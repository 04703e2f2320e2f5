"""core.wakeup: a wake costs the caller nothing, identical wakes are coalesced, a dead broker is a log line."""

import logging
import threading
from contextlib import contextmanager

import pytest

from core.wakeup import Waker


class FakeApp:
    class conf:
        task_always_eager = False

    @contextmanager
    def producer_or_acquire(self):
        yield "producer"


class FakeTask:
    """Records what was sent; ``gate`` holds the first send (a slow broker), ``fail`` makes sends raise."""

    app = FakeApp()

    def __init__(self, name="rooms.tasks.work", fail=None):
        self.name = name
        self.sent = []
        self.fail = fail
        self.gate = None
        self.sending = threading.Event()

    def apply_async(self, kwargs, countdown=None, producer=None):
        self.sending.set()
        if self.gate is not None:
            self.gate.wait(5)
        if self.fail:
            raise self.fail
        self.sent.append((kwargs, countdown))


def wake_now(waker, task, **options):
    """``wake`` registers on commit; outside a transaction Django runs the callback at once."""
    waker.wake(task, **options)


@pytest.fixture
def waker():
    return Waker(pause=0)


def wait_until(predicate, seconds=5.0):
    done = threading.Event()
    for _ in range(int(seconds / 0.01)):
        if predicate():
            return True
        done.wait(0.01)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_wake_returns_at_once_while_the_broker_hangs(waker):
    task = FakeTask()
    task.gate = threading.Event()  # the broker does not answer
    wake_now(waker, task, tenant_id=1)
    assert task.sending.wait(5)  # the sender thread is stuck in the send, the caller is not
    wake_now(waker, task, tenant_id=1)  # returns although the sender is still stuck
    task.gate.set()
    assert wait_until(lambda: len(task.sent) == 2)


@pytest.mark.django_db(transaction=True)
def test_identical_wakes_while_the_sender_is_busy_go_out_once(waker):
    task = FakeTask()
    task.gate = threading.Event()
    wake_now(waker, task, tenant_id=1)
    assert task.sending.wait(5)
    for _ in range(300):  # 300 webhooks arrive while the first message is being sent
        wake_now(waker, task, tenant_id=1)
    wake_now(waker, task, tenant_id=2)
    wake_now(waker, task, tenant_id=3, copies=3)
    wake_now(waker, task, tenant_id=3, copies=2)
    task.gate.set()
    assert wait_until(lambda: len(task.sent) == 6)
    assert wait_until(lambda: not waker._pending)
    assert sorted(kwargs["tenant_id"] for kwargs, _ in task.sent) == [1, 1, 2, 3, 3, 3]


@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_costs_a_log_line_and_the_next_wake_is_sent(waker, caplog):
    task = FakeTask(fail=ConnectionError("Redis is down"))
    with caplog.at_level(logging.WARNING, logger="core.wakeup"):
        wake_now(waker, task, tenant_id=1)
        assert wait_until(lambda: "Redis is down" in caplog.text)
    assert "the beat sweeper will find the work" in caplog.text
    task.fail = None
    wake_now(waker, task, tenant_id=1, countdown=2.5)
    assert wait_until(lambda: task.sent == [({"tenant_id": 1}, 2.5)])


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_before_the_commit_nor_for_a_rollback(waker):
    from django.db import transaction

    task = FakeTask()
    with transaction.atomic():
        waker.wake(task, tenant_id=1)
        assert waker._pending == {} and task.sent == []  # not before the commit
    assert wait_until(lambda: task.sent == [({"tenant_id": 1}, None)])
    try:
        with transaction.atomic():
            waker.wake(task, tenant_id=2)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    waker.wake(task, tenant_id=3)  # a later wake goes out: the rolled-back one never does
    assert wait_until(lambda: len(task.sent) == 2)
    assert [kwargs["tenant_id"] for kwargs, _ in task.sent] == [1, 3]


def test_a_forked_child_starts_with_nothing_pending_and_no_sender():
    import os

    from core import wakeup

    wakeup._waker._pending[("parent's",)] = ("task", {}, None, 1)
    try:
        read, write = os.pipe()
        pid = os.fork()  # what gunicorn and Celery's prefork pool do after the app is loaded
        if pid == 0:
            clean = wakeup._waker._pending == {} and wakeup._waker._thread is None
            os.write(write, b"clean" if clean else b"inherited")
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        assert os.read(read, 20) == b"clean"
    finally:
        wakeup._waker._pending.clear()
