"""The reports the dashboard, the API, the CSV exports and the daily email show, as plain JSON-ready
dicts (so they cache and serialise as they are). Each is computed from the rooms' ``metrics.py``;
``report(name, filters)`` returns it through the cache.

A figure is ``{"value", "numerator", "denominator", "unit"}``: ratios carry both terms (value None
when the denominator is 0: no data), counts carry the count as numerator and no denominator, the
speed-to-lead median carries the number of leads it is the median of as denominator.
"""

from decimal import Decimal

from django.utils import timezone

from analytics.kpi import Filters, Period, Ratio
from analytics.metrics import appointments as appointment_metrics
from analytics.metrics import calls as call_metrics
from analytics.metrics import campaigns as campaign_metrics
from analytics.metrics import leads as lead_metrics
from calls.models import Outcome
from campaigns.models import Campaign
from core import public_ids
from core.formats import currency, money, timestamp
from leads.models import Lead
from leads.services import stage_labels

from .cache import cached

PERCENT, SECONDS, MONEY, COUNT, PER_HOUR = "percent", "seconds", "money", "count", "per_hour"

# The overview's figures in the order the dashboard shows them: key -> (label, unit).
FIGURES = {
    "calls_dialled": ("Calls dialled", COUNT),
    "connect_rate": ("Connect rate", PERCENT),
    "contact_rate": ("Contact rate", PERCENT),
    "lead_contact_rate": ("Leads reached", PERCENT),
    "appointments_booked": ("Appointments booked", COUNT),
    "appointment_set_rate": ("Appointment set rate", PERCENT),
    "appointment_set_rate_of_reached": ("Set rate of leads reached", PERCENT),
    "show_rate": ("Show rate", PERCENT),
    "conversion": ("Conversion", PERCENT),
    "conversion_of_attended": ("Conversion of attended", PERCENT),
    "cost": ("Cost", MONEY),
    "cost_per_appointment": ("Cost per appointment", MONEY),
    "cost_per_show": ("Cost per show", MONEY),
    "average_handle_time": ("Average handle time", SECONDS),
    "calls_per_hour": ("Calls per hour", PER_HOUR),
    "peak_concurrency": ("Peak concurrent calls", COUNT),
    "opt_out_rate": ("Opt-out rate", PERCENT),
    "speed_to_lead": ("Speed to lead (median)", SECONDS),
    "called_within_5_minutes": ("Called within 5 minutes", PERCENT),
    "needs_attention": ("Needs attention", COUNT),
}
# Figures that only make sense now (not compared with the previous period).
CURRENT_ONLY = {"peak_concurrency", "needs_attention"}
# Lower is better: a rise shows red on the dashboard.
LOWER_IS_BETTER = {
    "cost",
    "cost_per_appointment",
    "cost_per_show",
    "opt_out_rate",
    "speed_to_lead",
    "needs_attention",
}


def _period(period: Period) -> dict:
    return {"from": period.first.isoformat(), "to": period.last.isoformat(), "time_zone": period.zone}


def _ratio(ratio: Ratio, unit: str) -> dict:
    figure = {**ratio.as_dict(), "unit": unit}
    if unit == MONEY:  # an amount per something: a decimal string, like every amount
        figure["value"] = None if ratio.value is None else money(Decimal(ratio.numerator) / Decimal(ratio.denominator))
        figure["currency"] = currency()
    return figure


def _count(value, unit: str = COUNT) -> dict:
    if unit == MONEY:
        return {
            "value": money(value),
            "numerator": money(value),
            "denominator": None,
            "unit": unit,
            "currency": currency(),
        }
    return {"value": value, "numerator": value, "denominator": None, "unit": unit}


