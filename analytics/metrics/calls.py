"""Call KPIs (docs/kpis.md): connect and contact rates, handle time, calls per hour, peak concurrency,
opt-outs, the outcome mix, calls over time and the calls that need a person.

A call belongs to the day it was dialled (``dialed_at``, in the tenant's zone): calls the
compliance gate stopped before dialling are not "calls dialled". "Answered" means a person or their
voicemail picked up (docs/kpis.md#connect-rate); a "conversation" is a live two-way one.

The figures are read from the day rollups (calls.rollups), made current first; filtered by a staff
member (the lead's owner, which the rollups do not keep), they are read from the calls themselves.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from analytics.kpi import Filters, Period, Ratio, day_bucket, period_bucket, spanning
from calls import rollups
from calls.models import CONNECTED_OUTCOMES, CONVERSATION_OUTCOMES, Call, CallDayScope, CallDayTotal, Outcome, PeakScope
from core import idsets
from core.idsets import IdSet

NO_OUTCOME = "in_progress"  # the outcome mix's name for calls dialled that have not ended yet
ANSWERED = Q(outcome__in=CONNECTED_OUTCOMES)
CONVERSATION = Q(outcome__in=CONVERSATION_OUTCOMES)


def scoped(filters: Filters):
    """Calls of the filters' branch, campaign, voice agent and staff member (the lead's owner), any time."""
    calls = Call.objects.all()
    if filters.branch_id:
        calls = calls.filter(branch_id=filters.branch_id)
    if filters.campaign_id:
        calls = calls.filter(campaign_id=filters.campaign_id)
    if filters.agent_id:
        calls = calls.filter(agent_id=filters.agent_id)
    if filters.staff_id:
        calls = calls.filter(lead__owner_id=filters.staff_id)
    return calls


def dialled(filters: Filters, period: Period | None = None):
    return scoped(filters).filter((period or filters.period).contains("dialed_at"))


def _rolled(filters: Filters) -> bool:
    return not filters.staff_id


def _ensure(periods: list[Period]) -> None:
    """Make the rollups of the periods' days current."""
    rollups.ensure([day for period in periods for day in period.dates()], periods[0].zone)


def _totals(filters: Filters, periods: list[Period]):
    """The rollup rows of the periods' days and the filters, made current first."""
    _ensure(periods)
    rows = CallDayTotal.objects.filter(day__gte=min(p.first for p in periods), day__lte=max(p.last for p in periods))
    for field in rollups.DIMENSIONS.values():
        if getattr(filters, field):
            rows = rows.filter(**{field: getattr(filters, field)})
    return rows


def _scope(filters: Filters) -> tuple[str, int] | None:
    """The rollup scope of the filters: all calls, or one branch, campaign or voice agent (None: the
    filters combine several, which the per-scope rollups cannot answer)."""
    if filters.staff_id:
        return None
    chosen = [
        (scope, getattr(filters, field)) for scope, field in rollups.DIMENSIONS.items() if getattr(filters, field)
    ]
    if len(chosen) > 1:
        return None
    return chosen[0] if chosen else (PeakScope.ALL, 0)


def leads_called(filters: Filters, periods: list[Period]) -> list[tuple[IdSet, IdSet]]:
    """Per period: the ids of the leads called in it, and of those reached (a conversation)."""
    scope = _scope(filters)
    if scope is not None:
        _ensure(periods)
        rows = CallDayScope.objects.filter(
            scope=scope[0],
            scope_id=scope[1],
            day__gte=min(p.first for p in periods),
            day__lte=max(p.last for p in periods),
        ).values_list("day", "leads_worked", "leads_reached")
        days = [(day, idsets.unpack(worked), idsets.unpack(reached)) for day, worked, reached in rows]
        return [
            (
                idsets.union(worked for day, worked, _ in days if period.first <= day <= period.last),
                idsets.union(reached for day, _, reached in days if period.first <= day <= period.last),
            )
            for period in periods
        ]
    found = idsets.grouped(
        scoped(filters).filter(spanning("dialed_at", periods)),
        period_bucket("dialed_at", periods),
        "lead_id",
        worked=None,
        reached=CONVERSATION,
    )
    return [
        (found[i]["worked"], found[i]["reached"]) if i in found else (IdSet(), IdSet()) for i in range(len(periods))
    ]


