"""Imported history is never slow speed to lead (docs/kpis.md#speed-to-lead).

Speed to lead is how fast the first call follows a person's arrival. A lead an import dated from its file
("Date Added", "Created", "Signup Date"…) arrived before the product could have called it: its creation
date is history. The importer marks it (``dated``: ``Lead.imported_history``), and it takes no part in
speed to lead, neither in the figures (analytics.metrics.leads) nor as an arrival the standing
speed-to-lead campaign calls (campaigns.audiences): both ask ``arrivals``. A lead an import did not date is
dated by the import, and counts like any other arrival. (The dashboard's cohort index carries the mark, so
the figures stay an index-only scan.)
"""

from datetime import datetime

from django.db.models import Q

FIELD = "imported_history"


def dated(created_at: datetime) -> dict:
    """A new lead's values when its file says when the person arrived."""
    return {"created_at": created_at, FIELD: True}


def arrivals() -> Q:
    """The leads speed to lead is about: every lead but imported history."""
    return Q(**{FIELD: False})
