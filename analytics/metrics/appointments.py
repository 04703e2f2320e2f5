"""Appointment KPIs (docs/kpis.md#show-rate): appointments booked, the show rate, today's appointments.

Bookings count by the day they were made (``created_at``), whatever happened to them later; the
show rate counts by the appointment's own day: attended ÷ (attended + no-shows).
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from analytics.kpi import Filters, Period, Ratio, period_bucket, spanning
from appointments import by_campaign
from appointments.models import Appointment, Status
from core import idsets
from core.idsets import IdSet


def scoped(filters: Filters):
    """Appointments of the filters' branch and staff member, or booked by a call of its campaign or agent."""
    appointments = Appointment.objects.all()
    if filters.branch_id:
        appointments = appointments.filter(branch_id=filters.branch_id)
    if filters.staff_id:
        appointments = appointments.filter(staff_id=filters.staff_id)
    if filters.campaign_id:
        appointments = appointments.filter(by_campaign.of(filters.campaign_id))
    if filters.agent_id:
        appointments = appointments.filter(call__agent_id=filters.agent_id)
    return appointments


def bookings(filters: Filters, periods: list[Period]) -> list[dict]:
    """Per period: appointments booked, and the ids of the leads they are for (an IdSet, for the
    appointment set rate: those leads that were also called in the period)."""
    found = idsets.grouped(
        scoped(filters).filter(spanning("created_at", periods)),
        period_bucket("created_at", periods),
        "lead_id",
        counts={"booked": Count("*")},
        lead_ids=None,
    )
    return [found.get(i, {"booked": 0, "lead_ids": IdSet()}) for i in range(len(periods))]


def attendance(filters: Filters, periods: list[Period]) -> list[dict]:
    """Per period, by the appointment's day: attended and no-shows."""
    counts = {}
    for i, period in enumerate(periods):
        on_its_day = period.contains("start")
        counts[f"attended_{i}"] = Count("start", filter=on_its_day & Q(status=Status.ATTENDED))
        counts[f"no_shows_{i}"] = Count("start", filter=on_its_day & Q(status=Status.NO_SHOW))
    found = (
        scoped(filters)
        .filter(spanning("start", periods), status__in=[Status.ATTENDED, Status.NO_SHOW])
        .aggregate(**counts)
    )
    return [{"attended": found[f"attended_{i}"], "no_shows": found[f"no_shows_{i}"]} for i in range(len(periods))]


def show_rate(counts: dict) -> Ratio:
    return Ratio(counts["attended"], counts["attended"] + counts["no_shows"])


def booked_by_campaign(filters: Filters) -> dict[int, dict]:
    """Appointments booked in the period by each campaign (appointments.by_campaign):
    {campaign id: {booked, attended}}."""
    return by_campaign.counts(scoped(filters).filter(filters.period.contains("created_at")))


def today(filters: Filters, limit: int = 50):
    """Today's appointments (the tenant's day), canceled ones left out, earliest first."""
    tz = filters.period.tz
    day = timezone.now().astimezone(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    rows = (
        scoped(filters)
        .filter(start__gte=start, start__lt=end)
        .exclude(status=Status.CANCELED)
        .select_related("lead", "branch", "staff")
        .order_by("start", "id")
    )
    return list(rows[:limit])
