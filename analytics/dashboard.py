"""The admin index: the KPI dashboard, composed from the analytics reports (analytics).

``dashboard_callback`` (Unfold's hook) fills the context of ``templates/admin/index.html``: filters,
KPI cards with the change against the previous period, calls per day stacked by outcome (Chart.js,
vendored by Unfold), the outcome mix, the funnel, the campaign leaderboard, what needs a person,
today's appointments, and a CSV link for each table. Also the two small views the dashboard posts or
links to: the CSV export and the daily summary switch.
"""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from analytics import export, reports
from analytics.filters import AnalyticsFilterForm
from tenants.models import Membership
from tenants.roles import Role, at_least, may

# The dashboard's cards, in order (keys of reports.FIGURES).
CARDS = [
    "calls_dialled",
    "connect_rate",
    "contact_rate",
    "appointment_set_rate",
    "appointments_booked",
    "show_rate",
    "conversion",
    "cost_per_appointment",
    "speed_to_lead",
    "average_handle_time",
    "calls_per_hour",
    "opt_out_rate",
]
OUTCOME_COLOURS = {
    "answered": "#0ea5e9",
    "appointment_booked": "#22c55e",
    "callback_requested": "#a855f7",
    "voicemail": "#94a3b8",
    "no_answer": "#cbd5e1",
    "busy": "#fbbf24",
    "not_interested": "#f97316",
    "dnc_requested": "#ef4444",
    "wrong_number": "#78716c",
    "escalated": "#e11d48",
    "failed": "#7f1d1d",
    "in_progress": "#6366f1",
}
QUICK_RANGES = [(7, "7 days"), (30, "30 days"), (90, "90 days")]


def may_see(request) -> bool:
    return getattr(request, "tenant", None) is not None and request.user.has_perm("calls.view_call")


def _form(request) -> AnalyticsFilterForm:
    return AnalyticsFilterForm(request.GET, tenant=request.tenant)


def dashboard_callback(request, context):
    if not may_see(request):
        context["dashboard"] = {"tenant": getattr(request, "tenant", None)}
        return context
    form = _form(request)
    if not form.is_valid():
        context["dashboard"] = {"tenant": request.tenant, "form": form, "errors": form.errors}
        return context
    filters = form.filters()
    overview = reports.report("overview", filters)
    over_time = reports.report("calls-over-time", filters)
    outcomes = reports.report("outcomes", filters)
    query = urlencode({k: v for k, v in request.GET.items() if v})
    context["dashboard"] = {
        "tenant": request.tenant,
        "form": form,
        "period": filters.period,
        "previous": filters.period.previous(),
        "query": query,
        "quick_ranges": QUICK_RANGES,
        "cards": [card(key, overview["figures"][key]) for key in CARDS],
        "peak": overview["figures"]["peak_concurrency"]["value"],
        "needs_attention_total": overview["figures"]["needs_attention"]["value"],
        "calls_chart": json.dumps(calls_chart(over_time)),
        "calls_chart_options": json.dumps(STACKED_BAR_OPTIONS),
        "calls_total": sum(s["total"] for s in over_time["series"]),
        "outcomes": outcomes,
        "outcome_chart": json.dumps(outcome_chart(outcomes)),
        "outcome_chart_options": json.dumps(DOUGHNUT_OPTIONS),
        "funnel": reports.report("funnel", filters),
        "campaigns": reports.report("campaigns", filters),
        "attention": reports.report("needs-attention", filters, limit=10),
        "today": reports.report("today", filters),
        "exports": {  # keyed calls_over_time, not calls-over-time: templates cannot look up a hyphen
            name.replace("-", "_"): f"{reverse('admin:dashboard_export', args=[name])}?{query}"
            for name in export.TABLES
        },
        "can_subscribe": at_least(getattr(request.membership, "role", None), Role.MANAGER),
        "subscribed": bool(getattr(request.membership, "daily_summary", False)),
    }
    return context


def _percent(value) -> str:
    return f"{value * 100:.1f}%"


def _seconds(value) -> str:
    value = round(float(value))
    if value < 60:
        return f"{value} s"
    if value < 3600:
        return f"{value // 60} min {value % 60:02d} s"
    return f"{value // 3600} h {value % 3600 // 60:02d} min"


