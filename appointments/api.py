"""``/api/v1/appointments/``: booking and moving appointments, free slots, availability rules, closures,
reminder settings and calendar feeds. Writes go through ``appointments.services``."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from leads.models import Lead, Vehicle
from leads.services import resolved_time_zone
from tenants.api.base import (
    BoundedDateField,
    StrictSerializer,
    TenantAPIView,
    TenantModelSerializer,
    TenantModelViewSet,
)
from tenants.api.filtering import FilterSet, IsoDateTimeFilter
from tenants.api.identifiers import PublicIdKeyField
from tenants.models import Branch
from tenants.roles import needs

from . import availability, feed_access, services
from .models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentMove,
    AppointmentSettings,
    AvailabilityRule,
    CalendarFeed,
    Closure,
    Kind,
    Source,
)

User = get_user_model()
MAX_AVAILABILITY_DAYS = 62


class MoveSerializer(TenantModelSerializer):
    class Meta:
        model = AppointmentMove
        fields = ["from_start", "to_start", "moved_at", "moved_by", "reason"]


class AppointmentSerializer(TenantModelSerializer):
    lead_name = serializers.SerializerMethodField()
    moves = MoveSerializer(many=True, read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "branch",
            "lead",
            "lead_name",
            "vehicle",
            "staff",
            "kind",
            "start",
            "end",
            "status",
            "source",
            "call",
            "notes",
            "cancel_reason",
            "booked_by",
            "created_at",
            "confirmed_at",
            "checked_in_at",
            "moves",
        ]
        read_only_fields = [f for f in fields if f not in ("notes", "vehicle")]

    def get_lead_name(self, appointment) -> str:
        return appointment.lead.full_name if appointment.lead_id else ""


class BookSerializer(StrictSerializer):
    """Book a free slot (``start`` must be one: see ``availability/``)."""

    lead = serializers.PrimaryKeyRelatedField(queryset=Lead.objects.all())
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    kind = serializers.ChoiceField(choices=Kind.choices)
    start = serializers.DateTimeField()
    staff = PublicIdKeyField(User, required=False, help_text="A staff member (user id); default: round-robin.")
    vehicle = serializers.PrimaryKeyRelatedField(queryset=Vehicle.objects.all(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class RescheduleSerializer(StrictSerializer):
    start = serializers.DateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class CancelSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AvailabilityQuery(StrictSerializer):
    """``?branch=&kind=&from=&to=&staff=&lead=`` (``from`` and ``to`` are the branch's dates, both included)."""

    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    kind = serializers.ChoiceField(choices=Kind.choices)
    staff = PublicIdKeyField(User, required=False)
    lead = serializers.PrimaryKeyRelatedField(
        queryset=Lead.objects.all(), required=False, help_text="Also show each slot in this person's time zone."
    )

    def get_fields(self):
        # ``from`` is a Python keyword, so the two day fields are added here rather than declared above.
        return {
            **super().get_fields(),
            "from": BoundedDateField(required=False),
            "to": BoundedDateField(required=False),
        }

    def validate(self, attrs):
        first = attrs.pop("from", None) or availability.branch_today(attrs["branch"])
        last = attrs.pop("to", None) or first + timedelta(days=6)
        if last < first:
            raise serializers.ValidationError({"to": ["The last day must not be before the first."]})
        if (last - first).days >= MAX_AVAILABILITY_DAYS:
            raise serializers.ValidationError({"to": [f"Ask for at most {MAX_AVAILABILITY_DAYS} days at a time."]})
        return {**attrs, "first": first, "last": last}


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    remaining = serializers.IntegerField()
    staff = serializers.ListField(child=PublicIdKeyField(User))
    local_start = serializers.CharField(help_text="The start in the branch's time zone.")
    lead_local_start = serializers.CharField(required=False, help_text="The start in the person's time zone.")


class AppointmentFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Appointment._meta.get_field("status").choices)
    start_after = IsoDateTimeFilter(field_name="start", lookup_expr="gte")
    start_before = IsoDateTimeFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = Appointment
        fields = ["branch", "lead", "staff", "kind", "source"]


