"""Campaign KPIs (docs/kpis.md#campaign-leaderboard): recorded costs, and the leaderboard of campaigns over a period.

Each campaign row: calls dialled, connect and contact rates, appointments its calls booked, calls
per hour it was running (hours in which it dialled) and cost per appointment (provider cost plus
the expenses recorded against it).
"""

from decimal import Decimal

from django.db.models import Sum

from analytics.kpi import Filters, Period, Ratio
from analytics.metrics import appointments as appointment_metrics
from analytics.metrics import calls as call_metrics
from campaigns.models import Campaign, Expense


def expenses(filters: Filters, periods: list[Period]) -> list[Decimal]:
    """Recorded expenses per period (by their date), for the filters' branch or campaign."""
    rows = Expense.objects.filter(date__gte=min(p.first for p in periods), date__lte=max(p.last for p in periods))
    if filters.branch_id:
        rows = rows.filter(branch_id=filters.branch_id)
    if filters.campaign_id:
        rows = rows.filter(campaign_id=filters.campaign_id)
    if filters.agent_id or filters.staff_id:
        return [Decimal("0")] * len(periods)  # expenses are not per voice agent or staff member
    totals = dict(rows.order_by().values_list("date").annotate(total=Sum("amount")))
    return [sum((v for d, v in totals.items() if p.first <= d <= p.last), Decimal("0")) for p in periods]


def _expenses_by_campaign(filters: Filters) -> dict[int, Decimal]:
    period = filters.period
    rows = Expense.objects.filter(date__gte=period.first, date__lte=period.last, campaign__isnull=False)
    return dict(rows.order_by().values_list("campaign_id").annotate(total=Sum("amount")))


def leaderboard(filters: Filters) -> list[dict]:
    """Every campaign that dialled in the period, most appointments booked first."""
    by_campaign = call_metrics.per_campaign(filters)

    booked = appointment_metrics.booked_by_campaign(filters)
    spent = _expenses_by_campaign(filters)
    campaigns = {
        pk: (name, status)
        for pk, name, status in Campaign.objects.filter(pk__in=list(by_campaign)).values_list("pk", "name", "status")
    }
    rows = []
    for campaign_id, counts in by_campaign.items():
        appointments = booked.get(campaign_id, {"booked": 0, "attended": 0})
        cost = counts["cost"] + spent.get(campaign_id, Decimal("0"))
        rows.append(
            {
                "campaign_id": campaign_id,
                "name": campaigns.get(campaign_id, ("(deleted campaign)", ""))[0],
                "status": campaigns.get(campaign_id, ("", ""))[1],
                "dialled": counts["dialled"],
                "connect_rate": Ratio(counts["answered"], counts["dialled"]),
                "contact_rate": Ratio(counts["conversations"], counts["dialled"]),
                "appointments_booked": appointments["booked"],
                "appointments_attended": appointments["attended"],
                "calls_per_hour": Ratio(counts["dialled"], counts["active_hours"]),
                "cost": cost,
                "cost_per_appointment": Ratio(cost, appointments["booked"]),
            }
        )
    rows.sort(key=lambda row: (-row["appointments_booked"], -(row["connect_rate"].value or 0), row["name"]))
    return rows


def campaign_choices() -> list[tuple[int, str]]:
    return list(Campaign.objects.order_by("name").values_list("pk", "name"))
