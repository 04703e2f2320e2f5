"""The analytics filters as a form, shared by the dashboard and the API: ``from``/``to`` (days in the
tenant's time zone, both included; default the last 30 days), branch, campaign, voice agent, staff
member. Rows are named by public id (core.public_ids); only the tenant's own are offered and accepted
(another tenant's id is "not one of the available choices")."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model

from analytics.kpi import Filters, Period, last_days
from campaigns.models import Campaign
from tenants.api.filtering import BoundedDateField
from tenants.models import Branch, Membership
from tenants.public_id_forms import PublicIdChoiceField
from voice.models import VoiceAgent

DEFAULT_DAYS = 30
MAX_DAYS = 366


class AnalyticsFilterForm(forms.Form):
    date_from = BoundedDateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_DAYS, help_text="The last N days, today included."
    )
    branch = PublicIdChoiceField(queryset=Branch.objects.none(), required=False, empty_label="Every branch")
    campaign = PublicIdChoiceField(queryset=Campaign.objects.none(), required=False, empty_label="Every campaign")
    agent = PublicIdChoiceField(
        label="Voice agent", queryset=VoiceAgent.objects.none(), required=False, empty_label="Every voice agent"
    )
    staff = PublicIdChoiceField(
        label="Staff member", queryset=get_user_model().objects.none(), required=False, empty_label="Everyone"
    )

    def __init__(self, data=None, *, tenant, **kwargs):
        # The querysets are made here, inside the request's tenant scope.
        self.tenant = tenant
        super().__init__(_renamed(data), **kwargs)
        self.fields["branch"].queryset = Branch.objects.order_by("name")
        self.fields["campaign"].queryset = Campaign.objects.order_by("name")
        self.fields["agent"].queryset = VoiceAgent.objects.order_by("name")
        members = Membership.objects.filter(is_active=True).values("user_id")
        self.fields["staff"].queryset = get_user_model().objects.filter(pk__in=members).order_by("first_name", "email")
        self.fields["staff"].label_from_instance = lambda user: user.get_full_name() or user.email

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if self.errors:
            return data
        zone = self.tenant.time_zone
        if first is None and last is None:
            period = last_days(data.get("days") or DEFAULT_DAYS, zone)
        elif first is None:
            period = Period(last - timedelta(days=DEFAULT_DAYS - 1), last, zone)
        elif last is None:
            period = Period(first, max(first, last_days(1, zone).last), zone)
        elif last < first:
            raise forms.ValidationError({"date_to": "The range must end on or after its first day."})
        else:
            period = Period(first, last, zone)
        if period.days > MAX_DAYS:
            raise forms.ValidationError({"date_to": f"Pick at most {MAX_DAYS} days."})
        data["period"] = period
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            period=data["period"],
            branch_id=_pk(data.get("branch")),
            campaign_id=_pk(data.get("campaign")),
            agent_id=_pk(data.get("agent")),
            staff_id=_pk(data.get("staff")),
        )


# The query parameters' names (the API's and the dashboard's links) -> the form's fields.
PARAMS = {"from": "date_from", "to": "date_to"}


def _renamed(data):
    if data is None:
        return {}
    return {PARAMS.get(name, name): value for name, value in data.items() if value not in (None, "")}


def errors_by_param(form: AnalyticsFilterForm) -> dict:
    """The form's errors keyed by the query parameter's name (``from``, not ``date_from``)."""
    back = {field: param for param, field in PARAMS.items()}
    return {back.get(field, field): list(messages) for field, messages in form.errors.items()}


def _pk(obj):
    return obj.pk if obj is not None else None
