"""Appointments in the admin: the booking form offers only free slots and books; the week calendar places each
appointment in its day and hour; move, cancel, confirm, check-in and no-show from the appointment page, with
only the buttons its status allows; today's first in the list; another tenant's rows are out of reach."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from appointments.availability import branch_zone
from appointments.calendar_grid import PX_PER_HOUR
from appointments.models import Appointment, AvailabilityRule
from core.public_ids import of as pid
from leads.models import Lead
from tenants.roles import Role
from tests.conftest import member
from tests.factories import AppointmentFactory, BranchFactory, LeadFactory

from .conftest import MON, THU, TUE, WED, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, tenant_a, clock):
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    return client


def url(name, *args):
    return reverse(f"admin:appointments_appointment_{name}", args=args)


def slot_values(response):
    return [value for value, _ in response.context["form"].fields["slot"].choices]


def test_the_booking_form_says_no_free_time_only_after_looking(staff, branch, tours):
    before = staff.get(url("book")).content.decode()
    assert "No free time" not in before and "Choose a branch and a kind, then Show free times." in before
    branch_only = staff.get(url("book"), {"branch": pid(branch)})  # the kind the branch offers first: tours
    assert branch_only.context["form"].initial["kind"] == "tour" and slot_values(branch_only)[1:]
    closed = staff.get(url("book"), {"branch": pid(branch), "kind": "consultation"}).content.decode()
    assert "No free time in the next two weeks for that choice." in closed


def test_the_booking_form_offers_only_free_slots_then_books(staff, tenant_a, branch, tours, lead):
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(TUE, 10), end=at(TUE, 11))
    page = staff.get(url("book"), {"branch": pid(branch), "kind": "tour", "day": TUE})
    assert page.status_code == 200
    offered = slot_values(page)
    assert at(TUE, 9).isoformat() in offered and at(TUE, 11).isoformat() in offered
    assert at(TUE, 10).isoformat() not in offered  # the one place is taken
    assert at(MON, 12).isoformat() not in offered  # before the day asked for
    assert f"{TUE:%a %d %b} 09:00 (1 free)" in page.content.decode()  # e.g. "Tue 24 Nov 09:00 (1 free)"

    booked = staff.post(
        url("book"),
        {"lead": pid(lead), "branch": pid(branch), "kind": "tour", "slot": at(TUE, 11).isoformat(), "notes": "Pool"},
    )
    appointment = Appointment.all_tenants.get(lead=lead)
    assert booked.status_code == 302 and booked["Location"] == url("change", appointment.pk)
    assert (appointment.start, appointment.source, appointment.notes) == (at(TUE, 11), "staff", "Pool")
    assert Lead.all_tenants.get(pk=lead.pk).stage == "booked"


def test_a_slot_taken_meanwhile_is_a_form_error_not_a_double_booking(staff, tenant_a, branch, tours, lead):
    form = {"lead": pid(lead), "branch": pid(branch), "kind": "tour", "slot": at(TUE, 11).isoformat()}
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(TUE, 11), end=at(TUE, 12))
    response = staff.post(url("book"), form)
    assert response.status_code == 200
    assert "slot" in response.context["form"].errors
    assert Appointment.all_tenants.count() == 1


def test_the_booking_form_refuses_another_tenants_lead_and_branch(staff, tenant_b, branch, tours):
    foreign_branch = BranchFactory(tenant=tenant_b)
    foreign_lead = LeadFactory(tenant=tenant_b)
    response = staff.post(
        url("book"), {"lead": pid(foreign_lead), "branch": pid(foreign_branch), "kind": "tour", "slot": ""}
    )
    assert response.status_code == 200
    assert {"lead", "branch"} <= set(response.context["form"].errors)
    assert Appointment.all_tenants.count() == 0


def test_add_goes_to_the_booking_form(staff):
    response = staff.get(url("add"))
    assert response.status_code == 302 and response["Location"].startswith(url("book"))


def test_the_week_calendar_places_appointments_by_day_and_hour(staff, tenant_a, tenant_b, branch, tours, lead):
    tour = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, kind="tour", start=at(WED, 14))
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="service", start=at(WED, 14), status="canceled")
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(MON + timedelta(days=7), 9))  # next week
    foreign = AppointmentFactory(tenant=tenant_b, kind="tour", start=at(WED, 14))

    response = staff.get(url("calendar"), {"branch": pid(branch), "week": WED})
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [day["date"] for day in grid["days"]][:2] == [MON, TUE]
    assert grid["hours"][0] == "09:00" and grid["hours"][-1] == "16:00"
    wednesday = grid["days"][2]["items"]
    assert [item["url"] for item in wednesday] == [url("change", tour.pk), wednesday[1]["url"]]
    placed = wednesday[0]
    assert (placed["top"], placed["time"], placed["width"]) == (
        5 * PX_PER_HOUR,
        "14:00–15:00",
        50,
    )  # two lanes at 14:00
    assert wednesday[1]["status"] == "canceled"
    assert grid["count"] == 2
    html = response.content.decode()
    assert url("change", tour.pk) in html and url("change", foreign.pk) not in html
    assert lead.first_name in html

    next_week = staff.get(url("calendar"), {"branch": pid(branch), "week": grid["next"]}).context["grid"]
    assert next_week["count"] == 1


def test_the_calendar_never_shows_another_tenants_branch(staff, tenant_b, branch):
    foreign_branch = BranchFactory(tenant=tenant_b, name="Their gym")
    AppointmentFactory(tenant=tenant_b, branch=foreign_branch, start=at(WED, 14))
    response = staff.get(url("calendar"), {"branch": pid(foreign_branch)})
    assert response.context["branch"] == branch
    assert "Their gym" not in response.content.decode()


def test_move_then_cancel_from_the_appointment_page(staff, tenant_a, branch, tours, lead):
    appointment = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, kind="tour", start=at(TUE, 10))
    page = staff.get(url("detail_reschedule", appointment.pk))
    assert {at(TUE, 9).isoformat(), at(WED, 15).isoformat()} <= set(slot_values(page))
    assert '<option value="" selected>Pick a time</option>' in page.content.decode()  # nothing picked for them

    unpicked = staff.post(url("detail_reschedule", appointment.pk), {"slot": "", "reason": ""})
    assert unpicked.status_code == 200 and "This field is required" in unpicked.content.decode()
    moved = staff.post(
        url("detail_reschedule", appointment.pk),
        {"slot": at(WED, 15).isoformat(), "reason": "Car trouble"},
        follow=True,
    )
    appointment.refresh_from_db()
    assert appointment.start == at(WED, 15)
    assert (
        f"Moved: {lead} (Tour {at(WED, 15).astimezone(branch_zone(branch)):%a %d %b %H:%M})" in moved.content.decode()
    )
    assert list(appointment.moves.values_list("reason", flat=True)) == ["Car trouble"]

    staff.post(url("detail_cancel", appointment.pk), {"reason": "Moved away"})
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancel_reason) == ("canceled", "Moved away")


def test_only_the_buttons_the_status_allows(staff, tenant_a, branch, lead):
    booked = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(TUE, 10))
    html = staff.get(url("change", booked.pk)).content.decode()
    for name in ("detail_confirm", "detail_check_in", "detail_reschedule", "detail_cancel"):
        assert url(name, booked.pk) in html, name

    attended = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(MON, 9), status="attended")
    html = staff.get(url("change", attended.pk)).content.decode()
    assert url("detail_cancel", attended.pk) not in html and url("detail_check_in", attended.pk) not in html


def test_confirm_check_in_and_a_stale_click(staff, tenant_a, branch, lead):
    appointment = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(MON, 10))
    staff.post(url("detail_confirm", appointment.pk))
    staff.post(url("detail_check_in", appointment.pk))
    appointment.refresh_from_db()
    assert appointment.status == "attended" and appointment.checked_in_at is not None
    stale = staff.post(url("detail_no_show", appointment.pk), follow=True)
    assert "cannot become no_show" in stale.content.decode()
    assert Appointment.all_tenants.get(pk=appointment.pk).status == "attended"


def test_bulk_confirm_reports_what_could_not_be(staff, tenant_a, branch, lead):
    booked = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(TUE, 10))
    canceled = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(TUE, 11), status="canceled")
    response = staff.post(
        url("changelist"),
        {"action": "confirm_selected", "_selected_action": [booked.pk, canceled.pk]},
        follow=True,
    )
    assert "Confirmed: 1. 1 could not be" in response.content.decode()
    assert Appointment.all_tenants.get(pk=booked.pk).status == "confirmed"


def test_the_list_starts_today_soonest_first(staff, tenant_a, branch, lead):
    yesterday = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(MON - timedelta(days=1), 10))
    later = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(THU, 10))
    this_morning = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(MON, 9))
    shown = [a.pk for a in staff.get(url("changelist")).context["cl"].result_list]
    assert shown == [this_morning.pk, later.pk]
    past = staff.get(url("changelist"), {"when": "past"}).context["cl"].result_list
    assert [a.pk for a in past] == [yesterday.pk]


def test_another_tenants_appointment_cannot_be_moved(staff, tenant_b):
    foreign = AppointmentFactory(tenant=tenant_b, start=at(TUE, 10))
    for name in ("detail_confirm", "detail_cancel", "detail_reschedule", "row_check_in"):
        assert staff.post(url(name, foreign.pk), {"reason": "x"}).status_code == 404, name
    assert Appointment.all_tenants.get(pk=foreign.pk).status == "booked"


def test_agents_book_but_cannot_change_opening_hours(client, tenant_a, branch, clock):
    client.force_login(member(tenant_a, Role.AGENT, "andy"))
    assert client.get(url("book")).status_code == 200
    rules = reverse("admin:appointments_availabilityrule_add")
    assert client.get(rules).status_code == 403
    assert not AvailabilityRule.all_tenants.exists()


def test_a_dealership_books_and_edits_with_the_customers_own_cars_only(client, tenant_b, clock):
    """Issue 19: the booking form offered every car of the dealership (thousands of them, other customers'
    too); it offers the chosen person's cars, and none before a person is chosen. The appointment page too."""
    from tests.factories import VehicleFactory

    client.force_login(member(tenant_b, Role.MANAGER, "mike"))
    lane = BranchFactory(tenant=tenant_b, name="Service lane", time_zone="America/New_York")
    owner, other = LeadFactory(tenant=tenant_b, first_name="Olga"), LeadFactory(tenant=tenant_b, first_name="Otto")
    hers = VehicleFactory(tenant=tenant_b, lead=owner, vin="1HGCM82633A004352")
    VehicleFactory(tenant=tenant_b, lead=other, vin="1HGCM82633A004353")

    def offered(page):  # the options of the rendered select
        select = re.search(r'<select name="vehicle".*?</select>', page.text, re.S)[0]
        return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]

    blank = client.get(url("book"), {"branch": pid(lane)})
    assert offered(blank) == [] and "Choose the person, then Show free times: their cars are offered." in blank.text
    assert offered(client.get(url("book"), {"lead": pid(owner), "branch": pid(lane)})) == [pid(hers)]

    appointment = AppointmentFactory(tenant=tenant_b, lead=owner, branch=lane, start=at(TUE, 10), end=at(TUE, 11))
    assert offered(client.get(url("change", appointment.pk))) == [pid(hers)]


