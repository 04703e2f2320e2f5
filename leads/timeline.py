"""A lead's timeline: stage changes, notes, and what other rooms add (calls, appointments), in time order.

Other rooms contribute by answering the ``timeline_requested`` signal (leads.signals) with
entries ``{"at": datetime, "kind": str, "title": str, "detail": str, "by": str, "link": dict}``.
"""

from .models import Lead
from .signals import timeline_requested


def timeline(lead: Lead, labels: dict[str, str] | None = None) -> list[dict]:
    from .services import stage_labels

    labels = labels or stage_labels()
    entries = [
        {
            "at": change.changed_at,
            "kind": "stage",
            "title": f"{labels.get(change.from_stage, 'Created')} → {labels.get(change.to_stage, change.to_stage)}",
            "detail": change.reason,
            "by": change.changed_by.get_full_name() or change.changed_by.email if change.changed_by else "",
            "link": {},
        }
        for change in lead.stage_changes.select_related("changed_by")
    ]
    entries += [
        {
            "at": note.created_at,
            "kind": "note",
            "title": "Note",
            "detail": note.body,
            "by": (note.author.get_full_name() or note.author.email) if note.author else "",
            "link": {},
        }
        for note in lead.lead_notes.select_related("author")
    ]
    entries.append(
        {
            "at": lead.created_at,
            "kind": "created",
            "title": "Lead created",
            "detail": lead.get_source_display(),
            "by": "",
            "link": {},
        }
    )
    for _receiver, contributed in timeline_requested.send(sender=Lead, lead=lead):
        entries += contributed
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)