FORMATS = {
    "percent": _percent,
    "seconds": _seconds,
    "money": lambda v: f"${float(v):,.2f}",
    "count": lambda v: f"{int(v):,}",
    "per_hour": lambda v: f"{float(v):.1f}",
}


def show(value, unit: str) -> str:
    return "no data" if value is None else FORMATS[unit](value)


def _terms(figure: dict) -> str:
    """How a manager checks the figure: "670 of 1,240", or what a median or a count is of."""
    numerator, denominator, unit = figure["numerator"], figure["denominator"], figure["unit"]
    if denominator is None:
        return ""
    if numerator is None:
        return f"median of {denominator:,} leads called"
    if unit == "money":
        return f"${float(numerator):,.2f} ÷ {denominator:,}"
    if unit == "seconds":
        return f"{_seconds(numerator)} ÷ {denominator:,} answered"
    if unit == "per_hour":
        return f"{numerator:,} calls ÷ {denominator:,} hours"
    return f"{numerator:,} of {denominator:,}"


def _change_text(figure: dict) -> str:
    change = figure.get("change")
    if not change:
        return ""
    if figure["unit"] == "percent":
        points = round(change["absolute"] * 100, 1)
        return f"{points:+.1f} pts" if points else "0.0 pts"  # never "-0.0"
    if change["relative"] is None:
        return ""
    percent = round(change["relative"] * 100)
    return f"{percent:+d}%" if percent else "0%"


def card(key: str, figure: dict) -> dict:
    change = figure.get("change") or {}
    previous = figure.get("previous") or {}
    return {
        "key": key,
        "label": figure["label"],
        "value": show(figure["value"], figure["unit"]),
        "terms": _terms(figure),
        "change": _change_text(figure),
        "better": change.get("better"),
        "previous": show(previous.get("value"), figure["unit"]) if previous else "",
    }


STACKED_BAR_OPTIONS = {
    "responsive": True,
    "maintainAspectRatio": False,
    "plugins": {"legend": {"display": True, "position": "bottom", "labels": {"boxWidth": 10, "boxHeight": 10}}},
    "scales": {
        "x": {"stacked": True, "grid": {"display": False}},
        "y": {"stacked": True, "beginAtZero": True, "ticks": {"precision": 0}},
    },
}
DOUGHNUT_OPTIONS = {
    "responsive": True,
    "maintainAspectRatio": False,
    "plugins": {"legend": {"display": True, "position": "right", "labels": {"boxWidth": 10, "boxHeight": 10}}},
}


def calls_chart(over_time: dict) -> dict:
    return {
        "labels": [day[5:] for day in over_time["days"]],  # MM-DD
        "datasets": [
            {
                "label": s["label"],
                "data": s["counts"],
                "backgroundColor": OUTCOME_COLOURS.get(s["outcome"], "#64748b"),
                "stack": "calls",
            }
            for s in over_time["series"]
        ],
    }


def outcome_chart(outcomes: dict) -> dict:
    rows = outcomes["outcomes"]
    return {
        "labels": [row["label"] for row in rows],
        "datasets": [
            {
                "data": [row["numerator"] for row in rows],
                "backgroundColor": [OUTCOME_COLOURS.get(row["outcome"], "#64748b") for row in rows],
            }
        ],
    }


def export_view(request, table: str):
    """One dashboard table as a CSV file, for the same filters."""
    if table not in export.TABLES:
        raise Http404("No such table.")
    if not may_see(request) or (table in reports.NAMES_PEOPLE and not may(request.user, "export_leads")):
        raise PermissionDenied  # tables that list people are a people export (docs/operations.md#roles)
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    options = {"limit": 10_000} if table == "needs-attention" else {}
    data = reports.report(table, filters, **options)
    response = HttpResponse(export.as_csv(table, data), content_type="text/csv; charset=utf-8")
    period = filters.period
    name = f"{request.tenant.slug}-{table}-{period.first}-{period.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def daily_summary_view(request):
    """Switch the signed-in manager's daily summary email on or off."""
    membership = getattr(request, "membership", None)
    if membership is None or not at_least(membership.role, Role.MANAGER):
        raise PermissionDenied
    wanted = request.POST.get("daily_summary") == "on"
    Membership.objects.filter(pk=membership.pk).update(daily_summary=wanted)
    if wanted:
        messages.success(request, f"Each morning a summary of the day before goes to {request.user.email}.")
    else:
        messages.info(request, "The daily summary email is off.")
    return redirect("admin:index")
