"""The week calendar of a branch, laid out for the admin template: days as columns, hours as rows, each
appointment a block placed by its time (in the branch's zone), side by side where they overlap."""

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from .availability import branch_zone, closed_days
from .models import Appointment, AvailabilityRule

PX_PER_HOUR = 72  # a 30-minute block holds two lines of text
KIND_COLOURS = {
    "tour": "#2563eb",
    "trial_class": "#7c3aed",
    "consultation": "#0d9488",
    "service": "#d97706",
    "test_drive": "#16a34a",
    "other": "#6b7280",
}


def week_of(raw: str | None, branch) -> date:
    """The Monday of the week asked for (``YYYY-MM-DD``), else of this week in the branch's zone."""
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    if day is None:
        day = timezone.now().astimezone(branch_zone(branch)).date() if branch else timezone.localdate()
    return day - timedelta(days=day.weekday())


def _hours(branch, appointments, zone) -> tuple[int, int]:
    rules = list(AvailabilityRule.objects.filter(branch=branch, is_active=True).values_list("opens", "closes"))
    first = min([o.hour for o, _ in rules], default=8)
    last = max([c.hour + (1 if c.minute else 0) for _, c in rules], default=20)
    for appointment in appointments:
        local_start, local_end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
        first = min(first, local_start.hour)
        last = max(last, min(24, local_end.hour + (1 if local_end.minute else 0)))
    return first, max(last, first + 1)


def _lanes(items: list[dict]) -> None:
    """Overlapping blocks share the day's column: each gets a lane, as wide as its cluster allows."""
    items.sort(key=lambda i: (i["start"], i["end"]))
    cluster: list[dict] = []
    lane_ends: list[int] = []
    cluster_end = 0

    def close():
        for member in cluster:
            member["width"] = 100 / len(lane_ends)
            member["left"] = member["lane"] * member["width"]

    for item in items:
        if cluster and item["start"] >= cluster_end:
            close()
            cluster, lane_ends = [], []
        lane = next((i for i, end in enumerate(lane_ends) if end <= item["start"]), None)
        if lane is None:
            lane_ends.append(item["end"])
            lane = len(lane_ends) - 1
        else:
            lane_ends[lane] = item["end"]
        item["lane"] = lane
        cluster_end = max(cluster_end, item["end"]) if cluster else item["end"]
        cluster.append(item)
    if cluster:
        close()


def _focus(asked: str | None, monday: date, today: date) -> date:
    """The day a phone shows (the week as one day, docs/architecture.md#phones): the day asked for, else today
    if it is in this week, else the Monday."""
    try:
        day = date.fromisoformat(asked) if asked else None
    except ValueError:
        day = None
    for candidate in (day, today):
        if candidate is not None and monday <= candidate < monday + timedelta(days=7):
            return candidate
    return monday


def build(branch, monday: date, asked_day: str | None = None) -> dict:
    zone = branch_zone(branch)
    sunday = monday + timedelta(days=6)
    week_start = datetime.combine(monday, time.min).replace(tzinfo=zone)
    week_end = datetime.combine(sunday + timedelta(days=1), time.min).replace(tzinfo=zone)
    appointments = list(
        Appointment.objects.filter(branch=branch, start__lt=week_end, end__gt=week_start)
        .select_related("lead", "staff")
        .order_by("start")
    )
    first_hour, last_hour = _hours(branch, appointments, zone)
    closed = closed_days(branch, monday, sunday)
    today = timezone.now().astimezone(zone).date()
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        items = []
        for appointment in appointments:
            local_start, local_end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
            if local_start.date() != day:
                continue
            top = (local_start.hour - first_hour) * 60 + local_start.minute
            minutes = max(15, int((appointment.end - appointment.start).total_seconds() // 60))
            who = appointment.lead.full_name or appointment.lead.phone if appointment.lead_id else "(erased)"
            items.append(
                {
                    "start": top,
                    "end": top + minutes,
                    "top": top * PX_PER_HOUR / 60,
                    "height": minutes * PX_PER_HOUR / 60 - 2,
                    "short": minutes < 45,  # one line: the name first, cut with "…", never mid-letter
                    "colour": KIND_COLOURS.get(appointment.kind, "#6b7280"),
                    "title": who,
                    "time": f"{local_start:%H:%M}" if minutes < 45 else f"{local_start:%H:%M}–{local_end:%H:%M}",
                    "kind": appointment.get_kind_display(),
                    "staff": str(appointment.staff.get_full_name() or appointment.staff.email)
                    if appointment.staff
                    else "",
                    "status": appointment.status,
                    "status_label": appointment.get_status_display(),
                    "url": reverse("admin:appointments_appointment_change", args=[appointment.pk]),
                }
            )
        _lanes(items)
        days.append(
            {"date": day, "is_today": day == today, "closed": day in closed, "bookable": day >= today, "items": items}
        )
    focus = _focus(asked_day, monday, today)
    for day in days:
        day["is_focus"] = day["date"] == focus
    return {
        "focus": focus,
        "previous_day": (focus - timedelta(days=1)).isoformat(),
        "next_day": (focus + timedelta(days=1)).isoformat(),
        "days": days,
        "hours": [f"{h:02d}:00" for h in range(first_hour, last_hour)],
        "height": (last_hour - first_hour) * PX_PER_HOUR,
        "hour_px": PX_PER_HOUR,
        "monday": monday,
        "previous": (monday - timedelta(days=7)).isoformat(),
        "next": (monday + timedelta(days=7)).isoformat(),
        "this_week": (today - timedelta(days=today.weekday())).isoformat(),
        "count": len(appointments),
    }
