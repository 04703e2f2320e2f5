"""Helpers the provider modules share: signatures, times, our ids in their payloads."""

import hashlib
import hmac
import time
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from core import public_ids

from .base import InvalidSignature

CALL_ID_KEY = "crm_call_id"
TENANT_ID_KEY = "crm_tenant_id"


def hmac_hex(secret: str, message: bytes) -> str:
    if not secret:  # an HMAC with an empty key is one anyone can compute
        raise InvalidSignature("This account has no webhook secret: it accepts no webhooks until one is set.")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def require_equal(expected: str, given: str) -> None:
    if not expected:
        raise InvalidSignature("This account has no webhook secret: it accepts no webhooks until one is set.")
    if not given or not hmac.compare_digest(expected, given):
        raise InvalidSignature("The signature does not match the body.")


def check_age(timestamp_seconds: float, *, max_age: float, max_future: float = 300) -> None:
    age = time.time() - timestamp_seconds
    if age > max_age:
        raise InvalidSignature("The signature's timestamp is too old (a replay?).")
    if -age > max_future:
        raise InvalidSignature("The signature's timestamp is in the future.")


def from_epoch(value, *, millis: bool = False) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return from_iso(value)
    return datetime.fromtimestamp(number / 1000 if millis else number, tz=UTC)


def from_iso(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def call_metadata(request) -> dict[str, str]:
    """What a provider keeps with the call and sends back: our call and tenant, by public id (a provider's
    dashboard shows them; core.public_ids)."""
    return {
        CALL_ID_KEY: public_ids.encode("calls.call", request.call_id),
        TENANT_ID_KEY: public_ids.encode("tenants.tenant", request.tenant_id),
    }


def our_call_id(*sources) -> int | None:
    """Our call's key from the first mapping that carries it (metadata, dynamic variables…). A call placed
    by an older release carries the key itself."""
    for source in sources:
        if isinstance(source, dict) and source.get(CALL_ID_KEY) not in (None, ""):
            value = str(source[CALL_ID_KEY])
            return int(value) if value.isascii() and value.isdigit() else public_ids.decode("calls.call", value)
    return None


def strings(variables: dict) -> dict[str, str]:
    """Providers want string → string maps for prompt variables."""
    return {str(k): "" if v is None else str(v) for k, v in variables.items()}


def sentiment(value) -> str:
    text = str(value or "").strip().lower()
    return text if text in ("positive", "neutral", "negative") else ("unknown" if text else "")
