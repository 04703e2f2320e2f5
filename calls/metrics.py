"""Call KPIs (kpis.md): connect and contact rates, handle time, calls per hour, peak concurrency,
opt-outs, the outcome mix, calls over time and the calls that need a person.

A call belongs to the day it was dialled (``dialed_at``, in the tenant's zone): calls the
compliance gate stopped before dialling are not "calls dialled". "Answered" means a person or their
voicemail picked up (the connect of kpis.md); a "conversation" is a live two-way one.
"""

from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from tenants.kpi import Filters, Period, Ratio, period_bucket, spanning

from .models import CONNECTED_OUTCOMES, CONVERSATION_OUTCOMES, Call, Outcome

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


def called_in(filters: Filters, period: Period, *, reached: bool = False) -> Exists:
    """True for a row whose ``lead_id`` was called in the period (``reached``: had a conversation in it);
    a correlated EXISTS, answered from the index on the call's lead."""
    calls = dialled(filters, period).filter(lead_id=OuterRef("lead_id"))
    return Exists(calls.filter(CONVERSATION) if reached else calls)


def summary(filters: Filters, periods: list[Period]) -> list[dict]:
    """The counts behind the call KPIs, one dict per period, in one pass over the calls."""
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
            talk_seconds=Sum("duration_seconds", filter=ANSWERED, default=0),
            opt_outs=Count("dialed_at", filter=Q(outcome=Outcome.DNC_REQUESTED)),
            cost=Sum("cost", default=Decimal("0")),
            active_hours=Count(TruncHour("dialed_at", tzinfo=tz), distinct=True),
            leads_worked=Count("lead_id", distinct=True),
            leads_reached=Count("lead_id", distinct=True, filter=CONVERSATION),
        )
    )
    empty = dict.fromkeys(("dialled", "answered", "conversations", "talk_seconds", "opt_outs", "active_hours"), 0) | {
        "cost": Decimal("0"),
        "leads_worked": 0,
        "leads_reached": 0,
    }
    found = {row.pop("bucket"): row for row in rows}
    return [found.get(i, empty) for i in range(len(periods))]


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
    """The most calls on the line at once in the period (a call counts from dialled until it ended;
    one still going counts until now). A call ending as another starts does not overlap it."""
    calls = dialled(filters).order_by().values("dialed_at", "ended_at")
    inner, params = calls.query.sql_with_params()
    # Each call is +1 when dialled and -1 when it ended; the running sum is the number on the line.
    sql = f"""
        SELECT COALESCE(MAX(level), 0) FROM (
            SELECT SUM(delta) OVER (ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS level FROM (
                SELECT dialed_at AS at, 1 AS delta FROM ({inner}) AS c
                UNION ALL
                SELECT COALESCE(ended_at, %s), -1 FROM ({inner}) AS c
            ) AS moments
        ) AS levels
    """  # both parts are Django's own compiled SQL, with parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, timezone.now(), *params])
        return int(cursor.fetchone()[0] or 0)


def outcome_mix(filters: Filters) -> dict[str, int]:
    """Calls dialled in the period per outcome, most first (``in_progress``: not ended yet)."""
    rows = dialled(filters).order_by().values("outcome").annotate(n=Count("*"))
    mix = {(row["outcome"] or NO_OUTCOME): row["n"] for row in rows}
    return dict(sorted(mix.items(), key=lambda item: (-item[1], item[0])))


def over_time(filters: Filters) -> dict:
    """Calls dialled per local day and outcome: ``{"days": [...], "outcomes": {outcome: [n per day]}}``,
    every day of the period present (zero when nothing was dialled)."""
    period = filters.period
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
