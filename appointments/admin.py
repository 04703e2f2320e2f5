"""Appointments in the admin: today's list first, a week calendar per branch, booking that offers only free
slots, moving to another free slot, quick confirm / check-in / no-show / cancel; availability, closures,
reminders, settings and calendar feeds."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from core import public_ids
from leads.models import Lead, Vehicle
from tenants.admin_base import ReadOnlyAdminMixin, TenantModelAdmin, TenantTabularInline, is_dealership
from tenants.admin_confirm import confirm_then_act
from tenants.models import Branch
from tenants.public_id_forms import PublicIdAutocompleteSelect, PublicIdChoiceField

from . import availability, calendar_grid, feed_access, services
from .models import (
    ACTIVE_STATUSES,
    KINDS_FOR_VERTICAL,
    STATUS_MOVES,
    Appointment,
    AppointmentMove,
    AppointmentSettings,
    AvailabilityRule,
    CalendarFeed,
    Closure,
    Kind,
    Reminder,
    Status,
)

STATUS_COLOURS = {
    "Booked": "info",
    "Confirmed": "primary",
    "Attended": "success",
    "No-show": "danger",
    "Canceled": "warning",
}
BOOKING_DAYS = 14
# The status each detail-page button moves an appointment to: a status offers the buttons whose move
# STATUS_MOVES allows from it (the services still refuse a stale click). "Move" (another time) is open while
# the appointment is still to come.
BUTTON_MOVES = {
    "detail_confirm": Status.CONFIRMED,
    "detail_check_in": Status.ATTENDED,
    "detail_no_show": Status.NO_SHOW,
    "detail_cancel": Status.CANCELED,
}


def buttons_for(status: str) -> set[str]:
    buttons = {name for name, to in BUTTON_MOVES.items() if STATUS_MOVES.allows(status, to)}
    if status in ACTIVE_STATUSES:
        buttons.add("detail_reschedule")
    return buttons


ACTIONS_BY_STATUS = {status: buttons_for(status) for status in Status.values}


def tenant_zone(request):
    from zoneinfo import ZoneInfo

    tenant = getattr(request, "tenant", None)
    return ZoneInfo(tenant.time_zone if tenant and tenant.time_zone else "UTC")


class WhenFilter(SimpleListFilter):
    """Today's first: by default the list shows what is still to come (from today)."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("upcoming", "From today"),
            ("today", "Today"),
            ("tomorrow", "Tomorrow"),
            ("week", "Next 7 days"),
            ("past", "Past"),
            ("all", "All"),
        ]

    def value(self):
        return super().value() or "upcoming"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        today = timezone.now().astimezone(tenant_zone(request)).replace(hour=0, minute=0, second=0, microsecond=0)
        day = timedelta(days=1)
        ranges = {
            "upcoming": (today, None),
            "today": (today, today + day),
            "tomorrow": (today + day, today + 2 * day),
            "week": (today, today + 7 * day),
            "past": (None, today),
        }
        start, end = ranges.get(self.value(), (None, None))
        if start is not None:
            queryset = queryset.filter(start__gte=start)
        if end is not None:
            queryset = queryset.filter(start__lt=end)
        return queryset


class MoveInline(ReadOnlyAdminMixin, TenantTabularInline):
    model = AppointmentMove
    fields = ["from_start", "to_start", "moved_at", "moved_by", "reason"]
    readonly_fields = fields
    extra = 0
    verbose_name = "move"
    verbose_name_plural = "moves (reschedules)"


class ReminderInline(ReadOnlyAdminMixin, TenantTabularInline):
    model = Reminder
    fields = ["channel", "send_at", "status", "sent_at", "error"]
    readonly_fields = fields
    extra = 0


class SlotChoiceField(forms.ChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=UnfoldAdminSelectWidget, **kwargs)


