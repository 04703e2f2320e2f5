"""The baseline task of bench/dispatch.py: does nothing but count itself in Redis (loaded with ``--include``)."""

import os

import redis
from celery import shared_task

_redis = None


@shared_task(name="bench.noop", ignore_result=True)
def noop(counter: str) -> None:
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    _redis.incr(counter)
