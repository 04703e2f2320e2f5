"""API rate limits counted in fixed windows, shared through the cache, cheap per request.

DRF's throttles keep a pickled list of every request time per client and write
it back on each request. Here each client has a counter per window in the
cache (Redis in production), and each web process adds to it in small batches:
far from the limit a request costs no round trip at all; near it, every request
is counted at once. The count is exact to within a batch per process, which is
plenty for limits of hundreds a minute.
"""

import functools
import hashlib
import threading
import time

from django.core.cache import cache as default_cache
from rest_framework import throttling

from core.cache import incr_with_expiry

BATCH_MAX = 50  # requests a process may count locally before telling the cache, far from the limit
PROCESSES = 8  # the web processes a batch is sized for
_local: dict[str, list[int]] = {}  # window key -> [unsent, last known total]
_lock = threading.Lock()


def batch_for(known: int, limit: int) -> int:
    """How many requests a process may keep to itself: at most BATCH_MAX, and at most an eighth of the room left
    under the limit, so eight processes' unsent counts together cannot carry a client past it; 1 (each request
    counted at once) near the limit."""
    return max(1, min(BATCH_MAX, (limit - known) // PROCESSES))


def count(cache, key: str, ttl: int, limit: int) -> int:
    """This request counted; returns the (estimated) number of requests in the window so far."""
    with _lock:
        entry = _local.setdefault(key, [0, 0])
        entry[0] += 1
        unsent, known = entry
        # Far from the limit (room for several processes' batches), count locally for now.
        if unsent < batch_for(known, limit):
            return known + unsent
        entry[0] = 0
    total = incr_with_expiry(cache, key, ttl, amount=unsent)
    with _lock:
        _local[key][1] = total
        if len(_local) > 10_000:  # old windows: forget them
            _local.clear()
    return total


def forget_local_counts() -> None:
    """For tests: drop what this process has not yet told the cache."""
    with _lock:
        _local.clear()


def too_often(kind: str, value: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one more ``kind`` of act (an email sent, a reset asked) for ``value`` in this window; True past
    ``limit``. Outside DRF: password reset pages and invitation emails (the value is hashed in the key)."""
    window = int(time.time() // window_seconds)
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return count(default_cache, f"acts:{kind}:{digest}:{window}", window_seconds + 1, limit) > limit


@functools.lru_cache(maxsize=32)
def _parsed(rate: str | None):
    return throttling.SimpleRateThrottle.parse_rate(None, rate)


class WindowCounterMixin:
    cache = default_cache

    def parse_rate(self, rate):
        return _parsed(rate)  # "1200/minute" is read once per process, not on every request

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        return count(self.cache, f"{self.key}:{window}", self.duration + 1, self.num_requests) <= self.num_requests

    def wait(self):
        return self.wait_seconds


class AnonRateThrottle(WindowCounterMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(WindowCounterMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(WindowCounterMixin, throttling.ScopedRateThrottle):
    def allow_request(self, request, view):
        # DRF's ScopedRateThrottle reads the rate from the view here, before counting.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
