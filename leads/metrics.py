"""Lead KPIs (kpis.md): speed to lead, the funnel and conversion.

Both are about the leads *created* in the period (a cohort): how fast the first call went out to
them, and how far each got along the pipeline. How far a lead got is the furthest step of its
stage history or its stage now (leads.funnel), so a lead parked as a no-show still counts as booked.
"""

from datetime import timedelta
from statistics import median

from django.apps import apps
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)

from tenants.kpi import Filters, Period, Ratio, period_bucket, spanning

from .funnel import reached
from .models import Lead
from .pipeline import FUNNEL_STEPS

FAST_FIRST_CALL = timedelta(minutes=5)


class _Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``; other databases compute the median in Python."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def scoped(filters: Filters):
    """Leads of the filters' branch and owner, called by its campaign or voice agent; any time."""
    leads = Lead.objects.all()
    if filters.branch_id:
        leads = leads.filter(branch_id=filters.branch_id)
    if filters.staff_id:
        leads = leads.filter(owner_id=filters.staff_id)
    if filters.campaign_id:
        leads = leads.filter(campaign_targets__campaign_id=filters.campaign_id)
    if filters.agent_id:
        Call = apps.get_model("calls", "Call")
        leads = leads.filter(Exists(Call.objects.filter(lead=OuterRef("pk"), agent_id=filters.agent_id)))
    return leads


def cohort(filters: Filters, period: Period | None = None):
    return scoped(filters).filter((period or filters.period).contains("created_at"))


_WAIT = ExpressionWrapper(F("first_contacted_at") - F("created_at"), output_field=DurationField())


def speed_to_lead(filters: Filters, periods: list[Period]) -> list[dict]:
    """Per period: new leads, how many were called, how many within 5 minutes, and the median wait
    (seconds, None when no lead was called). One query on PostgreSQL."""
    postgres = connection.vendor == "postgresql"
    rows = (
        scoped(filters)
        .filter(spanning("created_at", periods))
        .order_by()
        .values(bucket=period_bucket("created_at", periods))
        .annotate(
            new=Count("id"),
            attempted=Count("first_contacted_at"),
            fast=Count("id", filter=Q(first_contacted_at__lte=F("created_at") + FAST_FIRST_CALL)),
            **({"wait": _Median(_WAIT)} if postgres else {}),  # percentile_cont skips the never called
        )
    )
    found = {row.pop("bucket"): row for row in rows}
    medians = {} if postgres else _median_waits_in_python(filters, periods)
    result = []
    for i in range(len(periods)):
        counts = found.get(i, {"new": 0, "attempted": 0, "fast": 0, "wait": None})
        wait = counts.pop("wait", None)
        seconds = max(wait.total_seconds(), 0.0) if wait is not None else medians.get(i)
        result.append({**counts, "median_seconds": seconds})
    return result


def _median_waits_in_python(filters: Filters, periods: list[Period]) -> dict[int, float]:
    called = (
        scoped(filters)
        .filter(spanning("created_at", periods), first_contacted_at__isnull=False)
        .order_by()
        .annotate(bucket=period_bucket("created_at", periods), wait=_WAIT)
        .values_list("bucket", "wait")
    )
    waits: dict[int, list[float]] = {}
    for bucket, wait in called:
        waits.setdefault(bucket, []).append(max(wait.total_seconds(), 0.0))
    return {bucket: median(values) for bucket, values in waits.items()}


def speed_figures(counts: dict) -> dict:
    return {
        "speed_to_lead_seconds": counts["median_seconds"],
        "called_within_5_minutes": Ratio(counts["fast"], counts["new"]),
    }


def funnels(filters: Filters, periods: list[Period]) -> list[dict[str, int]]:
    """Per period: how many leads created in it got to each step (each step counts those that went
    further). One query over the leads: how far each got is kept on it (leads.funnel)."""
    rows = (
        scoped(filters)
        .filter(spanning("created_at", periods))
        .order_by()
        .values(bucket=period_bucket("created_at", periods), reached=reached())
        .annotate(n=Count("*"))
    )
    result = [dict.fromkeys(FUNNEL_STEPS, 0) for _ in periods]
    for row in rows:
        if row["bucket"] < 0:
            continue
        for n, name in enumerate(FUNNEL_STEPS):
            if row["reached"] >= n:
                result[row["bucket"]][name] += row["n"]
    return result


def funnel(filters: Filters) -> dict[str, int]:
    return funnels(filters, [filters.period])[0]


def conversion(funnel_counts: dict[str, int]) -> dict[str, Ratio]:
    return {
        "conversion": Ratio(funnel_counts["won"], funnel_counts["leads"]),
        "conversion_of_attended": Ratio(funnel_counts["won"], funnel_counts["attended"]),
    }
