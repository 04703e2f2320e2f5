"""FilterSets for the leads API, and its ``?search=`` (``leads.search``, which the admin shares)."""

from datetime import timedelta

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from rest_framework.filters import SearchFilter

from core import public_ids
from tenants.api.filtering import BooleanFilter, FilterSet, IntegerFilter, IsoDateTimeFilter, PublicIdKeyFilter
from tenants.models import Branch

from .models import DoNotCall, Lead, LeadTag, Source, Tag, Vehicle
from .pipeline import Stage
from .search import SEARCH_HELP, search_leads, search_region
from .signals import lead_condition_requested


def contributed_condition(name: str):
    """The condition on leads that another room contributes under ``name`` (leads.signals), or None."""
    for _receiver, condition in lead_condition_requested.send(sender=Lead, name=name):
        if condition is not None:
            return condition
    return None


class LeadSearchFilter(SearchFilter):
    """``?search=``: people by name, email or phone (``leads.search``)."""

    def filter_queryset(self, request, queryset, view):
        return search_leads(queryset, request.query_params.get(self.search_param, ""), search_region(request))

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            param["description"] = SEARCH_HELP
        return params


def on_dnc_expression():
    return Exists(DoNotCall.objects.unscoped().filter(tenant_id=OuterRef("tenant_id"), phone=OuterRef("phone")))


class LeadFilter(FilterSet):
    # distinct=False: these filter columns of the lead itself, and DISTINCT over a million rows is costly.
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, distinct=False)
    source = django_filters.MultipleChoiceFilter(choices=Source.choices, distinct=False)
    tag = django_filters.CharFilter(method="filter_tag", help_text="Tag id or name.")
    owner = PublicIdKeyFilter(field_name="owner_id", model=get_user_model())
    branch = PublicIdKeyFilter(field_name="branch_id", model=Branch)
    score_min = IntegerFilter(field_name="score", lookup_expr="gte")
    score_max = IntegerFilter(field_name="score", lookup_expr="lte")
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    dnc = BooleanFilter(method="filter_dnc", help_text="On the do-not-call list.")
    has_upcoming_appointment = BooleanFilter(method="filter_upcoming_appointment")
    service_due_within_days = IntegerFilter(
        method="filter_service_due",
        min_value=0,
        max_value=3660,
        help_text="Has a vehicle due for service within this many days (0-3660).",
    )

    class Meta:
        model = Lead
        fields = []

    def filter_tag(self, queryset, name, value):
        by_id = public_ids.decode(Tag, value)
        tag_ids = list(
            Tag.objects.filter(pk=by_id).values_list("pk", flat=True)
            if by_id is not None
            else Tag.objects.filter(name__iexact=value).values_list("pk", flat=True)
        )
        return queryset.filter(Exists(LeadTag.objects.filter(lead_id=OuterRef("pk"), tag_id__in=tag_ids)))

    def filter_dnc(self, queryset, name, value):
        return queryset.filter(on_dnc_expression()) if value else queryset.exclude(on_dnc_expression())

    def filter_upcoming_appointment(self, queryset, name, value):
        upcoming = contributed_condition("upcoming_appointment")
        if upcoming is None:  # no room answers (the appointments app is not installed)
            return queryset.none() if value else queryset
        return queryset.filter(upcoming) if value else queryset.exclude(upcoming)

    def filter_service_due(self, queryset, name, value):
        horizon = timezone.localdate() + timedelta(days=int(value))
        due = Exists(Vehicle.all_tenants.filter(lead_id=OuterRef("pk"), next_service_due__lte=horizon))
        return queryset.filter(due)