def slot_choices(slots, zone) -> list[tuple[str, str]]:
    """The free times, after a blank first choice: nothing is picked until staff pick it."""
    return [("", "Pick a time")] + [
        (slot.start.isoformat(), f"{slot.start.astimezone(zone):%a %d %b %H:%M} ({slot.remaining} free)")
        for slot in slots
    ]


class BookingForm(forms.Form):
    lead = PublicIdChoiceField(queryset=None)
    branch = PublicIdChoiceField(queryset=None, widget=UnfoldAdminSelectWidget)
    kind = forms.ChoiceField(choices=Kind.choices, widget=UnfoldAdminSelectWidget)
    staff = PublicIdChoiceField(
        queryset=None, required=False, widget=UnfoldAdminSelectWidget, help_text="Empty: shared out in turn."
    )
    slot = SlotChoiceField(label="Free time", required=False)
    vehicle = PublicIdChoiceField(queryset=None, required=False, widget=UnfoldAdminSelectWidget)
    notes = forms.CharField(required=False, widget=UnfoldAdminTextareaWidget)
    day = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, admin_site=None, vertical="", **kwargs):
        super().__init__(*args, **kwargs)
        dealership = vertical == "dealership"
        self.fields["lead"].widget = PublicIdAutocompleteSelect(Appointment._meta.get_field("lead"), admin_site)
        self.fields["lead"].queryset = Lead.objects.all()
        self.fields["branch"].queryset = Branch.objects.order_by("name")
        self.fields["staff"].queryset = services.staff_members()
        kinds = KINDS_FOR_VERTICAL.get(vertical, list(Kind))  # a gym books no service lane
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        if dealership:  # the chosen person's cars (a dealership holds thousands: never all of them)
            lead = self._chosen("lead")
            self.fields["vehicle"].queryset = Vehicle.objects.filter(lead=lead) if lead else Vehicle.objects.none()
            if lead is None:
                self.fields["vehicle"].help_text = "Choose the person, then Show free times: their cars are offered."
        else:
            del self.fields["vehicle"]
        self.slots = []
        branch, staff, self.chosen_day = self._chosen("branch"), self._chosen("staff"), self._chosen("day")
        kind = self._chosen("kind") or (branch and availability.first_kind_offered(branch, kinds))
        if kind and not self._chosen("kind"):
            self.initial["kind"] = kind  # what the branch offers first: its times are shown at once
        self.searched = bool(branch and kind)  # only then can "no free time" be said
        if self.searched:
            today = availability.branch_today(branch)
            first = max(today, self.chosen_day or date.min)  # a day from the calendar: that day's times only
            last = first if self.chosen_day and self.chosen_day >= today else first + timedelta(days=BOOKING_DAYS)
            self.slots = availability.free_slots(branch, kind, first, last, staff_id=staff.pk if staff else None)
            self.fields["slot"].choices = slot_choices(self.slots, availability.branch_zone(branch))
            self.fields["slot"].required = True

    def _chosen(self, name):
        field = self.fields[name]
        raw = self.data.get(name) if self.is_bound else self.initial.get(name)
        if not raw:
            return None
        try:
            return field.clean(raw)
        except ValidationError:
            return None


class RescheduleForm(forms.Form):
    slot = SlotChoiceField(label="New time")
    reason = forms.CharField(required=False, max_length=300, widget=UnfoldAdminTextInputWidget)

    def __init__(self, *args, appointment=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = availability.branch_today(appointment.branch)
        slots = availability.free_slots(
            appointment.branch,
            appointment.kind,
            today,
            today + timedelta(days=BOOKING_DAYS),
            staff_id=appointment.staff_id,
            exclude_appointment=appointment.pk,
        )
        self.fields["slot"].choices = slot_choices(slots, availability.branch_zone(appointment.branch))


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=300, widget=UnfoldAdminTextInputWidget)


