"""The simulator's calls play out as rows: each event it owes a call is a ``SimulatedEvent`` with a due time,
delivered signed through the real webhook handler (voice.webhooks.receive) once due. A message wakes the
delivery at the right moment (core.wakeup); if the broker loses it, beat's sweeper delivers what is overdue.
"""

import json
import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.leases import claim_due
from core.wakeup import wake
from tenants.db import tenant_ids
from tenants.scoping import current_tenant_id, tenant_scope

from . import simulation
from .clients.base import CallRequest
from .models import ProviderAccount, SimulatedEvent

ANSWER_AFTER = 2.0  # seconds from the dial until the simulated person picks up
LONGEST_WAIT = 6.0  # a simulated conversation lasts its planned length, at most this long in real time
DELIVER_LIMIT = 100
LEASE = timedelta(seconds=60)  # a claimed event not delivered by then is claimed again

logger = logging.getLogger(__name__)


def schedule(account: ProviderAccount, request: CallRequest, provider_call_id: str) -> None:
    """Plan the call the simulator just took (from what it was asked, as a provider would) and owe its events."""
    simulated = simulation.plan(request, account.provider_ids or {})
    started_ms = int(time.time() * 1000)
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    ended = simulation.retell_call(request, provider_call_id, simulated, analyzed=False, started_ms=started_ms)
    analyzed = simulation.retell_call(request, provider_call_id, simulated, analyzed=True, started_ms=started_ms)
    for body in (ended, analyzed):
        if body["recording_url"]:
            body["recording_url"] = base + body["recording_url"]
    now, pace = timezone.now(), settings.VOICE_SIMULATOR_PACE
    wait = min(simulated.duration, LONGEST_WAIT)
    owed = []
    if simulated.connect in ("answered", "voicemail"):
        started = {**ended, "call_status": "ongoing", "transcript": "", "transcript_object": []}
        owed.append(("call_started", started, ANSWER_AFTER))
    owed += [("call_ended", ended, ANSWER_AFTER + wait), ("call_analyzed", analyzed, ANSWER_AFTER + wait + 1)]
    SimulatedEvent.objects.bulk_create(
        SimulatedEvent(
            account=account,
            provider_call_id=provider_call_id,
            event=name,
            body=body,
            due_at=now + timedelta(seconds=after * pace),
        )
        for name, body, after in owed
    )
    _wake(request.tenant_id, ANSWER_AFTER * pace)


def _wake(tenant_id: int, countdown: float) -> None:
    from .tasks import deliver_simulated_events

    wake(deliver_simulated_events, countdown=round(countdown, 1), tenant_id=tenant_id)


def deliver_due(limit: int = DELIVER_LIMIT) -> int:
    """Deliver the tenant's simulated events that are due: each is claimed with a lease (``SKIP LOCKED``, in a
    transaction of its own, so no lock is held while the event is applied), delivered, then deleted. A worker
    that dies in between leaves it to be claimed again when the lease ends; a second delivery is a replay,
    which the webhook handler ignores. Then, if it delivered any, it wakes again for the next one to come
    (a wake that found nothing ends the chain: the next call's schedule or the sweeper starts another)."""
    delivered = 0
    while delivered < limit:
        owed = _claim()
        if owed is None:
            break
        deliver(owed.account, owed.event, owed.body)
        SimulatedEvent.objects.filter(pk=owed.pk).delete()
        delivered += 1
    upcoming = delivered and SimulatedEvent.objects.order_by("due_at").values_list("due_at", flat=True).first()
    if upcoming:
        _wake(current_tenant_id(), max(0.0, (upcoming - timezone.now()).total_seconds()))
    return delivered


def _claim() -> SimulatedEvent | None:
    ids, _ = claim_due(SimulatedEvent.objects.all(), "due_at", LEASE, 1)
    return SimulatedEvent.objects.select_related("account").filter(pk__in=ids).first()


def deliver(account: ProviderAccount, event: str, call: dict) -> int:
    """Sign a simulated event as Retell would and hand it to the webhook handler. Returns its status."""
    from .clients.retell import sign
    from .webhooks import receive

    body = json.dumps({"event": event, "call": call}, separators=(",", ":")).encode()
    result = receive(account.provider, account.webhook_uuid, body, {"X-Retell-Signature": sign(body, account.api_key)})
    if result.status != 200:  # a real provider would retry; the simulator's event is lost, so say so
        logger.warning("Simulated %s for %s refused (%s): %s", event, call.get("call_id"), result.status, result.body)
    return result.status


def sweep(now: datetime | None = None) -> int:
    """Beat: deliver every tenant's overdue simulated events (their wake-up message may have been lost)."""
    now = now or timezone.now()
    delivered = 0
    for tenant_id in tenant_ids(SimulatedEvent.objects.unscoped().filter(due_at__lte=now)):
        with tenant_scope(tenant_id):
            delivered += deliver_due()
    return delivered
