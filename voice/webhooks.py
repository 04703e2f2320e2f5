"""Provider webhooks: ``/webhooks/voice/<provider>/<account uuid>/``.

The raw body is checked against the account's signature scheme before anything
is parsed: a bad signature is a 401 and nothing is stored. Accepted events are
normalised and handed, one by one, to the receivers of
``voice.signals.provider_event_received`` (calls stores each once and applies it);
a replay answers 200 and changes nothing. The simulator delivers its events
through ``receive`` too. This room writes no call records.
"""

import json
import logging
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.memo import TtlMemo
from tenants.scoping import tenant_scope

from .clients import CLIENTS, InvalidSignature, for_account
from .models import ProviderAccount
from .signals import provider_event_received

logger = logging.getLogger(__name__)


# Every event reads its account. Each process remembers it for two seconds, stamped with the accounts'
# generation in the shared cache: a change anywhere moves the generation (after its commit), and every
# process reads the generation at most every quarter second, so a change counts everywhere within that
# (one Redis read per process every 0.25 s, not one per event). Without Redis the two seconds are the bound.
ACCOUNT_MEMO_SECONDS = 2
GENERATION_KEY = "voice:accounts:generation"
GENERATION_READ_SECONDS = 0.25
_accounts: TtlMemo[tuple[str, str], tuple] = TtlMemo(ACCOUNT_MEMO_SECONDS)
_generation: TtlMemo[str, object] = TtlMemo(GENERATION_READ_SECONDS)


def _current_generation():
    return _generation.get_or_set(GENERATION_KEY, lambda: cache.get(GENERATION_KEY))


def _account(provider: str, account_uuid) -> ProviderAccount | None:
    """The account a webhook URL names, remembered briefly in this process (every event reads it).
    The account names the tenant: this is how a webhook finds its scope, so the lookup crosses tenants."""
    key, generation = (provider, str(account_uuid)), _current_generation()
    held = _accounts.get(key)
    if held is not None and held[0] == generation:
        return held[1]
    account = ProviderAccount.objects.unscoped().filter(webhook_uuid=account_uuid, provider=provider).first()
    account = account if account is not None and account.is_active else None
    _accounts.set(key, (generation, account))
    return account


def forget_local_accounts() -> None:
    _accounts.clear()
    _generation.clear()


def forget_accounts() -> None:
    """An account changed: this process forgets at once, every other once the change is committed."""
    forget_local_accounts()
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, time.time_ns(), timeout=None))


@dataclass
class WebhookResult:
    status: int
    body: dict = field(default_factory=dict)


def receive(provider: str, account_uuid, body: bytes, headers) -> WebhookResult:
    if provider not in CLIENTS:
        return WebhookResult(404, {"code": "not_found", "message": "Unknown provider."})
    account = _account(provider, account_uuid)
    if account is None:
        return WebhookResult(404, {"code": "not_found", "message": "Unknown account."})
    with tenant_scope(account.tenant_id):
        client = for_account(account)
        try:
            client.verify_webhook(body, headers)
        except InvalidSignature as exc:
            logger.warning("Rejected %s webhook for account %s: %s", provider, account.pk, exc)
            return WebhookResult(401, {"code": "invalid_signature", "message": str(exc)})
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return WebhookResult(400, {"code": "parse_error", "message": "The body is not JSON."})
        if not isinstance(payload, dict):
            return WebhookResult(400, {"code": "parse_error", "message": "The body is not a JSON object."})
        events = client.parse_webhook(payload, headers)
        new = sum(1 for event in events if _hand_over(account, event))
    return WebhookResult(200, {"received": len(events), "new": new})


def _hand_over(account: ProviderAccount, event) -> bool:
    """Give one event to the receivers; True if one of them stored it as new."""
    answers = provider_event_received.send(sender=ProviderAccount, account=account, event=event)
    return any(stored is not None for _, stored in answers)


@csrf_exempt
@require_POST
def webhook_view(request, provider: str, account_uuid):
    result = receive(provider, account_uuid, request.body, request.headers)
    return JsonResponse(result.body, status=result.status)