def test_a_day_from_the_calendar_offers_that_days_times_and_show_free_times_books_nothing(
    staff, tenant_a, branch, tours, lead
):
    """Issue 19 (the README walk): "+ book" on a day offered two weeks of times; the kinds offered a gym's
    desk the service lane; "Show free times" was a GET that put the CSRF token in the address."""
    page = staff.get(url("book"), {"branch": pid(branch), "day": TUE})
    offered = slot_values(page)[1:]
    assert offered and {datetime.fromisoformat(value).astimezone(branch_zone(branch)).date() for value in offered} == {
        TUE
    }
    assert f"Times on {TUE:%A} {TUE.day} {TUE:%B}." in page.text and "Show the next two weeks" in page.text
    assert [value for value, _ in page.context["form"].fields["kind"].choices] == [
        "tour",
        "trial_class",
        "consultation",
        "other",
    ]

    shown = staff.post(url("book"), {"show": "1", "lead": pid(lead), "branch": pid(branch), "kind": "tour"})
    assert shown.status_code == 200 and not Appointment.all_tenants.exists()
    assert len(slot_values(shown)) > len(offered)  # no day: the next two weeks
    assert 'name="show"' in shown.text and 'formmethod="get"' not in shown.text
    assert 'name="vehicle"' not in shown.text  # a gym has no cars: not here, nor on an appointment's page
    appointment = AppointmentFactory(tenant=tenant_a, lead=lead, branch=branch, start=at(TUE, 10), end=at(TUE, 11))
    page = staff.get(url("change", appointment.pk))
    assert page.status_code == 200 and 'name="vehicle"' not in page.text and 'name="notes"' in page.text


