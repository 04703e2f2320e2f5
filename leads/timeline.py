"""A lead's timeline: stage changes, notes, and what other rooms add (calls, appointments), in time order.

Other rooms contribute with ``register_timeline(fn)``: ``fn(lead)`` returns
entries ``{"at": datetime, "kind": str, "title": str, "detail": str, "link": dict}``.
"""

from collections.abc import Callable

from .models import Lead

_sources: list[Callable[[Lead], list[dict]]] = []


def register_timeline(source: Callable[[Lead], list[dict]]) -> None:
    if source not in _sources:
        _sources.append(source)


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
    for source in _sources:
        entries += source(lead)
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)
