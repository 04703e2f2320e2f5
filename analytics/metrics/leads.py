"""Lead KPIs (docs/kpis.md#speed-to-lead, docs/kpis.md#conversion): speed to lead, the funnel and conversion.

Both are about the leads *created* in the period (a cohort): how fast the first call went out to
them, and how far each got along the pipeline. How far a lead got is the furthest step of its
stage history or its stage now (leads.funnel), so a lead parked as a no-show still counts as booked.
Speed to lead counts arrivals only: imported history (leads dated by their file) is left out of it
(leads.importing.history), while the funnel counts it on the day it was created.
"""

from datetime import timedelta
from statistics import median

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

from analytics.kpi import Filters, Period, Ratio, period_bucket, spanning
from calls.models import Call
from leads.funnel import reached_at_least
from leads.importing.history import arrivals
from leads.models import Lead
from leads.pipeline import FUNNEL_STEPS

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
        leads = leads.filter(Exists(Call.objects.filter(lead=OuterRef("pk"), agent_id=filters.agent_id)))
    return leads


def cohort(filters: Filters, period: Period | None = None):
    return scoped(filters).filter((period or filters.period).contains("created_at"))


_WAIT = ExpressionWrapper(F("first_contacted_at") - F("created_at"), output_field=DurationField())
_FAST = F("created_at") + FAST_FIRST_CALL


def cohorts(filters: Filters, periods: list[Period], *, speed: bool = True) -> list[dict]:
    """Per period, of the leads created in it: ``speed`` (of the arrivals, imported history left out: how many,
    how many were called, how many within 5 minutes, and the median wait in seconds, None when none was
    called) and ``funnel`` (how many got to each step; each step counts those that went further).

    One query, one pass over the periods' leads (on PostgreSQL an index-only scan of
    ``lead_tenant_created_kpi``): a count per period and figure, filtered, rather than a GROUP BY
    that would sort the rows first."""
    postgres = connection.vendor == "postgresql"
    aggregates = {}
    for i, period in enumerate(periods):
        created = period.contains("created_at")
        for n, step in enumerate(FUNNEL_STEPS):
            aggregates[f"{step}_{i}"] = Count("created_at", filter=created & reached_at_least(n) if n else created)
        if speed:
            arrived = created & arrivals()
            aggregates[f"arrived_{i}"] = Count("created_at", filter=arrived)
            aggregates[f"attempted_{i}"] = Count("first_contacted_at", filter=arrived)
            aggregates[f"fast_{i}"] = Count("created_at", filter=arrived & Q(first_contacted_at__lte=_FAST))
            if postgres:  # percentile_cont skips the never called (a null wait)
                aggregates[f"wait_{i}"] = _Median(_WAIT, filter=arrived)
    found = scoped(filters).filter(spanning("created_at", periods)).aggregate(**aggregates)
    medians = _median_waits_in_python(filters, periods) if speed and not postgres else {}
    result = []
    for i in range(len(periods)):
        cohort = {"funnel": {step: found[f"{step}_{i}"] for step in FUNNEL_STEPS}}
        if speed:
            wait = found.get(f"wait_{i}")
            cohort["speed"] = {
                "new": found[f"arrived_{i}"],
                "attempted": found[f"attempted_{i}"],
                "fast": found[f"fast_{i}"],
                "median_seconds": max(wait.total_seconds(), 0.0) if wait is not None else medians.get(i),
            }
        result.append(cohort)
    return result


def _median_waits_in_python(filters: Filters, periods: list[Period]) -> dict[int, float]:
    called = (
        scoped(filters)
        .filter(arrivals(), spanning("created_at", periods), first_contacted_at__isnull=False)
        .order_by()
        .annotate(bucket=period_bucket("created_at", periods), wait=_WAIT)
        .values_list("bucket", "wait")
    )
    waits: dict[int, list[float]] = {}
    for bucket, wait in called:
        waits.setdefault(bucket, []).append(max(wait.total_seconds(), 0.0))
    return {bucket: median(values) for bucket, values in waits.items()}


def funnels(filters: Filters, periods: list[Period]) -> list[dict[str, int]]:
    """Per period: how many leads created in it got to each step."""
    return [cohort["funnel"] for cohort in cohorts(filters, periods, speed=False)]


def funnel(filters: Filters) -> dict[str, int]:
    return funnels(filters, [filters.period])[0]


def conversion(funnel_counts: dict[str, int]) -> dict[str, Ratio]:
    return {
        "conversion": Ratio(funnel_counts["won"], funnel_counts["leads"]),
        "conversion_of_attended": Ratio(funnel_counts["won"], funnel_counts["attended"]),
    }
