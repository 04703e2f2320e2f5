"""Free slots: the availability rules' slots, minus closures, minus the appointments holding them,
after the minimum notice, in the branch's time zone.

Three queries whatever the range (rules, closures, appointments); the appointments are counted
into their slots arithmetically, so 5,000 bookings over a fortnight cost a few milliseconds.
A local time that does not exist (the hour skipped when clocks go forward) has no slot; a local
time that happens twice (clocks going back) has one, the first.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone

from .models import HOLDING_STATUSES, Appointment, AvailabilityRule, Closure


@dataclass(frozen=True)
class Slot:
    start: datetime  # in UTC
    end: datetime
    remaining: int
    # (rule id, staff id or None, places left) for each resource that has room at this time
    resources: tuple = field(default=(), compare=False)

    @property
    def staff_ids(self) -> list[int]:
        return sorted({staff for _, staff, _ in self.resources if staff is not None})


def branch_zone(branch) -> ZoneInfo:
    return ZoneInfo(branch.time_zone or "UTC")


def branch_today(branch) -> date:
    """Today's date where the branch is."""
    return timezone.now().astimezone(branch_zone(branch)).date()


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """``day`` at ``at`` in ``zone``, or None when that local time does not exist that day."""
    moment = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _slot_count(rule: AvailabilityRule) -> int:
    return max(0, (_minutes(rule.closes) - _minutes(rule.opens)) // rule.slot_minutes)


def rules_for(branch, kind: str, staff_id: int | None = None) -> list[AvailabilityRule]:
    rules = [r for r in AvailabilityRule.objects.filter(branch=branch, is_active=True) if r.serves(kind)]
    if staff_id is not None:
        own = [r for r in rules if r.staff_id == staff_id]
        return own or [r for r in rules if r.staff_id is None]
    return rules


def first_kind_offered(branch, kinds) -> str | None:
    """The first of ``kinds`` the branch's opening hours offer (a rule with no kinds offers every kind)."""
    offered = [rule.kinds for rule in AvailabilityRule.objects.filter(branch=branch, is_active=True).only("kinds")]
    return next((kind for kind in kinds if any(not rule_kinds or kind in rule_kinds for rule_kinds in offered)), None)


def closed_days(branch, first: date, last: date) -> set[date]:
    closures = Closure.objects.filter(branch=branch, start_date__lte=last).filter(
        Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
    )
    days = set()
    for closure in closures:
        day = max(closure.start_date, first)
        while day <= min(closure.last_day, last):
            days.add(day)
            day += timedelta(days=1)
    return days


def _usage(rules, appointments, zone) -> dict:
    """(rule id, local date, slot index) -> appointments holding it. ``appointments`` are rows of
    (start, end, kind, staff id, rule id, how many): bookings grouped by slot in the database."""
    by_id = {rule.pk: rule for rule in rules}
    used: dict = defaultdict(int)
    for start, end, kind, staff_id, rule_id, count in appointments:
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        if rule_id in by_id:
            holders = [by_id[rule_id]]
        else:  # booked outside the rules (or its rule was removed): it holds every rule it could be under
            holders = [rule for rule in rules if rule.serves(kind) and rule.staff_id in (None, staff_id)]
        for rule in holders:
            if local_start.weekday() != rule.weekday:
                continue
            opens, length = _minutes(rule.opens), rule.slot_minutes
            begin = _minutes(local_start.time())
            finish = _minutes(local_end.time()) if local_end.date() == local_start.date() else 24 * 60
            first = max(0, (begin - opens) // length)
            last = min(_slot_count(rule) - 1, -(-(finish - opens) // length) - 1)
            for index in range(first, last + 1):
                used[(rule.pk, local_start.date(), index)] += count
    return used


def holding(appointments):
    """Appointments grouped by what they hold: thousands of bookings are a few hundred slot rows."""
    return (
        appointments.order_by().values_list("start", "end", "kind", "staff_id", "rule_id").annotate(count=Count("id"))
    )


def free_slots(
    branch,
    kind: str,
    first: date,
    last: date,
    *,
    staff_id: int | None = None,
    now: datetime | None = None,
    exclude_appointment: int | None = None,
) -> list[Slot]:
    """Bookable slots from ``first`` to ``last`` (local dates of the branch), earliest first."""
    now = now or timezone.now()
    zone = branch_zone(branch)
    rules = rules_for(branch, kind, staff_id)
    if not rules or last < first:
        return []
    closed = closed_days(branch, first, last)
    range_start = datetime.combine(first, time.min).replace(tzinfo=zone)
    range_end = datetime.combine(last + timedelta(days=1), time.min).replace(tzinfo=zone)
    held = Appointment.objects.filter(
        branch=branch, status__in=HOLDING_STATUSES, start__lt=range_end, end__gt=range_start
    )
    if exclude_appointment is not None:
        held = held.exclude(pk=exclude_appointment)
    used = _usage(rules, holding(held), zone)

    slots: dict[tuple[datetime, datetime], list] = defaultdict(list)
    day = first
    while day <= last:
        if day not in closed:
            for rule in rules:
                if rule.weekday != day.weekday():
                    continue
                earliest = now + timedelta(minutes=rule.min_notice_minutes)
                for index in range(_slot_count(rule)):
                    begin = _minutes(rule.opens) + index * rule.slot_minutes
                    local = local_moment(day, time(begin // 60, begin % 60), zone)
                    if local is None:
                        continue
                    start = local.astimezone(UTC)  # in UTC: a wall time that happens twice compares exactly
                    if start < earliest:
                        continue
                    left = rule.capacity - used.get((rule.pk, day, index), 0)
                    if left > 0:
                        end = start + timedelta(minutes=rule.slot_minutes)
                        slots[(start, end)].append((rule.pk, rule.staff_id, left))
        day += timedelta(days=1)
    return [
        Slot(start=start, end=end, remaining=sum(r[2] for r in resources), resources=tuple(resources))
        for (start, end), resources in sorted(slots.items())
    ]


def slot_at(branch, kind: str, start: datetime, **options) -> Slot | None:
    """The free slot starting exactly at ``start``, if there is one."""
    day = start.astimezone(branch_zone(branch)).date()
    return next((slot for slot in free_slots(branch, kind, day, day, **options) if slot.start == start), None)


def nearest(branch, kind: str, wanted: datetime, *, within: timedelta, **options) -> list[Slot]:
    """Free slots within ``within`` of ``wanted``, the nearest first."""
    zone = branch_zone(branch)
    first = (wanted - within).astimezone(zone).date()
    last = (wanted + within).astimezone(zone).date()
    close = [s for s in free_slots(branch, kind, first, last, **options) if abs(s.start - wanted) <= within]
    return sorted(close, key=lambda s: (abs(s.start - wanted), s.start))
