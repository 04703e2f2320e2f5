"""``/healthz``: the process answers. ``/readyz``: it can serve: the database answers (503 if not); the cache and
the broker are reported too, but without them the product still serves (docs/operations.md, "Failure
modes"), so their failure is ``degraded`` with a 200: a load balancer must not take every web process out
because Redis blinked.
``/readyz/workers``: every queue has a Celery worker seen within a minute (core.heartbeat).
``/api/v1/ops/error-probe/``: a server error on purpose (platform superusers)."""

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAdminUser
from rest_framework.views import APIView

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def healthz(request):
    return JsonResponse({"status": "ok"})


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key, value = f"readyz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 5)
    if cache.get(key) != value:
        raise RuntimeError("the value written could not be read back")
    cache.delete(key)


def _broker():
    with celery_app.connection_for_write(connect_timeout=DEADLINE_SECONDS) as conn:
        conn.ensure_connection(max_retries=0, timeout=DEADLINE_SECONDS)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}
DEADLINE_SECONDS = 0.5  # a part that has not answered by then is failing (a hung Redis must not hang /readyz)
_checking = ThreadPoolExecutor(max_workers=2 * len(CHECKS), thread_name_prefix="readyz")


def _in_thread(check):
    """Run a check on a thread of its own, closing that thread's database connection after it."""
    try:
        check()
    finally:
        connection.close()


def readyz(request):
    """The parts are asked at once; the answer comes within ``DEADLINE_SECONDS`` whatever they do."""
    running = {name: _checking.submit(_in_thread, check) for name, check in CHECKS.items()}
    results = {}
    for name, future in running.items():
        try:
            future.result(timeout=DEADLINE_SECONDS)
            results[name] = "ok"
        except Late:
            results[name] = f"error: no answer within {DEADLINE_SECONDS:g} s"
        except Exception as exc:  # a failing part is reported, not raised; its message (hosts, users) is logged only
            logger.warning("readyz: %s failed: %s: %s", name, exc.__class__.__name__, exc)
            results[name] = f"error: {exc.__class__.__name__}"
    failing = [name for name, result in results.items() if result != "ok"]
    serving = results["database"] == "ok"
    body = {"status": "ready" if not failing else "degraded" if serving else "unavailable", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=200 if serving else 503)


def readyz_workers(request):
    """503 naming the queues no live worker takes (a worker's heartbeat is older than a minute, or none)."""
    from core import heartbeat

    from .celery import QUEUES

    try:
        missing = heartbeat.queues_without_worker(QUEUES)
    except Exception as exc:  # the database is away: say so (its message is logged only), do not raise
        logger.warning("readyz/workers: %s: %s", exc.__class__.__name__, exc)
        return JsonResponse({"status": "unavailable", "error": exc.__class__.__name__}, status=503)
    live = list(heartbeat.live().values_list("queues", flat=True))  # no host names: this answers anyone
    body = {"status": "unavailable" if missing else "ready", "live_workers": len(live)}
    if missing:
        body["queues_without_worker"] = missing
    return JsonResponse(body, status=503 if missing else 200)


class ErrorProbe(APIView):
    """``POST /api/v1/ops/error-probe/`` (platform superusers): raise on purpose, so the on-call engineer can
    see that a server error is answered in the API's JSON shape and reaches the logs and alerting."""

    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses={500: OpenApiResponse(description="Always: the probe raises.")})
    def post(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied("Only platform superusers may fire the error probe.")
        raise ErrorProbeFired("The error probe was fired on purpose.")


class ErrorProbeFired(RuntimeError):
    """Raised by the error probe; the log line names it so nobody mistakes it for a real fault."""