_COUNTS = ("dialled", "answered", "conversations", "talk_seconds", "opt_outs")


def summary(filters: Filters, periods: list[Period], leads: list[tuple[set, set]] | None = None) -> list[dict]:
    """The counts behind the call KPIs, one dict per period (``leads``: what ``leads_called`` gave)."""
    if _rolled(filters):
        totals = _totals(filters, periods)
        rows = (
            totals.order_by()
            .values(bucket=day_bucket("day", periods))
            .annotate(
                dialled=Sum("calls"),
                answered=Sum("calls", filter=ANSWERED),
                conversations=Sum("calls", filter=CONVERSATION),
                talk_seconds=Sum("talk_seconds", filter=ANSWERED),
                opt_outs=Sum("calls", filter=Q(outcome=Outcome.DNC_REQUESTED)),
                cost=Sum("cost"),
            )
        )
        hours = defaultdict(int)
        for (day,), mask in rollups.hours_by(totals).items():
            for i, period in enumerate(periods):
                if period.first <= day <= period.last:
                    hours[i] += mask.bit_count()
    else:
        tz = periods[0].tz
        rows = (
            scoped(filters)
            .filter(spanning("dialed_at", periods))
            .order_by()
            .values(bucket=period_bucket("dialed_at", periods))
            .annotate(
                dialled=Count("*"),
                answered=Count("dialed_at", filter=ANSWERED),
                conversations=Count("dialed_at", filter=CONVERSATION),
                talk_seconds=Sum("duration_seconds", filter=ANSWERED),
                opt_outs=Count("dialed_at", filter=Q(outcome=Outcome.DNC_REQUESTED)),
                cost=Sum("cost"),
                active_hours=Count(TruncHour("dialed_at", tzinfo=tz), distinct=True),
            )
        )
        hours = None
    found = {row.pop("bucket"): row for row in rows}
    leads = leads if leads is not None else leads_called(filters, periods)
    result = []
    for i in range(len(periods)):
        row = found.get(i, {})
        counts = {name: row.get(name) or 0 for name in _COUNTS}
        counts["cost"] = row.get("cost") or Decimal("0")
        counts["active_hours"] = hours.get(i, 0) if hours is not None else row.get("active_hours", 0)
        counts["leads_worked"], counts["leads_reached"] = len(leads[i][0]), len(leads[i][1])
        result.append(counts)
    return result


def per_campaign(filters: Filters) -> dict[int, dict]:
    """Per campaign that dialled in the period: calls dialled, answered, conversations, cost, and the
    hours in which it dialled."""
    period = filters.period
    if _rolled(filters):
        rows = _totals(filters, [period]).filter(campaign_id__isnull=False)
        counted = (
            rows.order_by()
            .values("campaign_id")
            .annotate(  # a filtered sum over no rows is NULL: none answered is 0, not None
                dialled=Sum("calls", default=0),
                answered=Sum("calls", filter=ANSWERED, default=0),
                conversations=Sum("calls", filter=CONVERSATION, default=0),
                cost=Sum("cost", default=Decimal("0")),
            )
        )
        by_campaign = {row.pop("campaign_id"): row | {"active_hours": 0} for row in counted}
        for (campaign_id, _day), mask in rollups.hours_by(rows, "campaign_id").items():
            by_campaign[campaign_id]["active_hours"] += mask.bit_count()
        return by_campaign
    counted = (
        dialled(filters)
        .filter(campaign_id__isnull=False)
        .order_by()
        .values("campaign_id")
        .annotate(
            dialled=Count("*"),
            answered=Count("dialed_at", filter=ANSWERED),
            conversations=Count("dialed_at", filter=CONVERSATION),
            cost=Sum("cost", default=Decimal("0")),
            active_hours=Count(TruncHour("dialed_at", tzinfo=period.tz), distinct=True),
        )
    )
    return {row.pop("campaign_id"): row for row in counted}


