"""Claiming work from rows: the one way a worker takes a row whose due time has come.

``claim_due`` takes up to ``limit`` rows of a queryset whose ``field`` (a due time) has passed, skipping rows
another worker is claiming at this moment (``SELECT … FOR UPDATE SKIP LOCKED``), and moves their due time a
lease ahead in the same transaction: two workers never take the same row, and a worker that dies gives it
back when the lease ends (docs/architecture.md, "Work owed lives in rows").
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone


def claim_due(queryset, field: str, lease: timedelta, limit: int) -> tuple[list[int], datetime]:
    """The ids claimed, and the due time they were leased to."""
    now = timezone.now()
    leased = now + lease
    with transaction.atomic():
        ids = list(
            queryset.filter(**{f"{field}__lte": now})
            .select_for_update(skip_locked=True, of=("self",))
            .order_by(field, "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            queryset.filter(pk__in=ids).update(**{field: leased})
    return ids, leased
