"""What the calls room adds to the leads room: timeline entries, engagement for scoring,
the calls in a data export, and scrubbing calls on erasure (calls.receivers answers leads.signals with these)."""

import json

from django.db.models import Count, Max, Min, Q
from django.urls import reverse

from core import public_ids
from core.formats import timestamp

from . import rollups
from .models import CONNECTED_OUTCOMES, Call, CallEvent, QaReview


def timeline_entries(lead) -> list[dict]:
    entries = []
    for call in Call.objects.filter(lead=lead).only(
        "pk", "created_at", "ended_at", "status", "outcome", "summary", "compliance_code", "error_message"
    ):
        if call.compliance_code:
            title, detail = f"Call not placed ({call.compliance_code})", call.error_message
        else:
            title = f"Call: {call.get_outcome_display() or call.get_status_display()}"
            detail = call.summary
        entries.append(
            {
                "at": call.ended_at or call.created_at,
                "kind": "call",
                "title": title,
                "detail": detail,
                "by": "",
                "link": {"call_id": public_ids.of(call), "url": reverse("admin:calls_call_change", args=[call.pk])},
            }
        )
    return entries


def engagement(lead_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        Call.objects.filter(lead_id__in=lead_ids)
        .values("lead_id")
        .annotate(answered=Count("pk", filter=Q(outcome__in=CONNECTED_OUTCOMES)))
    )
    return {row["lead_id"]: {"answered_calls": row["answered"]} for row in rows}


def export_calls(lead) -> list[dict]:
    return [
        {
            "id": public_ids.of(call),
            "created_at": timestamp(call.created_at),
            "status": call.status,
            "outcome": call.outcome,
            "duration_seconds": call.duration_seconds,
            "summary": call.summary,
            "transcript": call.transcript,
            "recording_url": call.recording_url,
            "collected_data": call.collected_data,
        }
        for call in Call.objects.filter(lead=lead)
    ]


def erase_calls(lead, identity) -> None:
    """Keep the calls (for the tenant's figures) but not what was said or who it was to, nor provider events
    the product could not match that name the person's number."""
    from leads.privacy import scrub

    calls = Call.objects.filter(lead=lead)
    ids = list(calls.values_list("pk", flat=True))
    span = calls.aggregate(first=Min("dialed_at"), last=Max("dialed_at"))
    rollups.mark_changed(lead.tenant_id, span["first"], span["last"])  # the lead leaves the days' lead counts
    CallEvent.objects.filter(call_id__in=ids).update(payload={"erased": True})
    QaReview.objects.filter(call_id__in=ids).update(notes="", checklist={})
    calls.update(
        transcript=[],
        summary="",
        recording_url="",
        collected_data={},
        prompt_variables={},
        to_number="",
        resolution_note="",
        attention_reason="",
        error_message="",
        lead=None,
    )
    orphans = set()
    for needle in identity.needles:
        candidates = CallEvent.objects.filter(is_orphan=True, payload__icontains=needle)
        for pk, payload in candidates.values_list("pk", "payload"):
            if identity.mentions(json.dumps(payload, ensure_ascii=False)):
                orphans.add(pk)
    CallEvent.objects.filter(pk__in=orphans).update(payload={"erased": True})
    scrub({"calls.call": ids})