def _figures_of(filters: Filters, periods: list[Period]) -> list[dict]:
    """Every comparable figure for each period (one query per room, all periods at once)."""
    leads = call_metrics.leads_called(filters, periods)
    calls = call_metrics.summary(filters, periods, leads)
    cohorts = lead_metrics.cohorts(filters, periods)
    booked = appointment_metrics.bookings(filters, periods)
    shows = appointment_metrics.attendance(filters, periods)
    spent = campaign_metrics.expenses(filters, periods)
    result = []
    for i in range(len(periods)):
        c, b, a = calls[i], booked[i], shows[i]
        s, funnel = cohorts[i]["speed"], cohorts[i]["funnel"]
        worked, reached = leads[i]
        cost = c["cost"] + spent[i]
        figures = {k: _ratio(v, _unit(k)) for k, v in call_metrics.figures(c).items()}
        figures |= {k: _ratio(v, PERCENT) for k, v in lead_metrics.conversion(funnel).items()}
        figures |= {
            "calls_dialled": _count(c["dialled"]),
            "appointments_booked": _count(b["booked"]),
            "appointment_set_rate": _ratio(Ratio(b["lead_ids"].intersection_cardinality(worked), len(worked)), PERCENT),
            "appointment_set_rate_of_reached": _ratio(
                Ratio(b["lead_ids"].intersection_cardinality(reached), len(reached)), PERCENT
            ),
            "show_rate": _ratio(appointment_metrics.show_rate(a), PERCENT),
            "cost": _count(cost, MONEY),
            "cost_per_appointment": _ratio(Ratio(cost, b["booked"]), MONEY),
            "cost_per_show": _ratio(Ratio(cost, a["attended"]), MONEY),
            "speed_to_lead": {
                "value": None if s["median_seconds"] is None else round(s["median_seconds"]),
                "numerator": None,
                "denominator": s["attempted"],
                "unit": SECONDS,
            },
            "called_within_5_minutes": _ratio(Ratio(s["fast"], s["new"]), PERCENT),
        }
        result.append(figures)
    return result


def _unit(key: str) -> str:
    return FIGURES[key][1]


def _change(key: str, current: dict, previous: dict) -> dict | None:
    now, before = current["value"], previous["value"]
    if now is None or before is None:
        return None
    now, before = float(now), float(before)
    relative = None if before == 0 else round((now - before) / abs(before), 4)
    return {"absolute": round(now - before, 4), "relative": relative, "better": _better(key, now, before)}


def _better(key: str, now: float, before: float) -> bool | None:
    if now == before:
        return None
    return (now < before) if key in LOWER_IS_BETTER else (now > before)


def overview(filters: Filters) -> dict:
    period, previous = filters.period, filters.period.previous()
    current, before = _figures_of(filters, [period, previous])
    _, open_count = call_metrics.needs_attention(filters, limit=0)
    current["peak_concurrency"] = _count(call_metrics.peak_concurrency(filters))
    current["needs_attention"] = _count(open_count)
    figures = {}
    for key, (label, _unit_name) in FIGURES.items():
        figure = {**current[key], "label": label}
        if key not in CURRENT_ONLY:
            figure["previous"] = {k: before[key][k] for k in ("value", "numerator", "denominator") if k in before[key]}
            figure["change"] = _change(key, current[key], before[key])
        figures[key] = figure
    return {
        "period": _period(period),
        "previous_period": _period(previous),
        "figures": figures,
        "generated_at": timestamp(timezone.now()),
    }


def calls_over_time(filters: Filters) -> dict:
    data = call_metrics.over_time(filters)
    labels = dict(Outcome.choices) | {call_metrics.NO_OUTCOME: "In progress"}
    return {
        "period": _period(filters.period),
        "days": [day.isoformat() for day in data["days"]],
        "series": [
            {"outcome": outcome, "label": labels.get(outcome, outcome), "counts": counts, "total": sum(counts)}
            for outcome, counts in data["outcomes"].items()
        ],
    }


def outcomes(filters: Filters) -> dict:
    mix = call_metrics.outcome_mix(filters)
    total = sum(mix.values())
    labels = dict(Outcome.choices) | {call_metrics.NO_OUTCOME: "In progress"}
    return {
        "period": _period(filters.period),
        "total": total,
        "outcomes": [
            {"outcome": outcome, "label": labels.get(outcome, outcome), **Ratio(count, total).as_dict()}
            for outcome, count in mix.items()
        ],
    }


