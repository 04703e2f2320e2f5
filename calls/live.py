"""The call page's live region (core.live): status, outcome, conversation, recording, summary and events,
current within seconds of the provider's events, until the call has settled."""

from datetime import timedelta

from django.utils import timezone
from django.views.decorators.http import require_safe

from core import live

from . import collected
from .models import FINAL_STATUSES, CallEvent

TEMPLATE = "admin/calls/call_live.html"
# A provider's analysis (summary, recording) may follow the end of a call by a little: an ended call
# is watched this long unless all of it is already there.
SETTLING = timedelta(minutes=2)


def settled(call, now=None) -> bool:
    """Nothing more will come for this call: it is over, its effects are applied, and its conversation,
    recording and summary are in (or had time to come)."""
    if call.status not in FINAL_STATUSES or call.effects_due_at is not None:
        return False
    if call.transcript and call.recording_url and call.summary:
        return True
    return call.ended_at is None or (now or timezone.now()) - call.ended_at >= SETTLING


def context(call) -> dict:
    """What the region shows: the same for the page and for a poll."""
    return {
        "call": call,
        "collected": collected.in_words(call),
        "cost": f"${call.cost:.2f}" if call.cost is not None else "—",  # providers bill in US dollars
        "events": CallEvent.objects.filter(call=call).only("event_type", "received_at"),
        "call_over": call.status in FINAL_STATUSES,
        "call_settled": settled(call),
    }


@require_safe
def view(request, object_id, *, model_admin):
    call = live.admin_object(model_admin, request, object_id, model_admin.get_queryset(request).select_related("lead"))
    data = context(call)
    return live.fragment(request, TEMPLATE, data, final=data["call_settled"])
