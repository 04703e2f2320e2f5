"""API rate limits counted in fixed windows: one atomic increment per request.

DRF's throttles keep a pickled list of every request time per client and write
it back on each request; at the default 1,200 requests a minute that list is
large. A counter per client per window is exact enough for rate limiting and
costs one cache round trip.
"""

from rest_framework import throttling

from config.cache import incr_with_expiry


class WindowCounterMixin:
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        return incr_with_expiry(self.cache, f"{self.key}:{window}", self.duration + 1) <= self.num_requests

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
