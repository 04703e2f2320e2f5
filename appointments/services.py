"""Booking, moving, cancelling and closing appointments; their reminders; the lead's stage.

Every booking and reschedule runs in a transaction holding the branch row's lock
(``SELECT … FOR UPDATE``): the free-slot count and the insert cannot interleave with another
booking of the same branch, so a slot's capacity holds under concurrency. A taken slot is a 409
(``SlotTaken``) naming the nearest free ones.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import public_ids, versioning
from core.formats import timestamp
from leads import services as lead_services
from leads.pipeline import Stage, can_move
from tenants.models import Branch

from . import availability
from .models import (
    ACTIVE_STATUSES,
    STATUS_MOVES,
    Appointment,
    AppointmentMove,
    AppointmentSettings,
    Channel,
    Reminder,
    ReminderStatus,
    Source,
    Status,
)
from .signals import no_show_recorded

ALTERNATIVES = 3
ALTERNATIVES_WITHIN = timedelta(days=3)


class AlreadyBooked(ValidationError):
    """The person already holds a live booking at that time (a double submit, a retried request)."""

    api_status = 409
    api_code = "already_booked"

    def __init__(self, existing: Appointment):
        self.existing = existing
        self.api_extra = {"existing_id": public_ids.of(existing)}
        super().__init__(
            {"start": ["This person already has an appointment at that time."]},
            code="already_booked",
        )


def _refuse_a_second_booking(lead, start: datetime) -> None:
    if lead is None:
        return
    existing = Appointment.objects.filter(lead=lead, start=start, status__in=ACTIVE_STATUSES).first()
    if existing is not None:
        raise AlreadyBooked(existing)


class SlotTaken(ValidationError):
    """That time has no free place (any more). The API answers 409 with the nearest free slots."""

    api_status = 409
    api_code = "slot_taken"

    def __init__(self, start: datetime, alternatives: list, zone=None):
        self.alternatives = alternatives
        self.api_extra = {"alternatives": [timestamp(slot.start) for slot in alternatives]}
        local = start.astimezone(zone) if zone else timezone.localtime(start)
        super().__init__({"start": [f"{local:%a %d %b %H:%M} is not free; pick another time."]}, code="slot_taken")


def settings_for_tenant() -> AppointmentSettings:
    return AppointmentSettings.objects.first() or AppointmentSettings()


def _lock_branch(branch: Branch) -> Branch:
    return Branch.objects.select_for_update().get(pk=branch.pk)


def _alternatives(branch, kind, start, **options) -> list:
    return availability.nearest(branch, kind, start, within=ALTERNATIVES_WITHIN, **options)[:ALTERNATIVES]


def _pick_resource(slot: availability.Slot, staff) -> tuple[int, int | None]:
    """The rule (and staff member) the appointment goes under: the one asked for, else round-robin among
    staff with room (whoever was given an appointment longest ago), else the resource with most room."""
    if staff is not None:
        own = [r for r in slot.resources if r[1] == staff.pk]
        if own:
            return own[0][0], staff.pk
        branch_wide = [r for r in slot.resources if r[1] is None]
        return branch_wide[0][0], staff.pk
    staffed = [r for r in slot.resources if r[1] is not None]
    if staffed:
        last = dict(
            Appointment.objects.filter(staff_id__in=[r[1] for r in staffed])
            .values("staff_id")
            .annotate(last=Max("created_at"))
            .values_list("staff_id", "last")
        )
        never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
        rule_id, staff_id, _ = min(staffed, key=lambda r: (last.get(r[1]) or never, r[1]))
        return rule_id, staff_id
    rule_id, _, _ = max(slot.resources, key=lambda r: r[2])
    return rule_id, None


def staff_members():
    """The users who may be given appointments: active members of the tenant in scope."""
    from django.contrib.auth import get_user_model

    from tenants.models import Membership

    active = Membership.objects.filter(is_active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=active).order_by("first_name", "email")


def staff_member(user_id: int):
    """The staff member with this user id, or a field error on ``staff``."""
    member = staff_members().filter(pk=user_id).first()
    if member is None:
        raise ValidationError({"staff": ["Not a staff member of this business."]})
    return member


def _check_lead(lead, branch, vehicle):
    if lead.tenant_id != branch.tenant_id:
        raise ValidationError({"lead": ["Unknown lead."]})
    if vehicle is not None and vehicle.lead_id != lead.pk:
        raise ValidationError({"vehicle": ["That vehicle belongs to someone else."]})


@transaction.atomic
def book(
    lead,
    branch: Branch,
    kind: str,
    start: datetime,
    *,
    staff=None,
    vehicle=None,
    source: str = Source.STAFF,
    call=None,
    notes: str = "",
    actor=None,
) -> Appointment:
    """Book the free slot starting at ``start`` (raises ``SlotTaken`` when it is full or is not a slot)."""
    _check_lead(lead, branch, vehicle)
    if staff is not None:
        staff = staff_member(staff.pk)
    branch = _lock_branch(branch)
    _refuse_a_second_booking(lead, start)
    staff_id = staff.pk if staff is not None else None
    slot = availability.slot_at(branch, kind, start, staff_id=staff_id)
    if slot is None:
        raise SlotTaken(start, _alternatives(branch, kind, start, staff_id=staff_id), availability.branch_zone(branch))
    rule_id, chosen_staff = _pick_resource(slot, staff)
    appointment = Appointment.objects.create(
        branch=branch,
        lead=lead,
        vehicle=vehicle,
        staff_id=chosen_staff,
        rule_id=rule_id,
        kind=kind,
        start=slot.start,
        end=slot.end,
        source=source,
        call=call,
        notes=notes,
        booked_by=actor if actor is not None and actor.is_authenticated else None,
    )
    schedule_reminders(appointment)
    _move_lead(lead, Stage.BOOKED, _named(appointment), actor)
    return appointment


@transaction.atomic
def reschedule(appointment: Appointment, start: datetime, *, actor=None, reason: str = "") -> Appointment:
    """Move to another free slot (same branch and kind); the move is recorded, reminders follow it."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status not in ACTIVE_STATUSES:
        raise ValidationError({"status": [f"A {appointment.get_status_display().lower()} appointment cannot move."]})
    branch = _lock_branch(appointment.branch)
    options = {"staff_id": appointment.staff_id, "exclude_appointment": appointment.pk}
    slot = availability.slot_at(branch, appointment.kind, start, **options)
    if slot is None:
        raise SlotTaken(
            start, _alternatives(branch, appointment.kind, start, **options), availability.branch_zone(branch)
        )
    staff = appointment.staff if appointment.staff_id else None
    rule_id, staff_id = _pick_resource(slot, staff)
    AppointmentMove.objects.create(
        appointment=appointment,
        from_start=appointment.start,
        to_start=slot.start,
        moved_by=actor if actor is not None and actor.is_authenticated else None,
        reason=reason[:300],
    )
    appointment.start, appointment.end = slot.start, slot.end
    appointment.rule_id, appointment.staff_id = rule_id, staff_id
    appointment.status, appointment.confirmed_at = Status.BOOKED, None  # a new time needs a new confirmation
    appointment.save()
    cancel_reminders(appointment)
    schedule_reminders(appointment)
    return appointment