def figures(counts: dict) -> dict[str, Ratio]:
    """The call KPIs from one period's counts."""
    return {
        "connect_rate": Ratio(counts["answered"], counts["dialled"]),
        "contact_rate": Ratio(counts["conversations"], counts["dialled"]),
        "lead_contact_rate": Ratio(counts["leads_reached"], counts["leads_worked"]),
        "average_handle_time": Ratio(counts["talk_seconds"], counts["answered"]),
        "calls_per_hour": Ratio(counts["dialled"], counts["active_hours"]),
        "opt_out_rate": Ratio(counts["opt_outs"], counts["answered"]),
    }


def peak_concurrency(filters: Filters) -> int:
    """The most calls on the line at once during the period (a call counts from dialled until it
    ended, one still going until now, and on its own day and the next only: calls.rollups). A call
    ending as another starts does not overlap it."""
    period = filters.period
    scope = _scope(filters)
    if scope is not None:
        _ensure([period])
        days = CallDayScope.objects.filter(
            scope=scope[0], scope_id=scope[1], day__gte=period.first, day__lte=period.last
        )
        return days.aggregate(peak=Max("peak"))["peak"] or 0
    with_day_before = Period(period.first - timedelta(days=1), period.last, period.zone)
    calls = (
        scoped(filters).filter(with_day_before.contains("dialed_at")).order_by().values_list("dialed_at", "ended_at")
    )
    return rollups.peak_of_calls(calls, period.first, period.last, period.tz, timezone.now())


def outcome_mix(filters: Filters) -> dict[str, int]:
    """Calls dialled in the period per outcome, most first (``in_progress``: not ended yet)."""
    if _rolled(filters):
        rows = _totals(filters, [filters.period]).order_by().values("outcome").annotate(n=Sum("calls"))
    else:
        rows = dialled(filters).order_by().values("outcome").annotate(n=Count("*"))
    mix = {(row["outcome"] or NO_OUTCOME): row["n"] for row in rows}
    return dict(sorted(mix.items(), key=lambda item: (-item[1], item[0])))


def over_time(filters: Filters) -> dict:
    """Calls dialled per local day and outcome: ``{"days": [...], "outcomes": {outcome: [n per day]}}``,
    every day of the period present (zero when nothing was dialled)."""
    period = filters.period
    if _rolled(filters):
        rows = _totals(filters, [period]).order_by().values("outcome", "day").annotate(n=Sum("calls"))
    else:
        rows = (
            dialled(filters)
            .order_by()
            .values("outcome", day=TruncDate("dialed_at", tzinfo=period.tz))
            .annotate(n=Count("*"))
        )
    days = period.dates()
    index = {day: i for i, day in enumerate(days)}
    series: dict[str, list[int]] = {}
    for row in rows:
        outcome = row["outcome"] or NO_OUTCOME
        series.setdefault(outcome, [0] * len(days))[index[row["day"]]] += row["n"]
    ordered = sorted(series, key=lambda outcome: -sum(series[outcome]))
    return {"days": days, "outcomes": {outcome: series[outcome] for outcome in ordered}}


def needs_attention(filters: Filters, limit: int = 50):
    """Calls flagged for a person and not resolved yet, newest first, whatever the period: they need
    someone now. Returns (the first ``limit`` calls, how many there are)."""
    open_calls = scoped(filters).filter(needs_attention=True, resolved_at__isnull=True)
    total = open_calls.count()
    rows = list(open_calls.select_related("lead", "campaign").order_by("-created_at", "-id")[:limit])
    return rows, total
