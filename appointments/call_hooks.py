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
from leads.services import branch_of, own_time_zone, resolved_time_zone

from . import availability, wording
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
    """``free_slots`` and ``upcoming_appointment``, in the branch's local time with its zone named when the
    person's differs (appointments.wording)."""
    person_zone = own_time_zone(lead)
    place_zone = wording.branch_zone(branch_of(lead), resolved_time_zone(lead))
    slots = offered_slots(lead, script.purpose)
    upcoming = upcoming_for(lead).select_related("branch").first()
    return {
        "free_slots": ", ".join(wording.spoken(s.start, place_zone, person_zone) for s in slots),
        "upcoming_appointment": (
            f"{upcoming.get_kind_display().lower()} at {upcoming.branch.name} on "
            f"{wording.spoken(upcoming.start, wording.branch_zone(upcoming.branch, place_zone), person_zone)}"
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
    """A call ended with an agreed time: book it, or the nearest free slot within the tenant's window, or flag
    the call for a person. A time without an offset is the branch's local time, the one the agent offered
    (appointments.wording). Idempotent (an outcome handler may run twice)."""
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
    branch = branch_of(lead)
    person_zone = own_time_zone(lead)
    place_zone = wording.branch_zone(branch, resolved_time_zone(lead))
    if timezone.is_naive(wanted):
        wanted = wanted.replace(tzinfo=ZoneInfo(place_zone))
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
    agreed_at = wording.spoken(wanted, place_zone, person_zone, "%a %d %b %H:%M")
    _flag(call, f"Agreed {agreed_at} but it was taken, with nothing free near it: call them back.")
    return None
