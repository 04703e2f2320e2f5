"""``/api/v1/analytics/…``: the dashboard's reports for the mobile app and integrations.

Every endpoint takes the same filters (``from``, ``to``, ``branch``, ``campaign``, ``agent``,
``staff``); each value carries its numerator and denominator. Reports are cached per tenant and
filter set (see ``cache.py``). Anyone who may read calls may read analytics.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from calls.models import Call
from tenants.api.base import TenantAPIView

from . import schema
from .filters import AnalyticsFilterForm, errors_by_param
from .reports import report

FILTER_PARAMETERS = [
    OpenApiParameter("from", str, description="First day (YYYY-MM-DD, the tenant's time zone). Default: 29 days ago."),
    OpenApiParameter("to", str, description="Last day, included (YYYY-MM-DD). Default: today. At most 366 days."),
    OpenApiParameter("days", int, description="Instead of from/to: the last N days, today included (1–366)."),
    OpenApiParameter("branch", OpenApiTypes.UUID, description="Only this branch."),
    OpenApiParameter("campaign", OpenApiTypes.UUID, description="Only this campaign's calls, leads and appointments."),
    OpenApiParameter("agent", OpenApiTypes.UUID, description="Only this voice agent's calls (and what they booked)."),
    OpenApiParameter(
        "staff", OpenApiTypes.UUID, description="Only this staff member's leads and appointments (a user id)."
    ),
]
FILTER_NAMES = {"from", "to", "days", "branch", "campaign", "agent", "staff"}


class AnalyticsView(TenantAPIView):
    permission_model = Call
    report_name = ""
    extra_params: set[str] = set()

    def get(self, request):
        return Response(self.build(request))

    def build(self, request) -> dict:
        params = request.query_params
        unknown = sorted(set(params) - FILTER_NAMES - self.extra_params)
        form = AnalyticsFilterForm(params, tenant=request.tenant)
        errors = {name: ["Unknown parameter."] for name in unknown}
        if not form.is_valid():
            errors |= errors_by_param(form)
        options = self.report_options(request, errors)
        if errors:
            raise ValidationError(errors)
        return report(self.report_name, form.filters(), **options)

    def report_options(self, request, errors: dict) -> dict:
        return {}


def _schema(summary: str, response, example: dict, extra=()):
    return extend_schema(
        summary=summary,
        parameters=[*FILTER_PARAMETERS, *extra],
        responses=response,
        examples=[OpenApiExample("Example", value=example, response_only=True)],
        tags=["analytics"],
    )


class OverviewView(AnalyticsView):
    """Every KPI of docs/kpis.md for the period, with the previous period of the same length and the change."""

    report_name = "overview"

    @_schema("KPI overview", schema.OverviewSerializer, schema.OVERVIEW_EXAMPLE)
    def get(self, request):
        return super().get(request)


class CallsOverTimeView(AnalyticsView):
    """Calls dialled per day (the tenant's days) and outcome: one series per outcome, a count per day."""

    report_name = "calls-over-time"

    @_schema("Calls per day by outcome", schema.CallsOverTimeSerializer, schema.CALLS_OVER_TIME_EXAMPLE)
    def get(self, request):
        return super().get(request)


class OutcomesView(AnalyticsView):
    """The outcome mix: calls dialled in the period per outcome, with each one's share."""

    report_name = "outcomes"

    @_schema("Outcome mix", schema.OutcomesSerializer, schema.OUTCOMES_EXAMPLE)
    def get(self, request):
        return super().get(request)


class FunnelView(AnalyticsView):
    """Leads created in the period and how many got to each step (named in the business's words)."""

    report_name = "funnel"

    @_schema("Funnel of the period's leads", schema.FunnelSerializer, schema.FUNNEL_EXAMPLE)
    def get(self, request):
        return super().get(request)


class CampaignsView(AnalyticsView):
    """The campaign leaderboard: each campaign that dialled in the period, most appointments booked first."""

    report_name = "campaigns"

    @_schema("Campaign leaderboard", schema.CampaignsSerializer, schema.CAMPAIGNS_EXAMPLE)
    def get(self, request):
        return super().get(request)


class LimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=500, default=50)


class NeedsAttentionView(AnalyticsView):
    """Calls flagged for a person and not resolved, newest first. They need someone now, so the date
    range does not apply; branch, campaign, agent and staff do."""

    report_name = "needs-attention"
    extra_params = {"limit"}

    def report_options(self, request, errors):
        limit = LimitSerializer(data=request.query_params)
        if not limit.is_valid():
            errors |= limit.errors
            return {}
        return {"limit": limit.validated_data["limit"]}

    @_schema(
        "Calls that need a person",
        schema.NeedsAttentionSerializer,
        schema.NEEDS_ATTENTION_EXAMPLE,
        extra=[OpenApiParameter("limit", int, description="How many calls to list (1–500, default 50).")],
    )
    def get(self, request):
        return super().get(request)