def test_an_appointment_at_a_branch_in_another_zone_speaks_its_zone(client, tenant_a, branch, clock):
    """The README walk: at a Chicago branch, the When said 10:00 Chicago, the reminders 11:00 New York time and
    the header "New York time"; the list's header said New York time over Chicago times."""
    from appointments.models import Reminder

    client.force_login(member(tenant_a, Role.MANAGER, "maria"))  # reads New York time (the branch fixture's)
    chicago = BranchFactory(tenant=tenant_a, name="Riverside", time_zone="America/Chicago")
    ana = LeadFactory(tenant=tenant_a, branch=chicago, email="ana@example.test")
    appointment = AppointmentFactory(tenant=tenant_a, lead=ana, branch=chicago, start=at(TUE, 11), end=at(TUE, 12))
    Reminder.all_tenants.create(tenant=tenant_a, appointment=appointment, channel="sms", send_at=at(TUE, 9))
    page = " ".join(client.get(url("change", appointment.pk)).content.decode().split())
    assert "Chicago time" in page and "New York time" not in page
    assert f"{TUE:%A %d %B %Y}, 10:00–11:00 (America/Chicago)" in page
    assert "8 a.m." in page or "08:00" in page  # the reminder, 09:00 New York, on Chicago's clock
    listed = " ".join(client.get(url("changelist"), {"when": "all"}).content.decode().split())
    assert f"{TUE:%a %d %b} 10:00–11:00 CST (Riverside)" in listed
