"""Established business relationships, derived from the CRM's own events
(docs/compliance.md#established-business-relationships).

47 CFR 64.1200(f)(5): a person has one with a business for 18 months after a purchase or transaction with it, and
for 3 months after an inquiry or application to it; a do-not-call request ends it (the gate refuses those numbers
first anyway). The events read here: the lead's own arrival (an inquiry; a lead imported from a file without dates
is not one, since its date is the import's), a move to Won (a purchase), and whatever the rooms above report through
``relationship_requested`` (appointments: a visit attended, such as a service visit). Each relationship keeps the
event that proves it, in words, for the call's compliance file.

A relationship never replaces consent for an AI call (FCC 24-17; 47 CFR 64.1200(a)(2)-(3)): the gate reads it only
where the law accepts it instead of consent to be called at all (the national registry, except Indiana's list;
Nevada's rule on a second automated call).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import Lead, StageChange
from .pipeline import Stage
from .signals import relationship_requested

TRANSACTION_WINDOW = timedelta(days=548)  # 18 months
INQUIRY_WINDOW = timedelta(days=92)  # 3 months
TRANSACTION, INQUIRY = "transaction", "inquiry"


@dataclass(frozen=True)
class Relationship:
    kind: str  # TRANSACTION or INQUIRY
    at: datetime
    evidence: str  # the event that proves it, in words

    def as_dict(self) -> dict:
        return {"kind": self.kind, "since": self.at.date().isoformat(), "evidence": self.evidence}


def _in_window(kind: str, at: datetime, when: datetime) -> bool:
    window = TRANSACTION_WINDOW if kind == TRANSACTION else INQUIRY_WINDOW
    return at <= when and when - at <= window


def established(leads: list[Lead], when: datetime) -> dict[int, Relationship]:
    """Lead id → the newest event that gives them a relationship at ``when`` (a transaction before an inquiry on
    the same day). A fixed number of queries per batch: the won moves, and one per reporting room."""
    found: dict[int, list[Relationship]] = {}
    for lead in leads:
        # A lead's arrival date is known unless an import dated it itself (a file without its own dates).
        known = lead.source_import_id is None or lead.imported_history
        if known and lead.created_at:
            found.setdefault(lead.pk, []).append(
                Relationship(INQUIRY, lead.created_at, f"Became a lead on {lead.created_at:%Y-%m-%d}")
            )
    ids = [lead.pk for lead in leads]
    since = when - TRANSACTION_WINDOW
    won = StageChange.objects.filter(lead_id__any=ids, to_stage=Stage.WON, changed_at__gte=since)
    for lead_id, at in won.values_list("lead_id", "changed_at"):
        found.setdefault(lead_id, []).append(Relationship(TRANSACTION, at, f"Won (a purchase) on {at:%Y-%m-%d}"))
    for _receiver, answer in relationship_requested.send(sender=Lead, lead_ids=ids, since=since):
        for lead_id, events in (answer or {}).items():
            found.setdefault(lead_id, []).extend(Relationship(kind, at, words) for kind, at, words in events)
    chosen = {}
    for lead_id, events in found.items():
        live = [event for event in events if _in_window(event.kind, event.at, when)]
        if live:
            chosen[lead_id] = max(live, key=lambda e: (e.at.date(), e.kind == TRANSACTION))
    return chosen
