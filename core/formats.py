"""How the API writes instants and money, in one place.

- An instant is ISO 8601 in UTC with ``Z``: ``2026-12-01T15:00:00Z`` (microseconds when there are
  some), exactly as DRF writes its own date-time fields. Wall-clock times of a place are written by
  their own fields (``local_start``) with that place's offset.
- Money is a decimal string with two places, ``"12.50"``, beside a ``currency`` (ISO 4217).
"""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def money(amount) -> str:
    return str(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def currency() -> str:
    return settings.CURRENCY
