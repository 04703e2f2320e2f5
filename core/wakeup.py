"""Waking a worker: the database row is the work, a broker message only says "look now".

Work still owed (a queued call to dial, an ended call's effects, a simulated call's next event) is a row
with a due time, and a beat sweeper finds every row that is overdue (docs/operations.md, "Failure
modes"). ``wake(task, **kwargs)`` asks a worker to look at once: when the caller's transaction commits,
one sender thread in this process publishes the message. Identical wakes that arrive while it is busy
are coalesced (300 webhooks a second publish a few messages, not 300), and a broker that is down costs
a log line in the sender, never the caller's request: the rows wait for the next message or the sweeper.

Under ``task_always_eager`` (the tests) the task runs at the commit, in the caller's thread (once: ``copies`` only
spread work over workers).
"""

import atexit
import logging
import os
import threading
import time

from django.db import transaction

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 0.02  # after each send: wakes arriving meanwhile go out together, once each


class Waker:
    def __init__(self, pause: float = PAUSE_SECONDS):
        self.pause = pause
        self._reset()

    def _reset(self) -> None:
        """Fresh state (in a forked child too: the parent's thread and lock do not survive a fork)."""
        self._ready = threading.Condition(threading.Lock())
        self._pending: dict[tuple, tuple] = {}
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def wake(self, task, *, copies: int = 1, countdown: float | None = None, **kwargs) -> None:
        """After the commit, send ``task`` with ``kwargs`` (``copies`` messages, so that many workers look)."""
        if task.app.conf.task_always_eager:
            transaction.on_commit(lambda: task.apply(kwargs=kwargs, throw=True))  # one worker drains it all
            return
        key = (task.name, countdown, tuple(sorted(kwargs.items())))
        transaction.on_commit(lambda: self._add(key, task, kwargs, countdown, copies))

    def _add(self, key: tuple, task, kwargs: dict, countdown, copies: int) -> None:
        if self._pid != os.getpid():
            self._reset()
        with self._ready:
            held = self._pending.get(key)
            self._pending[key] = (task, kwargs, countdown, max(copies, held[3] if held else 0))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wakeup-sender", daemon=True)
                self._thread.start()
            self._ready.notify()

    def _take(self) -> list[tuple]:
        with self._ready:
            batch, self._pending = list(self._pending.values()), {}
        return batch

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._pending:
                    self._ready.wait()
            self.flush()
            time.sleep(self.pause)

    def flush(self) -> int:
        """Send what is pending now, in this thread; returns the messages sent."""
        batch = self._take()
        if not batch:
            return 0
        sent = 0
        try:
            with batch[0][0].app.producer_or_acquire() as producer:
                for task, kwargs, countdown, copies in batch:
                    for _ in range(copies):
                        task.apply_async(kwargs=kwargs, countdown=countdown, producer=producer)
                        sent += 1
        except Exception as exc:
            logger.warning(
                "Could not wake a worker (%s: %s); the beat sweeper will find the work.", type(exc).__name__, exc
            )
        return sent


_waker = Waker()
wake = _waker.wake
flush = _waker.flush
os.register_at_fork(after_in_child=_waker._reset)
atexit.register(flush)  # a management command that queued work sends its wakes before it exits