def _change_status(appointment: Appointment, to: str, **fields) -> Appointment:
    """A status move by compare-and-swap (two clicks, or a click and the no-show sweep, cannot race)."""
    STATUS_MOVES.move(
        appointment,
        to=to,
        refused=f"This appointment is {appointment.get_status_display().lower()}: it cannot become {to}.",
        stale="The appointment changed meanwhile; reload and try again.",
        updated_at=timezone.now(),
        **fields,
    )
    versioning.bump_on_commit(appointment.tenant_id)  # an update() sends no post_save
    return appointment


@transaction.atomic
def cancel(appointment: Appointment, *, reason: str = "", actor=None) -> Appointment:
    appointment = _change_status(
        appointment, Status.CANCELED, cancel_reason=(reason or "Canceled")[:300], closed_at=timezone.now()
    )
    cancel_reminders(appointment)
    return appointment


def confirm(appointment: Appointment, *, actor=None) -> Appointment:
    return _change_status(appointment, Status.CONFIRMED, confirmed_at=timezone.now())


def _named(appointment: Appointment) -> str:
    """How a stage change names the appointment that made it: "tour on 2026-12-09 15:00" (branch time)."""
    return f"{appointment.get_kind_display().lower()} on {appointment.local_start:%Y-%m-%d %H:%M}"