def funnel(filters: Filters) -> dict:
    """The funnel, its steps named in the business's words (its pipeline settings, else its vertical's)."""
    counts = lead_metrics.funnel(filters)
    labels = stage_labels()
    names = {"leads": "Leads", **{step: labels[step] for step in lead_metrics.FUNNEL_STEPS[1:]}}
    steps = []
    for i, step in enumerate(lead_metrics.FUNNEL_STEPS):
        previous = counts[lead_metrics.FUNNEL_STEPS[i - 1]] if i else counts["leads"]
        steps.append(
            {
                "step": step,
                "label": names[step],
                "count": counts[step],
                "of_leads": Ratio(counts[step], counts["leads"]).as_dict(),
                "of_previous_step": Ratio(counts[step], previous).as_dict(),
            }
        )
    return {"period": _period(filters.period), "steps": steps}


def campaigns(filters: Filters) -> dict:
    rows = []
    for row in campaign_metrics.leaderboard(filters):
        rows.append(
            {
                "campaign_id": public_ids.encode(Campaign, row["campaign_id"]),
                **{k: row[k] for k in ("name", "status", "dialled")},
                "connect_rate": row["connect_rate"].as_dict(),
                "contact_rate": row["contact_rate"].as_dict(),
                "appointments_booked": row["appointments_booked"],
                "appointments_attended": row["appointments_attended"],
                "calls_per_hour": row["calls_per_hour"].as_dict(2),
                "cost": money(row["cost"]),
                "cost_per_appointment": _ratio(row["cost_per_appointment"], MONEY),
                "currency": currency(),
            }
        )
    return {"period": _period(filters.period), "campaigns": rows}


def needs_attention(filters: Filters, limit: int = 50) -> dict:
    calls, total = call_metrics.needs_attention(filters, limit=limit)
    return {
        "total": total,
        "calls": [
            {
                "call_id": public_ids.of(call),
                "created_at": timestamp(call.created_at),
                "lead_id": public_ids.encode(Lead, call.lead_id) if call.lead_id else None,
                "lead": (call.lead.full_name or call.lead.phone) if call.lead else "",
                "to_number": call.to_number,
                "campaign": call.campaign.name if call.campaign else "",
                "outcome": call.outcome,
                "outcome_label": call.get_outcome_display() if call.outcome else "",
                "reason": call.attention_reason,
            }
            for call in calls
        ],
    }


def todays_appointments(filters: Filters) -> dict:
    rows = appointment_metrics.today(filters)
    return {
        "appointments": [
            {
                "appointment_id": public_ids.of(a),
                "start": a.local_start.isoformat(),
                "time": a.local_start.strftime("%H:%M"),
                "kind": a.get_kind_display(),
                "status": a.status,
                "status_label": a.get_status_display(),
                "lead_id": public_ids.encode(Lead, a.lead_id) if a.lead_id else None,
                "lead": (a.lead.full_name or a.lead.phone) if a.lead else "(erased)",
                "branch": a.branch.name,
                "staff": a.staff.get_full_name() or a.staff.email if a.staff else "",
            }
            for a in rows
        ]
    }


REPORTS = {
    "overview": overview,
    "calls-over-time": calls_over_time,
    "outcomes": outcomes,
    "funnel": funnel,
    "campaigns": campaigns,
    "needs-attention": needs_attention,
    "today": todays_appointments,
}


# Reports that list people by name: computed on each request, never cached, so that erasing a person
# leaves no copy of them in the cache (docs/operations.md#erasure). They read a few indexed rows.
NAMES_PEOPLE = frozenset({"needs-attention", "today"})


def report(name: str, filters: Filters, **options) -> dict:
    """The report through the cache (its options, such as a limit, are part of its key), except those
    that name people."""
    compute = REPORTS[name]
    if name in NAMES_PEOPLE:
        return compute(filters, **options)
    suffix = "".join(f":{k}={v}" for k, v in sorted(options.items()))
    return cached(name + suffix, filters, lambda f: compute(f, **options))