class AppointmentViewSet(TenantModelViewSet):
    queryset = Appointment.objects.select_related("lead").prefetch_related("moves")
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    ordering_fields = ["start", "created_at"]
    ordering = ["start", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_permissions = {
        "upcoming": ["appointments.view_appointment"],
        "availability": ["appointments.view_appointment"],
        "reschedule": needs("move_appointment"),
        "cancel": needs("move_appointment"),
        "confirm": needs("move_appointment"),
        "check_in": needs("move_appointment"),
        "no_show": needs("move_appointment"),
    }

    def _respond(self, appointment, status=200):
        appointment = self.get_queryset().get(pk=appointment.pk)
        return Response(AppointmentSerializer(appointment).data, status=status)

    @extend_schema(request=BookSerializer, responses={201: AppointmentSerializer})
    def create(self, request):
        """Book a free slot: 201, or 409 ``slot_taken`` with the nearest free ``alternatives``."""
        data = BookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        staff = None
        if "staff" in fields:
            staff = services.staff_member(fields.pop("staff"))
        appointment = services.book(
            fields.pop("lead"),
            fields.pop("branch"),
            fields.pop("kind"),
            fields.pop("start"),
            staff=staff,
            source=Source.API,
            actor=request.user,
            **fields,
        )
        return self._respond(appointment, status=201)

    @extend_schema(responses=AppointmentSerializer(many=True))
    @action(detail=False)
    def upcoming(self, request):
        """Booked and confirmed appointments from now on, soonest first."""
        queryset = self.filter_queryset(self.get_queryset()).filter(
            status__in=ACTIVE_STATUSES, start__gte=timezone.now()
        )
        page = self.paginate_queryset(queryset.order_by("start", "id"))
        return self.get_paginated_response(AppointmentSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("branch", OpenApiTypes.UUID, required=True),
            OpenApiParameter("kind", str, required=True, enum=Kind.values),
            OpenApiParameter("from", date, description="First day (the branch's dates); default today."),
            OpenApiParameter("to", date, description="Last day, included; default six days after the first."),
            OpenApiParameter("staff", OpenApiTypes.UUID),
            OpenApiParameter("lead", OpenApiTypes.UUID, description="Also give each start in this person's time zone."),
        ],
        responses=SlotSerializer(many=True),
    )
    @action(detail=False, filter_backends=[], pagination_class=None)
    def availability(self, request):
        """Free slots of a branch for a kind of appointment, with how many places are left."""
        query = AvailabilityQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        branch = params["branch"]
        slots = availability.free_slots(
            branch, params["kind"], params["first"], params["last"], staff_id=params.get("staff")
        )
        zone = availability.branch_zone(branch)
        lead_zone = ZoneInfo(resolved_time_zone(params["lead"])) if params.get("lead") else None
        rows = []
        for slot in slots:
            row = {
                "start": slot.start,
                "end": slot.end,
                "remaining": slot.remaining,
                "staff": slot.staff_ids,
                "local_start": slot.start.astimezone(zone).isoformat(),
            }
            if lead_zone is not None:
                row["lead_local_start"] = slot.start.astimezone(lead_zone).isoformat()
            rows.append(row)
        return Response(SlotSerializer(rows, many=True).data)

    @extend_schema(request=RescheduleSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move to another free slot; 409 ``slot_taken`` with alternatives when it is not free."""
        appointment = self.get_object()
        data = RescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start, reason = data.validated_data["start"], data.validated_data.get("reason", "")
        return self._respond(services.reschedule(appointment, start, actor=request.user, reason=reason))

    @extend_schema(request=CancelSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = self.get_object()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason", "")
        return self._respond(services.cancel(appointment, reason=reason, actor=request.user))

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._respond(services.confirm(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """They came: attended (the lead moves to attended)."""
        return self._respond(services.check_in(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        """They did not come: the lead moves to no-show and no-show follow-up campaigns take them."""
        return self._respond(services.mark_no_show(self.get_object(), actor=request.user))


class AvailabilityRuleSerializer(TenantModelSerializer):
    class Meta:
        model = AvailabilityRule
        fields = [
            "id",
            "branch",
            "staff",
            "weekday",
            "opens",
            "closes",
            "slot_minutes",
            "capacity",
            "kinds",
            "min_notice_minutes",
            "is_active",
        ]

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError

        merged = {**({} if self.instance is None else {f: getattr(self.instance, f) for f in attrs}), **attrs}
        rule = AvailabilityRule(**{k: v for k, v in merged.items() if k != "staff"})
        try:
            rule.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        if attrs.get("staff") is not None:
            services.staff_member(attrs["staff"].pk)
        return attrs


class AvailabilityRuleViewSet(TenantModelViewSet):
    queryset = AvailabilityRule.objects.all()
    serializer_class = AvailabilityRuleSerializer
    filterset_fields = ["branch", "staff", "weekday", "is_active"]


class ClosureSerializer(TenantModelSerializer):
    class Meta:
        model = Closure
        fields = ["id", "branch", "start_date", "end_date", "reason"]

    def validate(self, attrs):
        first = attrs.get("start_date", getattr(self.instance, "start_date", None))
        last = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if first and last and last < first:
            raise serializers.ValidationError({"end_date": ["The closure must end on or after its first day."]})
        return attrs


class ClosureViewSet(TenantModelViewSet):
    queryset = Closure.objects.all()
    serializer_class = ClosureSerializer
    filterset_fields = ["branch"]


class CalendarFeedSerializer(TenantModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CalendarFeed
        fields = ["id", "branch", "staff", "url", "created_at"]
        read_only_fields = ["url", "created_at"]

    def get_url(self, feed) -> str:
        from django.urls import reverse

        path = reverse("calendar-feed", args=[feed.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def validate(self, attrs):
        if attrs.get("staff") is not None:
            services.staff_member(attrs["staff"].pk)
        return attrs


class CalendarFeedViewSet(TenantModelViewSet):
    """Secret iCalendar URLs (a branch's, or one staff member's appointments). Delete one to revoke it."""

    queryset = CalendarFeed.objects.all()
    serializer_class = CalendarFeedSerializer
    action_permissions = {"rotate": needs("rotate_feed")}

    def get_queryset(self):
        return feed_access.visible_feeds(self.request.user, super().get_queryset())

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)

    @extend_schema(request=None, responses=CalendarFeedSerializer)
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        """A new secret URL for the feed; the old one stops working at once."""
        feed = feed_access.rotate(self.get_object())
        return Response(self.get_serializer(feed).data)


class AppointmentSettingsSerializer(TenantModelSerializer):
    class Meta:
        model = AppointmentSettings
        fields = [
            "reminder_offsets",
            "reminder_channels",
            "reminder_call_script",
            "reminder_call_agent",
            "sms_template",
            "email_subject",
            "email_template",
            "no_show_grace_minutes",
            "call_booking_window_minutes",
        ]

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError

        current = {f: getattr(self.instance, f) for f in self.Meta.fields} if self.instance else {}
        probe = AppointmentSettings(**{**current, **attrs})
        try:
            probe.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs


class AppointmentSettingsView(TenantAPIView):
    """When and how reminders go out, their wording, the no-show grace and call-booking window."""

    permission_model = AppointmentSettings

    def _settings(self):
        return AppointmentSettings.objects.get_or_create()[0]

    @extend_schema(responses=AppointmentSettingsSerializer)
    def get(self, request):
        return Response(AppointmentSettingsSerializer(self._settings()).data)

    @extend_schema(request=AppointmentSettingsSerializer, responses=AppointmentSettingsSerializer)
    def patch(self, request):
        data = AppointmentSettingsSerializer(self._settings(), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        data.save()
        return Response(data.data)
