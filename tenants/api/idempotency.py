"""``Idempotency-Key``: a POST sent twice with the same key is done once.

The first request with a key claims it (a row, committed before any work, with
a lease). The work then runs in its own transaction. Afterwards the claim is
settled: a 2xx answer is stored and replayed, byte for byte the same data, to
any retry with the same key and body within ``KEEP``; any other answer (a 4xx,
a 5xx, a crash) frees the key, so a corrected retry runs.

A retry that arrives while the first is still running waits for it (up to
``WAIT``) and then answers with its result, so two requests sent at once still
do the work once. A claim whose lease ran out (its worker died) is taken over.
The same key with another body is a 422: keys are per user and tenant.
"""

import hashlib
import json
import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ..models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
LEASE = timedelta(seconds=60)
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for another request: use a new key for a new request."


class StillRunning(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_in_progress"
    default_detail = "A request with this Idempotency-Key is still running: retry in a moment."


class Replay(Exception):
    """Raised to short-circuit a view: the stored answer is the answer."""

    def __init__(self, record: IdempotencyKey):
        self.record = record

    def response(self) -> Response:
        response = Response(self.record.response_body, status=self.record.response_status)
        response["Idempotent-Replayed"] = "true"
        if self.record.response_location:
            response["Location"] = self.record.response_location
        return response


def _fingerprint(request) -> str:
    data = request.data
    body = dict(data.lists()) if hasattr(data, "lists") else data  # a form: every value, in order
    files = {}
    for name, upload in getattr(request, "FILES", {}).items():
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        files[name] = [upload.name, digest.hexdigest()]
    canonical = json.dumps(
        [request.method, request.path.rstrip("/"), body, files], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key_of(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ValidationError({HEADER: ["Send 1 to 255 printable characters, e.g. a UUID."]})
    return key


def claim(request) -> IdempotencyKey | None:
    """Claim the request's key before its work (None when it has none); raises Replay, KeyReused or StillRunning."""
    key = _key_of(request)
    if key is None or request.method != "POST":
        return None
    fingerprint = _fingerprint(request)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    fingerprint=fingerprint,
                    lease_until=now + LEASE,
                    created_at=now,
                )
        except IntegrityError:
            pass
        record = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if record is None:
            continue  # freed meanwhile: claim it
        if record.created_at < now - KEEP:
            record.delete()  # an old key may be used again
            continue
        if record.fingerprint != fingerprint:
            raise KeyReused()
        if record.state == IdempotencyKey.DONE:
            raise Replay(record)
        if record.lease_until < now:  # the first request's worker died: take the work over
            taken = IdempotencyKey.objects.filter(pk=record.pk, lease_until=record.lease_until).update(
                lease_until=now + LEASE
            )
            if taken:
                record.lease_until = now + LEASE
                return record
            continue
        if time.monotonic() >= deadline:
            raise StillRunning()
        time.sleep(POLL_SECONDS)


def settle(record: IdempotencyKey, response) -> None:
    """After the work's transaction: keep a 2xx answer for replay, else free the key."""
    # By primary key, after the request's tenant scope has closed: this is the row the request claimed.
    mine = IdempotencyKey.all_tenants.filter(pk=record.pk)
    data = getattr(response, "data", None)
    if response is None or not 200 <= response.status_code < 300 or data is None or response.streaming:
        mine.delete()
        return
    body = json.loads(JSONRenderer().render(data))
    mine.update(
        state=IdempotencyKey.DONE,
        response_status=response.status_code,
        response_body=body,
        response_location=response.get("Location", "")[:500],
    )


def forget_expired(now=None) -> int:
    """Drop keys older than KEEP (beat, daily). Crosses tenants: it is housekeeping of one table."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.unscoped().filter(created_at__lt=now - KEEP).delete()
    return deleted
