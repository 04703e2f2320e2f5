"""Demo availability and appointments for seed_demo: the gym's tours, trial classes and trainer consultations;
the dealership's service lane (capacity 4) and test drives; the coming holidays; a week of past appointments
(attended and no-shows) and a few booked ahead, with their reminders."""

import random
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from appointments import availability, services
from appointments.models import Appointment, AppointmentSettings, AvailabilityRule, Closure, Source, Status
from calls.models import Call, Outcome
from leads.models import Lead, Stage, Vehicle
from tenants.models import Branch, Membership

WEEKDAYS, SATURDAY = range(5), 5

GYM_RULES = [
    # (weekdays, opens, closes, slot minutes, capacity, kinds, minimum notice, staffed)
    (WEEKDAYS, time(10), time(19), 30, 2, ["tour"], 60, False),
    ([SATURDAY], time(9), time(14), 30, 2, ["tour"], 60, False),
    ([0, 2, 4], time(18), time(19), 60, 12, ["trial_class"], 120, False),
    ([SATURDAY], time(10), time(11), 60, 12, ["trial_class"], 120, False),
    ([1, 3], time(12), time(16), 45, 1, ["consultation"], 240, True),
]
DEALERSHIP_RULES = [
    (WEEKDAYS, time(7, 30), time(17), 30, 4, ["service"], 120, False),
    ([SATURDAY], time(8), time(12), 30, 2, ["service"], 120, False),
    ([*WEEKDAYS, SATURDAY], time(10), time(18), 60, 2, ["test_drive"], 60, False),
    (WEEKDAYS, time(9), time(12), 60, 1, ["consultation"], 240, True),
]


def seed(tenant, stdout) -> None:
    if AvailabilityRule.objects.exists():
        return
    dealership = tenant.vertical == "dealership"
    staff = [m.user for m in Membership.objects.filter(is_active=True).select_related("user").order_by("pk")]
    for branch in Branch.objects.order_by("name"):
        for days, opens, closes, minutes, capacity, kinds, notice, staffed in (
            DEALERSHIP_RULES if dealership else GYM_RULES
        ):
            for day in days:
                for person in staff if staffed else [None]:
                    AvailabilityRule.objects.create(
                        branch=branch,
                        staff=person,
                        weekday=day,
                        opens=opens,
                        closes=closes,
                        slot_minutes=minutes,
                        capacity=capacity,
                        kinds=kinds,
                        min_notice_minutes=notice,
                    )
        _holidays(branch)
    AppointmentSettings.objects.get_or_create(
        defaults={"reminder_offsets": {"default": [1440, 120], "service": [2880, 180]}}
    )
    booked = _book_ahead(dealership)
    past = _past_week(dealership)
    by_calls = _booked_by_calls(dealership)
    stdout.write(
        f"  {tenant.name}: {AvailabilityRule.objects.count()} availability rules, "
        f"{booked + past + by_calls} appointments"
    )


def _holidays(branch) -> None:
    today = availability.branch_today(branch)
    for month, day, reason in ((11, 26, "Thanksgiving"), (12, 25, "Christmas Day"), (1, 1, "New Year's Day")):
        when = date(today.year, month, day)
        if when < today:
            when = date(today.year + 1, month, day)
        Closure.objects.create(branch=branch, start_date=when, reason=reason)


def _book_ahead(dealership: bool) -> int:
    """A few of the leads in talks get real free slots in the coming days (reminders and all)."""
    rng = random.Random(7)
    kinds = ["service", "service", "test_drive"] if dealership else ["tour", "tour", "trial_class"]
    leads = Lead.objects.filter(stage=Stage.CONTACTED).order_by("pk")[:8]
    count = 0
    for lead in leads:
        branch = lead.branch or Branch.objects.order_by("name").first()
        kind = rng.choice(kinds)
        first = availability.branch_today(branch) + timedelta(days=1)
        slots = availability.free_slots(branch, kind, first, first + timedelta(days=6))
        if not slots:
            continue
        vehicle = Vehicle.objects.filter(lead=lead).first() if kind == "service" else None
        services.book(lead, branch, kind, rng.choice(slots[:40]).start, vehicle=vehicle, notes="Booked by the demo")
        count += 1
    return count


def _booked_by_calls(dealership: bool) -> int:
    """The appointment each past call ending "appointment booked" made (so every figure of booked per campaign
    agrees, appointments.by_campaign): a few days after the call, attended or missed once past, else in a real
    free slot (a call whose time was taken since books nothing, as in life)."""
    rng = random.Random(13)
    kind = "service" if dealership else "tour"
    now = timezone.now()
    calls = Call.objects.filter(outcome=Outcome.APPOINTMENT_BOOKED, lead__isnull=False)
    made = 0
    for call in calls.select_related("lead", "lead__branch").order_by("dialed_at", "pk"):
        branch = call.lead.branch or Branch.objects.order_by("name").first()
        zone = availability.branch_zone(branch)
        day = call.dialed_at.astimezone(zone).date() + timedelta(days=rng.randint(1, 4))
        start = datetime.combine(day, time(rng.randint(10, 16))).replace(tzinfo=zone)
        if start + timedelta(hours=1) < now:
            attended = rng.random() < 0.75
            appointment = Appointment.objects.create(
                branch=branch,
                lead=call.lead,
                kind=kind,
                start=start,
                end=start + timedelta(minutes=30),
                status=Status.ATTENDED if attended else Status.NO_SHOW,
                source=Source.AI_CALL,
                call=call,
                created_at=call.ended_at,
                closed_at=start + timedelta(minutes=45),
                checked_in_at=start if attended else None,
                notes="Agreed during the call (demo history).",
            )
        else:
            slots = availability.free_slots(branch, kind, day, day + timedelta(days=3))
            try:
                appointment = services.book(
                    call.lead,
                    branch,
                    kind,
                    slots[0].start,
                    source=Source.AI_CALL,
                    call=call,
                    notes="Agreed during the call.",
                )
            except (IndexError, ValidationError):  # no free slot near it, or taken since
                continue
            Appointment.objects.filter(pk=appointment.pk).update(created_at=call.ended_at)
        made += 1
    return made


def _past_week(dealership: bool) -> int:
    """Last week's appointments of the people at those stages: attended (and some won since), or no-shows."""
    rng = random.Random(11)
    kind = "service" if dealership else "tour"
    leads = Lead.objects.filter(stage__in=[Stage.ATTENDED, Stage.WON, Stage.NO_SHOW]).order_by("pk")[:12]
    count = 0
    for lead in leads:
        branch = lead.branch or Branch.objects.order_by("name").first()
        zone = availability.branch_zone(branch)
        day = availability.branch_today(branch) - timedelta(days=rng.randint(1, 7))
        start = datetime.combine(day, time(rng.randint(10, 16))).replace(tzinfo=zone)
        attended = lead.stage != Stage.NO_SHOW
        Appointment.objects.create(
            branch=branch,
            lead=lead,
            kind=kind,
            start=start,
            end=start + timedelta(minutes=30),
            status=Status.ATTENDED if attended else Status.NO_SHOW,
            closed_at=start + timedelta(minutes=45),
            checked_in_at=start if attended else None,
            notes="Demo history",
        )
        count += 1
    return count
