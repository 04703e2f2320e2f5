"""Lead KPIs (kpis.md): speed to lead, the funnel and conversion.

Both are about the leads *created* in the period (a cohort): how fast the first call went out to
them, and how far each got along the pipeline. How far a lead got is the furthest step of its
stage history or its stage now, so a lead parked as a no-show still counts as booked.
"""

from datetime import timedelta
from statistics import median

from django.apps import apps
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from tenants.kpi import Filters, Period, Ratio, period_bucket, spanning

from .models import Lead, StageChange
from .pipeline import Stage

FAST_FIRST_CALL = timedelta(minutes=5)

# The funnel's steps and the stages that show a lead got that far (a no-show was booked first).
FUNNEL_STEPS = ["leads", "contacted", "booked", "attended", "won"]
_STEP_OF_STAGE = {Stage.CONTACTED: 1, Stage.BOOKED: 2, Stage.NO_SHOW: 2, Stage.ATTENDED: 3, Stage.WON: 4}


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
    (seconds, None when no lead was called)."""
    attempted = Q(first_contacted_at__isnull=False)
    rows = (
        scoped(filters)
        .filter(spanning("created_at", periods))
        .order_by()
        .values(bucket=period_bucket("created_at", periods))
        .annotate(
            new=Count("id"),
            attempted=Count("id", filter=attempted),
            fast=Count("id", filter=attempted & Q(first_contacted_at__lte=F("created_at") + FAST_FIRST_CALL)),
        )
    )
    found = {row.pop("bucket"): row for row in rows}
    medians = _median_waits(filters, periods)
    result = []
    for i in range(len(periods)):
        counts = found.get(i, {"new": 0, "attempted": 0, "fast": 0})
        result.append({**counts, "median_seconds": medians.get(i)})
    return result


def _median_waits(filters: Filters, periods: list[Period]) -> dict[int, float]:
    called = (
        scoped(filters)
        .filter(spanning("created_at", periods), first_contacted_at__isnull=False)
        .order_by()
        .values(bucket=period_bucket("created_at", periods))
    )
    if connection.vendor == "postgresql":
        rows = called.annotate(wait=_Median(_WAIT))
        return {row["bucket"]: max(row["wait"].total_seconds(), 0.0) for row in rows}
    waits: dict[int, list[float]] = {}
    for row in called.annotate(wait=_WAIT).values("bucket", "wait"):
        waits.setdefault(row["bucket"], []).append(max(row["wait"].total_seconds(), 0.0))
    return {bucket: median(values) for bucket, values in waits.items()}


def speed_figures(counts: dict) -> dict:
    return {
        "speed_to_lead_seconds": counts["median_seconds"],
        "called_within_5_minutes": Ratio(counts["fast"], counts["new"]),
    }


def _step(field: str) -> Case:
    return Case(
        *[When(**{field: stage}, then=Value(step)) for stage, step in _STEP_OF_STAGE.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def funnel(filters: Filters) -> dict[str, int]:
    """How many leads created in the period got to each step (each step counts those that went further)."""
    furthest_in_history = (
        StageChange.objects.filter(lead=OuterRef("pk"), to_stage__in=list(_STEP_OF_STAGE))
        .order_by()
        .values("lead")
        .annotate(step=Max(_step("to_stage")))
        .values("step")
    )
    reached = cohort(filters).annotate(
        reached=Greatest(_step("stage"), Coalesce(Subquery(furthest_in_history, output_field=IntegerField()), 0))
    )
    counts = reached.aggregate(
        leads=Count("id"), **{name: Count("id", filter=Q(reached__gte=n)) for n, name in enumerate(FUNNEL_STEPS) if n}
    )
    return {name: counts[name] for name in FUNNEL_STEPS}


def conversion(funnel_counts: dict[str, int]) -> dict[str, Ratio]:
    return {
        "conversion": Ratio(funnel_counts["won"], funnel_counts["leads"]),
        "conversion_of_attended": Ratio(funnel_counts["won"], funnel_counts["attended"]),
    }