@admin.register(Appointment)
class AppointmentAdmin(TenantModelAdmin):
    list_display = ["when", "lead", "kind_label", "status_label", "branch", "staff", "source"]
    list_filter = [WhenFilter, "branch", "kind", "status", "source"]
    list_select_related = ["lead", "branch", "staff"]
    search_fields = ["=lead__phone", "lead__last_name", "lead__first_name"]
    ordering = ["start", "id"]
    inlines = [MoveInline, ReminderInline]
    readonly_fields = [
        "lead",
        "branch",
        "kind",
        "local_time",
        "status",
        "source",
        "call",
        "cancel_reason",
        "booked_by",
        "created_at",
        "confirmed_at",
        "checked_in_at",
    ]
    fields = [*readonly_fields[:5], "staff", "vehicle", "notes", *readonly_fields[5:]]
    actions = ["confirm_selected", "check_in_selected", "no_show_selected"]
    actions_list = ["open_calendar"]
    actions_row = ["row_check_in", "row_no_show"]
    actions_detail = ["detail_confirm", "detail_check_in", "detail_no_show", "detail_reschedule", "detail_cancel"]

    @display(description="When", ordering="start")
    def when(self, obj):
        """On the branch's wall clock, and said so when that is not the zone the page speaks in (the header's)."""
        shown = f"{obj.local_start:%a %d %b %H:%M}–{obj.local_end:%H:%M}"
        if str(obj.local_start.tzinfo) != timezone.get_current_timezone_name():
            shown += f" {obj.local_start:%Z} ({obj.branch.name})"
        return shown

    @display(description="When")
    def local_time(self, obj):
        return f"{obj.local_start:%A %d %B %Y, %H:%M}–{obj.local_end:%H:%M} ({obj.branch.time_zone or 'UTC'})"

    @display(description="Kind", ordering="kind")
    def kind_label(self, obj):
        colour = calendar_grid.KIND_COLOURS.get(obj.kind, "#6b7280")
        return format_html(
            '<span style="display:inline-block;width:.6rem;height:.6rem;border-radius:9999px;background:{}"></span> {}',
            colour,
            obj.get_kind_display(),
        )

    @display(description="Status", ordering="status", label=STATUS_COLOURS)
    def status_label(self, obj):
        return obj.get_status_display()

    def has_add_permission(self, request):
        return request.user.has_perm("appointments.add_appointment")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The page speaks the branch's time zone, all of it (the When, the reminders, the moves, the header)."""
        appointment = self.get_object(request, object_id)
        if appointment is None:
            return super().change_view(request, object_id, form_url, extra_context)
        with timezone.override(availability.branch_zone(appointment.branch)):
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # here, in the branch's zone (a template response renders later otherwise)
        return response

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if is_dealership(request) else [f for f in fields if f != "vehicle"]  # a gym has no cars

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "vehicle" in form.base_fields:  # the customer's own cars, not the dealership's
            form.base_fields["vehicle"].queryset = Vehicle.objects.filter(lead_id=obj.lead_id)
        return form

    def add_view(self, request, form_url="", extra_context=None):
        query = request.GET.urlencode()
        return redirect(reverse("admin:appointments_appointment_book") + (f"?{query}" if query else ""))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("book/", wrap(self.book_view), name="appointments_appointment_book"),
            path("calendar/", wrap(self.calendar_view), name="appointments_appointment_calendar"),
            *super().get_urls(),
        ]

    # --- booking, the calendar ---------------------------------------------------------------

    def book_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        options = {"admin_site": self.admin_site, "vertical": getattr(request.tenant, "vertical", "")}
        if request.method == "POST" and "show" in request.POST:  # "Show free times": nothing is booked yet
            form = BookingForm(initial=request.POST.dict(), **options)
        elif request.method == "POST":
            form = BookingForm(request.POST, **options)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    appointment = services.book(
                        data["lead"],
                        data["branch"],
                        data["kind"],
                        parse_datetime(data["slot"]),
                        staff=data["staff"],
                        vehicle=data.get("vehicle"),
                        notes=data["notes"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    form.add_error("slot", exc.messages[0])
                else:
                    messages.success(request, f"Booked: {appointment} for {appointment.lead}.")
                    return redirect(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
        else:
            form = BookingForm(initial=request.GET.dict(), **options)
        chosen = request.POST if request.method == "POST" else request.GET
        keep = ("lead", "branch", "kind", "staff")  # the choices, without the day (nor the CSRF token)
        context = {
            **self.admin_site.each_context(request),
            "title": "Book an appointment",
            "form": form,
            "wider_query": urlencode({name: chosen[name] for name in keep if chosen.get(name)}),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/appointments/book.html", context)

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        branches = list(Branch.objects.order_by("name"))
        branch = next(
            (b for b in branches if public_ids.of(b) == request.GET.get("branch")), branches[0] if branches else None
        )
        week = calendar_grid.week_of(request.GET.get("week"), branch)
        grid = calendar_grid.build(branch, week, request.GET.get("week")) if branch else None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Calendar: {branch.name}" if branch else "Calendar",
            "branches": branches,
            "branch": branch,
            "grid": grid,
            "opts": self.model._meta,
            "kinds": [(label, calendar_grid.KIND_COLOURS[value]) for value, label in Kind.choices],
        }
        return TemplateResponse(request, "admin/appointments/calendar.html", context)

    @action(description="Calendar", url_path="open-calendar", icon="calendar_month", permissions=["view"])
    def open_calendar(self, request):
        return redirect(reverse("admin:appointments_appointment_calendar"))

    # --- quick status moves ------------------------------------------------------------------

    def get_actions_detail(self, request, object_id):
        actions = super().get_actions_detail(request, object_id)
        appointment = Appointment.objects.filter(pk=object_id).only("status").first()
        if appointment is None:
            return actions
        allowed = ACTIONS_BY_STATUS.get(appointment.status, set())
        return [a for a in actions if a.action_name.removeprefix("appointments_appointment_") in allowed]

    def _move(self, request, object_id, button, verb, perform, form_class=None):
        """A confirmation page (with the form the move needs), then the move; back to the appointment."""
        appointment = get_object_or_404(Appointment.objects.select_related("branch", "lead"), pk=object_id)
        if form_class is RescheduleForm:
            form = form_class(request.POST or None, appointment=appointment)
        else:
            form = form_class(request.POST or None) if form_class else None

        def act(data):
            perform(appointment, data)
            appointment.refresh_from_db()  # the message names the new time of a move, not the old one
            return f"{verb}: {appointment.lead} ({appointment})."

        who = appointment.lead or "(erased)"
        return confirm_then_act(
            self,
            request,
            title=f"{button}: {who}",
            summary=f"{who}: {appointment} at {appointment.branch} ({appointment.get_status_display().lower()}).",
            button=button,
            back_url=reverse("admin:appointments_appointment_change", args=[appointment.pk]),
            perform=act,
            form=form,
        )

    @action(description="Confirm", url_path="confirm", icon="check", permissions=["move_appointment"])
    def detail_confirm(self, request, object_id):
        return self._move(
            request, object_id, "Confirm", "Confirmed", lambda a, d: services.confirm(a, actor=request.user)
        )

    @action(description="Check in", url_path="check-in", icon="how_to_reg", permissions=["move_appointment"])
    def detail_check_in(self, request, object_id):
        return self._move(
            request, object_id, "Check in", "Checked in", lambda a, d: services.check_in(a, actor=request.user)
        )

    @action(description="No-show", url_path="no-show", icon="person_off", permissions=["move_appointment"])
    def detail_no_show(self, request, object_id):
        return self._move(
            request, object_id, "Mark as no-show", "No-show", lambda a, d: services.mark_no_show(a, actor=request.user)
        )

    @action(description="Move", url_path="reschedule", icon="event_repeat", permissions=["move_appointment"])
    def detail_reschedule(self, request, object_id):
        def perform(appointment, data):
            services.reschedule(appointment, parse_datetime(data["slot"]), actor=request.user, reason=data["reason"])

        return self._move(request, object_id, "Move", "Moved", perform, RescheduleForm)

    @action(description="Cancel", url_path="cancel", icon="event_busy", permissions=["move_appointment"])
    def detail_cancel(self, request, object_id):
        def perform(appointment, data):
            services.cancel(appointment, reason=data["reason"], actor=request.user)

        return self._move(request, object_id, "Cancel the appointment", "Canceled", perform, ReasonForm)

    @action(description="Check in", url_path="row-check-in", permissions=["move_appointment"])
    def row_check_in(self, request, object_id):
        return self.detail_check_in(request, object_id)

    @action(description="No-show", url_path="row-no-show", permissions=["move_appointment"])
    def row_no_show(self, request, object_id):
        return self.detail_no_show(request, object_id)

    def _bulk(self, request, queryset, verb, service):
        done = refused = 0
        for appointment in queryset.select_related("lead"):
            try:
                service(appointment, actor=request.user)
                done += 1
            except ValidationError:
                refused += 1
        messages.success(request, f"{verb}: {done}." + (f" {refused} could not be (their status)." if refused else ""))

    @admin.action(description="Confirm the selected appointments", permissions=["move_appointment"])
    def confirm_selected(self, request, queryset):
        self._bulk(request, queryset, "Confirmed", services.confirm)

    @admin.action(description="Check in the selected appointments", permissions=["move_appointment"])
    def check_in_selected(self, request, queryset):
        self._bulk(request, queryset, "Checked in", services.check_in)

    @admin.action(description="Mark the selected appointments as no-shows", permissions=["move_appointment"])
    def no_show_selected(self, request, queryset):
        self._bulk(request, queryset, "No-shows", services.mark_no_show)


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(TenantModelAdmin):
    list_display = ["branch", "weekday", "opens", "closes", "slot_minutes", "capacity", "kinds", "staff", "is_active"]
    list_filter = ["branch", "weekday", "is_active"]
    list_select_related = ["branch", "staff"]
    ordering = ["branch", "weekday", "opens"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            kwargs["queryset"] = services.staff_members()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Closure)
class ClosureAdmin(TenantModelAdmin):
    list_display = ["branch", "start_date", "end_date", "reason"]
    list_filter = ["branch"]
    ordering = ["-start_date"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = ["appointment", "channel", "send_at", "status", "sent_at", "error"]
    list_filter = ["channel", "status"]
    list_select_related = ["appointment__branch"]
    ordering = ["-send_at"]


@admin.register(AppointmentSettings)
class AppointmentSettingsAdmin(TenantModelAdmin):
    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AppointmentSettings.objects.exists()


@admin.register(CalendarFeed)
class CalendarFeedAdmin(TenantModelAdmin):
    list_display = ["__str__", "feed_url", "created_at"]
    fields = ["branch", "staff", "feed_url"]
    readonly_fields = ["feed_url"]
    actions_detail = ["rotate_url"]

    def get_queryset(self, request):
        return feed_access.visible_feeds(request.user, super().get_queryset(request))

    @action(description="New secret URL", url_path="rotate", icon="autorenew", permissions=["rotate_feed"])
    def rotate_url(self, request, object_id):
        feed = get_object_or_404(self.get_queryset(request), pk=object_id)
        return confirm_then_act(
            self,
            request,
            title=f"New secret URL: {feed}",
            summary="Calendars subscribed to the current address stop receiving appointments at once.",
            button="Make a new URL",
            back_url=reverse("admin:appointments_calendarfeed_change", args=[feed.pk]),
            perform=lambda data: f"{feed_access.rotate(feed)}: new address ready.",
        )

    @display(description="Subscribe at")
    def feed_url(self, obj):
        if not obj.pk:
            return "Saved feeds get a secret address; delete the feed to revoke it."
        return format_html('<code class="select-all">{}</code>', obj.public_url)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            kwargs["queryset"] = services.staff_members()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
