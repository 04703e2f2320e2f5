"""Appointments booked by a campaign: the one definition every screen and report counts (docs/kpis.md,
"Booked by a campaign"). An appointment belongs to a campaign when the call that booked it was one of the
campaign's calls, whatever happened to the appointment later. A call that ended "appointment booked"
without an appointment (the time was taken; it was flagged for a person) books nothing."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Appointment, Status

CAMPAIGN = "call__campaign"


def of(campaign) -> Q:
    """The condition on appointments for those booked by ``campaign`` (a Campaign, its key or an OuterRef)."""
    return Q(**{CAMPAIGN: campaign})


def count(campaign) -> int:
    return Appointment.objects.filter(of(campaign)).count()


def counts(appointments) -> dict[int, dict]:
    """{campaign key: {booked, attended}} over ``appointments`` (an Appointment queryset)."""
    rows = (
        appointments.filter(**{f"{CAMPAIGN}__isnull": False})
        .order_by()
        .values(f"{CAMPAIGN}_id")
        .annotate(booked=Count("id"), attended=Count("id", filter=Q(status=Status.ATTENDED)))
    )
    return {row.pop(f"{CAMPAIGN}_id"): row for row in rows}


def per_row(outer: str = "pk"):
    """An annotation for a list of campaigns: how many appointments each one booked (one subquery per row)."""
    rows = Appointment.all_tenants.filter(of(OuterRef(outer))).order_by().values(CAMPAIGN)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)
