"""A small in-process memo whose entries expire: for values read on every request or call that change
rarely (a tenant's calling policy, a webhook's account, a role's permissions, the signed-in user).

Each process keeps its own copy, so a change made elsewhere is seen here within ``ttl`` seconds;
the process that makes the change calls ``forget`` (or ``clear``) to see it at once. The memo holds
at most ``max_size`` entries: when full, expired entries go first, then the oldest. It is safe to
share between threads; a value is computed outside the lock, so two threads that miss at once may
both compute it (the last one stored wins), and a slow computation never blocks other readers.
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

_MISSING = object()
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlMemo(Generic[K, V]):
    def __init__(self, ttl: float, *, max_size: int = 1024, clock: Callable[[], float] = time.monotonic):
        if ttl <= 0 or max_size <= 0:
            raise ValueError("ttl and max_size must be positive")
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}  # key -> (expires at, value); insertion order = age
        self._lock = threading.Lock()

    def get(self, key: K, default=None):
        """The remembered value, or ``default`` when there is none or it has expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            if entry[0] <= self._clock():
                del self._entries[key]
                return default
            return entry[1]

    def set(self, key: K, value: V) -> None:
        with self._lock:
            now = self._clock()
            self._entries.pop(key, None)  # a fresh value is the youngest entry
            if len(self._entries) >= self.max_size:
                self._make_room(now)
            self._entries[key] = (now + self.ttl, value)

    def get_or_set(self, key: K, compute: Callable[[], V]) -> V:
        """The remembered value; else ``compute()``, remembered for ``ttl`` seconds (``None`` included)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.set(key, value)
        return value

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _make_room(self, now: float) -> None:
        expired = [key for key, (expires_at, _) in self._entries.items() if expires_at <= now]
        for key in expired:
            del self._entries[key]
        while len(self._entries) >= self.max_size:
            del self._entries[next(iter(self._entries))]
