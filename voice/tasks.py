"""Celery tasks of the voice room: the simulator's calls, delivered through the real webhook handler."""

import json
import time

from celery import shared_task
from django.conf import settings

from tenants.scoping import with_tenant_scope


@shared_task(acks_late=True)
@with_tenant_scope
def simulate_call(tenant_id: int, account_id: int, provider_call_id: str, request: dict) -> None:
    """Play a simulated call from the request it was dialled with: started now, ended and analyzed a few
    seconds later."""
    from . import simulation
    from .clients import CallRequest
    from .models import ProviderAccount

    account = ProviderAccount.objects.filter(pk=account_id).first()
    if account is None:
        return
    call = CallRequest(**request)
    simulated = simulation.plan(call, account.provider_ids or {})
    started_ms = int(time.time() * 1000)
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    ended = simulation.retell_call(call, provider_call_id, simulated, analyzed=False, started_ms=started_ms)
    analyzed = simulation.retell_call(call, provider_call_id, simulated, analyzed=True, started_ms=started_ms)
    for body in (ended, analyzed):
        if body["recording_url"]:
            body["recording_url"] = base + body["recording_url"]
    if simulated.connect in ("answered", "voicemail"):
        started = {**ended, "call_status": "ongoing", "transcript": "", "transcript_object": []}
        deliver_simulated_event(tenant_id, account_id, "call_started", started)
    wait = min(simulated.duration, 6)
    deliver_simulated_event.apply_async(args=(tenant_id, account_id, "call_ended", ended), countdown=wait)
    deliver_simulated_event.apply_async(args=(tenant_id, account_id, "call_analyzed", analyzed), countdown=wait + 1)


@shared_task(acks_late=True)
@with_tenant_scope
def deliver_simulated_event(tenant_id: int, account_id: int, event: str, call: dict) -> int:
    """Sign a simulated event as Retell would and hand it to the webhook handler. Returns its status."""
    from .clients.retell import sign
    from .models import ProviderAccount
    from .webhooks import receive

    account = ProviderAccount.objects.get(pk=account_id)
    body = json.dumps({"event": event, "call": call}, separators=(",", ":")).encode()
    result = receive(account.provider, account.webhook_uuid, body, {"X-Retell-Signature": sign(body, account.api_key)})
    return result.status