@transaction.atomic
def check_in(appointment: Appointment, *, actor=None) -> Appointment:
    """They came: attended, and the lead moves to attended. Not before the appointment's day (on the branch's
    wall): an early arrival is checked in, a click on next week's row is refused."""
    local_start = appointment.local_start
    if timezone.now().astimezone(local_start.tzinfo).date() < local_start.date():
        raise ValidationError({"status": [f"It is on {local_start:%a %d %b}: check them in on the day."]})
    appointment = _change_status(appointment, Status.ATTENDED, checked_in_at=timezone.now())
    cancel_reminders(appointment)
    _move_lead(appointment.lead, Stage.ATTENDED, _named(appointment), actor)
    return appointment


@transaction.atomic
def mark_no_show(appointment: Appointment, *, actor=None, automatic: bool = False) -> Appointment:
    """They did not come: the lead moves to no-show and the no-show follow-ups (campaigns) hear of it."""
    if appointment.start > timezone.now():
        raise ValidationError({"status": ["It has not started yet: a no-show can only be marked from its start."]})
    appointment = _change_status(appointment, Status.NO_SHOW, closed_at=timezone.now())
    cancel_reminders(appointment)
    reason = _named(appointment) + (" (not marked: past its grace period)" if automatic else "")
    _move_lead(appointment.lead, Stage.NO_SHOW, reason, actor)
    lead_id = appointment.lead_id
    if lead_id is not None:
        transaction.on_commit(lambda: no_show_recorded.send(sender=Appointment, lead_id=lead_id))
    return appointment


def expire_no_shows(now: datetime | None = None) -> int:
    """Appointments nobody marked become no-shows once their grace period is over (a beat task, per tenant)."""
    now = now or timezone.now()
    grace = timedelta(minutes=settings_for_tenant().no_show_grace_minutes)
    overdue = list(Appointment.objects.filter(status__in=ACTIVE_STATUSES, end__lt=now - grace).select_related("lead"))
    marked = 0
    for appointment in overdue:
        try:
            mark_no_show(appointment, automatic=True)
            marked += 1
        except ValidationError:
            continue  # marked by staff meanwhile
    return marked


def _move_lead(lead, stage: str, reason: str, actor) -> None:
    if lead is None:  # erased
        return
    lead.refresh_from_db(fields=["stage"])
    if can_move(lead.stage, stage):
        lead_services.change_stage(lead, stage, actor=actor, reason=reason)


# --- reminders -----------------------------------------------------------------------------------


def schedule_reminders(appointment: Appointment, now: datetime | None = None) -> list[Reminder]:
    """The tenant's reminders for this appointment (those whose time has passed are not made, nor emails to a
    person with no email address: the sender would only cancel them)."""
    now = now or timezone.now()
    settings = settings_for_tenant()
    channels = [c for c in settings.channels() if c != Channel.EMAIL or appointment.lead.email]
    reminders = [
        Reminder(appointment=appointment, channel=channel, send_at=appointment.start - timedelta(minutes=minutes))
        for minutes in settings.offsets_for(appointment.kind)
        for channel in channels
        if appointment.start - timedelta(minutes=minutes) > now
    ]
    return Reminder.objects.bulk_create(reminders)


def cancel_reminders(appointment: Appointment) -> int:
    return Reminder.objects.filter(appointment=appointment, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELED
    )


def upcoming_for(lead):
    return Appointment.objects.filter(lead=lead, status__in=ACTIVE_STATUSES, start__gte=timezone.now()).order_by(
        "start"
    )
