"""What the appointments room adds to calls: the free slots and the upcoming appointment as prompt
variables, real slots for the simulator, and booking the time a person agreed to in a call (connected to
the voice and calls signals in appointments.receivers)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from calls.models import Call, Outcome
from core import versioning
from leads.models import Lead
from leads.services import branch_of, resolved_time_zone

from . import availability
from .models import KINDS_FOR_PURPOSE, Appointment, Kind, Source
from .services import AlreadyBooked, SlotTaken, book, settings_for_tenant, upcoming_for

OFFERED_SLOTS = 6
OFFER_DAYS = 7


def kind_for(branch, purpose: str) -> str | None:
    """What a call of this purpose books at this branch: the first of its kinds the branch offers."""
    return availability.first_kind_offered(branch, KINDS_FOR_PURPOSE.get(purpose, [Kind.OTHER]))


def offered_slots(lead, purpose: str) -> list:
    branch = branch_of(lead)
    kind = kind_for(branch, purpose) if branch else None
    if kind is None:
        return []
    today = timezone.localdate()
    return availability.free_slots(branch, kind, today, today + timedelta(days=OFFER_DAYS))[:OFFERED_SLOTS]


def prompt_variables(lead, script) -> dict[str, str]:
    """``free_slots`` (in the person's time zone) and ``upcoming_appointment``."""
    zone = ZoneInfo(resolved_time_zone(lead))
    slots = offered_slots(lead, script.purpose)
    upcoming = upcoming_for(lead).select_related("branch").first()
    return {
        "free_slots": ", ".join(f"{s.start.astimezone(zone):%A %d %B at %H:%M}" for s in slots),
        "upcoming_appointment": (
            f"{upcoming.get_kind_display().lower()} at {upcoming.branch.name} on "
            f"{upcoming.start.astimezone(zone):%A %d %B at %H:%M}"
            if upcoming
            else ""
        ),
    }


def simulator_slots(request) -> list:
    """Real free slots for the simulator's call ``request`` (voice.clients.CallRequest)."""
    lead = Lead.objects.select_related("branch").filter(pk=request.lead_id).first() if request.lead_id else None
    return [slot.start for slot in offered_slots(lead, request.purpose)] if lead is not None else []


def _flag(call: Call, reason: str) -> None:
    joined = "; ".join(filter(None, [call.attention_reason, reason]))[:300]
    Call.objects.filter(pk=call.pk).update(needs_attention=True, attention_reason=joined)
    versioning.bump_on_commit(call.tenant_id)  # an update() sends no post_save


def book_from_call(call: Call) -> Appointment | None:
    """A call ended with an agreed time: book it (in the person's time zone), or the nearest free slot within
    the tenant's window, or flag the call for a person. Idempotent (an outcome handler may run twice)."""
    agreed = (call.collected_data or {}).get("appointment_time")
    if call.outcome != Outcome.APPOINTMENT_BOOKED or not agreed or call.lead_id is None:
        return None
    existing = Appointment.objects.filter(call=call).first()
    if existing is not None:
        return existing
    lead = call.lead
    wanted = parse_datetime(str(agreed))
    if wanted is None:
        _flag(call, f"Could not read the agreed time “{agreed}”: book it by hand.")
        return None
    if timezone.is_naive(wanted):
        wanted = wanted.replace(tzinfo=ZoneInfo(resolved_time_zone(lead)))
    branch = branch_of(lead)
    kind = kind_for(branch, call.purpose) if branch else None
    if kind is None:
        _flag(call, "An appointment was agreed but the branch offers no bookable times: book it by hand.")
        return None
    booking = {"source": Source.AI_CALL, "call": call, "notes": "Agreed during the call."}
    try:
        return book(lead, branch, kind, wanted, **booking)
    except AlreadyBooked as already:
        return already.existing  # staff (or another call) booked them at that very time
    except SlotTaken:
        pass
    window = timedelta(minutes=settings_for_tenant().call_booking_window_minutes)
    for slot in availability.nearest(branch, kind, wanted, within=window):
        try:
            return book(lead, branch, kind, slot.start, **booking)
        except (SlotTaken, AlreadyBooked):
            continue
    local = wanted.astimezone(ZoneInfo(resolved_time_zone(lead)))
    _flag(call, f"Agreed {local:%a %d %b %H:%M} but it was taken, with nothing free near it: call them back.")
    return None
