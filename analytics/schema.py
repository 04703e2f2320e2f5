"""The analytics responses described for the OpenAPI schema (the views return the reports' dicts as
they are; these serializers only document them), with an example of each."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

DECIMAL = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "An amount: a decimal string."}


@extend_schema_field({"oneOf": [{"type": "number"}, DECIMAL], "nullable": True})
class NumberOrAmount(serializers.Field):
    """A count or rate (a number), or an amount of money (a decimal string, with ``currency`` beside it)."""


class PeriodSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below
    to = serializers.DateField()
    time_zone = serializers.CharField()


PeriodSerializer._declared_fields["from"] = serializers.DateField()


class RatioSerializer(serializers.Serializer):
    value = NumberOrAmount(help_text="numerator ÷ denominator; null when there is no data. Money: a decimal string.")
    numerator = NumberOrAmount(help_text="A count, or an amount as a decimal string.")
    denominator = NumberOrAmount()
    currency = serializers.CharField(required=False, help_text="With amounts of money only: ISO 4217, e.g. USD.")


class ChangeSerializer(serializers.Serializer):
    absolute = serializers.FloatField(help_text="value − previous value (rates: in fractions, 0.05 = 5 points).")
    relative = serializers.FloatField(allow_null=True, help_text="(value − previous) ÷ previous.")
    better = serializers.BooleanField(allow_null=True, help_text="Whether the change is good news.")


class FigureSerializer(RatioSerializer):
    unit = serializers.ChoiceField(choices=["percent", "seconds", "money", "count", "per_hour"])
    label = serializers.CharField()
    previous = RatioSerializer(required=False, help_text="The same figure over the previous period.")
    change = ChangeSerializer(required=False, allow_null=True)


class OverviewSerializer(serializers.Serializer):
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    figures = serializers.DictField(child=FigureSerializer())
    generated_at = serializers.DateTimeField()


class SeriesSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    label = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="One count per day of `days`.")
    total = serializers.IntegerField()


class CallsOverTimeSerializer(serializers.Serializer):
    period = PeriodSerializer()
    days = serializers.ListField(child=serializers.DateField())
    series = SeriesSerializer(many=True)


class OutcomeShareSerializer(RatioSerializer):
    outcome = serializers.CharField()
    label = serializers.CharField()


class OutcomesSerializer(serializers.Serializer):
    period = PeriodSerializer()
    total = serializers.IntegerField()
    outcomes = OutcomeShareSerializer(many=True)


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["leads", "contacted", "booked", "attended", "won"])
    label = serializers.CharField()
    count = serializers.IntegerField()
    of_leads = RatioSerializer()
    of_previous_step = RatioSerializer()


class FunnelSerializer(serializers.Serializer):
    period = PeriodSerializer()
    steps = StepSerializer(many=True)


class CampaignRowSerializer(serializers.Serializer):
    campaign_id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    dialled = serializers.IntegerField()
    connect_rate = RatioSerializer()
    contact_rate = RatioSerializer()
    appointments_booked = serializers.IntegerField()
    appointments_attended = serializers.IntegerField()
    calls_per_hour = RatioSerializer()
    cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    cost_per_appointment = RatioSerializer()
    currency = serializers.CharField(help_text="ISO 4217, e.g. USD.")


class CampaignsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    campaigns = CampaignRowSerializer(many=True)


class AttentionCallSerializer(serializers.Serializer):
    call_id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    lead_id = serializers.UUIDField(allow_null=True)
    lead = serializers.CharField()
    to_number = serializers.CharField()
    campaign = serializers.CharField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField(help_text="The outcome in words.")
    reason = serializers.CharField()


class NeedsAttentionSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    calls = AttentionCallSerializer(many=True)


PERIOD = {"from": "2026-10-25", "to": "2026-11-23", "time_zone": "America/New_York"}

OVERVIEW_EXAMPLE = {
    "period": PERIOD,
    "previous_period": {"from": "2026-09-25", "to": "2026-10-24", "time_zone": "America/New_York"},
    "figures": {
        "calls_dialled": {
            "value": 1240,
            "numerator": 1240,
            "denominator": None,
            "unit": "count",
            "label": "Calls dialled",
            "previous": {"value": 1100, "numerator": 1100, "denominator": None},
            "change": {"absolute": 140.0, "relative": 0.1273, "better": True},
        },
        "connect_rate": {
            "value": 0.5403,
            "numerator": 670,
            "denominator": 1240,
            "unit": "percent",
            "label": "Connect rate",
            "previous": {"value": 0.52, "numerator": 572, "denominator": 1100},
            "change": {"absolute": 0.0203, "relative": 0.039, "better": True},
        },
        "show_rate": {
            "value": None,
            "numerator": 0,
            "denominator": 0,
            "unit": "percent",
            "label": "Show rate",
            "previous": {"value": 0.75, "numerator": 9, "denominator": 12},
            "change": None,
        },
        "cost_per_appointment": {
            "value": "4.18",
            "numerator": "213.40",
            "denominator": 51,
            "unit": "money",
            "currency": "USD",
            "label": "Cost per appointment",
            "previous": {"value": "4.60", "numerator": "197.80", "denominator": 43},
            "change": {"absolute": -0.42, "relative": -0.0913, "better": True},
        },
        "peak_concurrency": {
            "value": 5,
            "numerator": 5,
            "denominator": None,
            "unit": "count",
            "label": "Peak concurrent calls",
        },
    },
    "generated_at": "2026-11-23T16:00:00+00:00",
}
CALLS_OVER_TIME_EXAMPLE = {
    "period": {"from": "2026-11-21", "to": "2026-11-23", "time_zone": "America/New_York"},
    "days": ["2026-11-21", "2026-11-22", "2026-11-23"],
    "series": [
        {"outcome": "no_answer", "label": "No answer", "counts": [14, 0, 22], "total": 36},
        {"outcome": "appointment_booked", "label": "Appointment booked", "counts": [3, 0, 5], "total": 8},
    ],
}
OUTCOMES_EXAMPLE = {
    "period": PERIOD,
    "total": 44,
    "outcomes": [
        {"outcome": "no_answer", "label": "No answer", "value": 0.8182, "numerator": 36, "denominator": 44},
        {
            "outcome": "appointment_booked",
            "label": "Appointment booked",
            "value": 0.1818,
            "numerator": 8,
            "denominator": 44,
        },
    ],
}
FUNNEL_EXAMPLE = {
    "period": PERIOD,
    "steps": [
        {
            "step": "leads",
            "label": "Leads",
            "count": 200,
            "of_leads": {"value": 1.0, "numerator": 200, "denominator": 200},
            "of_previous_step": {"value": 1.0, "numerator": 200, "denominator": 200},
        },
        {
            "step": "contacted",
            "label": "Contacted",
            "count": 120,
            "of_leads": {"value": 0.6, "numerator": 120, "denominator": 200},
            "of_previous_step": {"value": 0.6, "numerator": 120, "denominator": 200},
        },
    ],
}
CAMPAIGNS_EXAMPLE = {
    "period": PERIOD,
    "campaigns": [
        {
            "campaign_id": "0b7e6a52-93f1-4c0e-8d2a-6f41c9b3e215",
            "name": "New web leads",
            "status": "running",
            "dialled": 640,
            "connect_rate": {"value": 0.55, "numerator": 352, "denominator": 640},
            "contact_rate": {"value": 0.41, "numerator": 262, "denominator": 640},
            "appointments_booked": 38,
            "appointments_attended": 21,
            "calls_per_hour": {"value": 22.07, "numerator": 640, "denominator": 29},
            "cost": "112.64",
            "cost_per_appointment": {"value": "2.96", "numerator": "112.64", "denominator": 38, "currency": "USD"},
            "currency": "USD",
        }
    ],
}
NEEDS_ATTENTION_EXAMPLE = {
    "total": 1,
    "calls": [
        {
            "call_id": "5d2f8c31-7a64-4b9e-a0c3-2e9f1b6d7a48",
            "created_at": "2026-11-23T14:02:11+00:00",
            "lead_id": "c81a4e07-2b5d-4f93-9e16-7d30a5c2f8b9",
            "lead": "Dana Reyes",
            "to_number": "+13055550123",
            "campaign": "Service due",
            "outcome": "escalated",
            "reason": "Escalation words: manager",
        }
    ],
}
