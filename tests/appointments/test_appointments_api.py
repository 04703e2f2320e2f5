"""``/api/v1/appointments/``: free slots, booking (201, or 409 with alternatives), moving, canceling, check-in,
no-show, upcoming, filters; availability rules, closures, settings; the secret .ics feeds; who may do what."""

from datetime import timedelta

import icalendar
import pytest

from appointments.models import Appointment, AppointmentSettings, CalendarFeed, Reminder
from core import public_ids
from core.formats import timestamp
from core.public_ids import of as pid
from leads.models import Lead
from tenants.models import Branch, User
from tenants.roles import Role
from tests.clock import local
from tests.conftest import api_client, member
from tests.factories import AppointmentFactory, BranchFactory, CalendarFeedFactory, LeadFactory

from .conftest import FRI, MON, SAT, THU, TUE, WED, at

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments/"


@pytest.fixture
def manager(tenant_a):
    return member(tenant_a, Role.MANAGER, "maria")


@pytest.fixture
def client(clock, manager, tenant_a):
    """Signed in at the frozen clock's time, so the token is fresh then."""
    return api_client(manager, tenant_a)


@pytest.fixture
def agent_client(clock, tenant_a):
    return api_client(member(tenant_a, Role.AGENT, "andy"), tenant_a)


def book(client, lead, branch, start, kind="tour", **fields):
    body = {"lead": pid(lead), "branch": pid(branch), "kind": kind, "start": start.isoformat(), **fields}
    return client.post(URL, body, format="json")


def test_availability_lists_free_slots_in_the_branch_and_the_persons_zone(client, branch, tours, lead, clock):
    lead.time_zone = "America/Los_Angeles"
    lead.save(update_fields=["time_zone"])
    AppointmentFactory(tenant=branch.tenant, branch=branch, kind="tour", start=at(TUE, 9), end=at(TUE, 10))
    response = client.get(f"{URL}availability/", {"branch": pid(branch), "kind": "tour", "from": TUE, "to": TUE})
    assert response.status_code == 200, response.json()
    slots = response.json()
    assert [s["local_start"][11:16] for s in slots] == [f"{h:02d}:00" for h in range(10, 17)]
    assert slots[0]["remaining"] == 1 and slots[0]["local_start"] == local(TUE, 10).isoformat()  # New York's offset

    with_lead = client.get(
        f"{URL}availability/",
        {"branch": pid(branch), "kind": "tour", "from": TUE, "to": TUE, "lead": pid(lead)},
    ).json()
    assert with_lead[0]["lead_local_start"] == local(TUE, 7, zone="America/Los_Angeles").isoformat()


def test_availability_defaults_to_the_coming_week_and_refuses_bad_ranges(client, branch, tours, clock):
    week = client.get(f"{URL}availability/", {"branch": pid(branch), "kind": "tour"}).json()
    days = {s["local_start"][:10] for s in week}
    assert min(days) == MON.isoformat() and max(days) == FRI.isoformat()  # Monday to Friday; the weekend is shut

    next_monday = MON + timedelta(days=7)
    backwards = client.get(
        f"{URL}availability/", {"branch": pid(branch), "kind": "tour", "from": next_monday, "to": TUE}
    )
    assert backwards.status_code == 400 and "to" in backwards.json()["fields"]
    nonsense = client.get(
        f"{URL}availability/", {"branch": public_ids.encode(Branch, 999999), "kind": "massage", "from": "soon"}
    )
    assert nonsense.status_code == 400
    assert set(nonsense.json()["fields"]) == {"branch", "kind", "from"}


def test_book_then_the_same_last_place_is_a_409_with_alternatives(client, tenant_a, branch, tours, lead, clock):
    created = book(client, lead, branch, at(TUE, 10), notes="Wants the pool")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["source"], body["lead_name"], body["notes"]) == (
        "booked",
        "api",
        lead.full_name,
        "Wants the pool",
    )
    assert Lead.all_tenants.get(pk=lead.pk).stage == "booked"
    # 2 h before, by SMS and by email; 24 h before is already past.
    assert Reminder.all_tenants.filter(appointment_id=public_ids.decode(Appointment, body["id"])).count() == 2

    other = LeadFactory(tenant=tenant_a, phone="+12125559876")
    taken = book(client, other, branch, at(TUE, 10))
    assert taken.status_code == 409
    error = taken.json()
    assert error["code"] == "slot_taken" and "10:00 is not free" in error["message"]
    assert error["alternatives"] == [timestamp(at(TUE, h)) for h in (9, 11, 12)]  # the nearest first
    assert Appointment.all_tenants.filter(lead=other).count() == 0


def test_a_bad_booking_gets_a_field_map_and_writes_nothing(client, tenant_b, branch, tours, lead, clock):
    foreign_lead = LeadFactory(tenant=tenant_b)
    response = client.post(
        URL,
        {"lead": pid(foreign_lead), "branch": pid(branch), "kind": "spa", "start": "tomorrow", "colour": "red"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"lead", "kind", "start", "colour"}
    assert Appointment.all_tenants.count() == 0


def test_reschedule_cancel_check_in_and_no_show(client, manager, tenant_a, branch, tours, lead, clock):
    appointment = book(client, lead, branch, at(TUE, 10)).json()
    url = f"{URL}{appointment['id']}"

    moved = client.post(f"{url}/reschedule/", {"start": at(WED, 14).isoformat(), "reason": "Traffic"}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["start"] == at(WED, 14).isoformat().replace("+00:00", "Z")
    assert [m["reason"] for m in moved.json()["moves"]] == ["Traffic"]
    not_a_slot = client.post(f"{url}/reschedule/", {"start": at(WED, 14, 30).isoformat()}, format="json")
    assert not_a_slot.status_code == 409

    assert client.post(f"{url}/confirm/").json()["status"] == "confirmed"
    early = client.post(f"{url}/check-in/")  # two days before: not a check-in (the README walk took one)
    assert early.status_code in (400, 409) and "check them in on the day" in str(early.json())
    clock.move_to(at(WED, 13, 50))  # they came a little early
    assert api_client(manager, tenant_a).post(f"{url}/check-in/").json()["status"] == "attended"
    clock.move_to(at(MON, 11))  # back to the test's Monday (and its client's token)
    assert Lead.all_tenants.get(pk=lead.pk).stage == "attended"
    canceled = client.post(f"{url}/cancel/", {"reason": "changed mind"}, format="json")
    assert canceled.status_code == 400 and "status" in canceled.json()["fields"]

    second = book(client, lead, branch, at(THU, 9)).json()
    gone = client.post(f"{URL}{second['id']}/cancel/", {"reason": "Sick"}, format="json").json()
    assert (gone["status"], gone["cancel_reason"]) == ("canceled", "Sick")
    assert not Reminder.all_tenants.filter(
        appointment_id=public_ids.decode(Appointment, second["id"]), status="pending"
    ).exists()

    third = book(client, lead, branch, at(MON, 14)).json()
    early = client.post(f"{URL}{third['id']}/no-show/")
    assert early.status_code == 400, early.json()
    assert "not started yet" in early.json()["fields"]["status"][0], early.json()
    clock.move_to(at(MON, 14, 25))
    client = api_client(User.objects.get(username="maria"), tenant_a)  # a fresh token at the new time
    assert client.post(f"{URL}{third['id']}/no-show/").json()["status"] == "no_show"
    assert Lead.all_tenants.get(pk=lead.pk).stage == "no_show"


def test_upcoming_and_filters(client, tenant_a, branch, tours, lead, clock):
    uptown = BranchFactory(tenant=tenant_a, name="Uptown", time_zone="America/New_York")
    friday_before = MON - timedelta(days=3)
    past = AppointmentFactory(
        tenant=tenant_a, branch=branch, lead=lead, start=at(friday_before, 10), end=at(friday_before, 11)
    )
    soon = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(TUE, 10), end=at(TUE, 11))
    later = AppointmentFactory(tenant=tenant_a, branch=uptown, lead=lead, start=at(FRI, 10), end=at(FRI, 11))
    AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(WED, 10), end=at(WED, 11), status="canceled")

    upcoming = client.get(f"{URL}upcoming/").json()["results"]
    assert [row["id"] for row in upcoming] == [pid(soon), pid(later)]
    by_branch = client.get(URL, {"branch": pid(uptown)}).json()["results"]
    assert [row["id"] for row in by_branch] == [pid(later)]
    before = client.get(URL, {"start_before": at(friday_before + timedelta(days=1), 0).isoformat()}).json()["results"]
    assert [row["id"] for row in before] == [pid(past)]
    canceled = client.get(URL, {"status": "canceled"}).json()["results"]
    assert len(canceled) == 1


def test_only_notes_and_vehicle_are_edited_directly(client, tenant_a, branch, lead):
    appointment = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead)
    response = client.patch(f"{URL}{pid(appointment)}/", {"notes": "Bring ID", "status": "attended"}, format="json")
    assert response.status_code == 200
    stored = Appointment.all_tenants.get(pk=appointment.pk)
    assert (stored.notes, stored.status) == ("Bring ID", "booked")


def test_list_in_a_fixed_number_of_queries(client, tenant_a, branch, lead, django_assert_max_num_queries):
    for day in (TUE, WED, THU, FRI):
        appointment = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(day, 10))
        appointment.moves.create(tenant=tenant_a, from_start=at(day, 9), to_start=at(day, 10))
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.json()["count"] == 4


def test_agents_book_but_only_managers_set_opening_hours(agent_client, client, tenant_a, branch, tours, lead, clock):
    assert book(agent_client, lead, branch, at(TUE, 10)).status_code == 201
    rule = {"branch": pid(branch), "weekday": 5, "opens": "09:00", "closes": "13:00", "kinds": ["tour"]}
    assert agent_client.post(f"{URL}availability-rules/", rule, format="json").status_code == 403
    assert agent_client.patch(f"{URL}settings/", {"no_show_grace_minutes": 5}, format="json").status_code == 403
    assert client.post(f"{URL}availability-rules/", rule, format="json").status_code == 201
    saturday = client.get(f"{URL}availability/", {"branch": pid(branch), "kind": "tour", "from": SAT, "to": SAT}).json()
    assert len(saturday) == 4


def test_availability_rules_and_closures_are_validated(client, branch):
    inside_out = {"branch": pid(branch), "weekday": 9, "opens": "17:00", "closes": "09:00", "kinds": ["yoga"]}
    response = client.post(f"{URL}availability-rules/", inside_out, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"weekday", "kinds.0"}
    response = client.post(f"{URL}availability-rules/", {**inside_out, "weekday": 1, "kinds": []}, format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"closes"}

    start = MON + timedelta(days=30)
    closure = {"branch": pid(branch), "start_date": start, "end_date": start - timedelta(days=2), "reason": "Holidays"}
    response = client.post(f"{URL}closures/", closure, format="json")
    assert response.status_code == 400 and "end_date" in response.json()["fields"]
    closure["end_date"] = start + timedelta(days=1)
    assert client.post(f"{URL}closures/", closure, format="json").status_code == 201


def test_a_closure_removes_its_days_from_availability(client, branch, tours, clock):
    client.post(f"{URL}closures/", {"branch": pid(branch), "start_date": THU, "reason": "Thanksgiving"})
    slots = client.get(f"{URL}availability/", {"branch": pid(branch), "kind": "tour", "from": WED, "to": FRI}).json()
    assert {s["local_start"][:10] for s in slots} == {WED.isoformat(), FRI.isoformat()}


def test_settings_read_and_change_with_a_field_map_for_bad_values(client, tenant_a):
    current = client.get(f"{URL}settings/").json()
    assert current["no_show_grace_minutes"] == 30 and current["reminder_channels"] == ["sms", "email"]
    bad = client.patch(f"{URL}settings/", {"reminder_channels": ["pigeon"], "reminder_offsets": "soon"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"reminder_channels.0", "reminder_offsets"}
    good = client.patch(f"{URL}settings/", {"reminder_offsets": {"tour": [60]}}, format="json")
    assert good.status_code == 200, good.json()
    assert AppointmentSettings.all_tenants.get(tenant=tenant_a).reminder_offsets == {"tour": [60]}


def test_a_feed_url_serves_an_ics_that_icalendar_parses(client, tenant_a, branch, tours, lead, clock):
    book(client, lead, branch, at(TUE, 10))
    AppointmentFactory(tenant=tenant_a, branch=BranchFactory(tenant=tenant_a), lead=lead, start=at(TUE, 12))
    feed = client.post(f"{URL}calendar-feeds/", {"branch": pid(branch)}, format="json")
    assert feed.status_code == 201, feed.json()
    path = feed.json()["url"].removeprefix("http://testserver")

    response = api_client().get(path)  # no credentials: the token in the URL is the key
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == at(TUE, 10)
    assert lead.first_name in str(events[0]["summary"])

    client.delete(f"{URL}calendar-feeds/{feed.json()['id']}/")
    assert api_client().get(path).status_code == 404


def test_a_guessed_token_finds_nothing(tenant_a):
    CalendarFeedFactory(tenant=tenant_a)
    assert api_client().get("/calendar/not-a-real-token.ics").status_code == 404


def test_a_staff_feed_holds_only_that_persons_appointments(client, tenant_a, branch, lead, clock):
    trainer = member(tenant_a, Role.AGENT, "tina")
    mine = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, staff=trainer, start=at(TUE, 10))
    AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(TUE, 11))
    feed = CalendarFeed.all_tenants.create(tenant=tenant_a, staff=trainer)
    response = api_client().get(f"/calendar/{feed.token}.ics")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [mine.start]


def test_a_feed_for_someone_outside_the_business_is_refused(client, tenant_b):
    outsider = member(tenant_b, Role.AGENT, "otto")
    response = client.post(f"{URL}calendar-feeds/", {"staff": pid(outsider)}, format="json")
    assert response.status_code == 400 and "staff" in response.json()["fields"]


def test_availability_in_a_fixed_number_of_queries(client, tenant_a, branch, tours, django_assert_max_num_queries):
    for day in (TUE, WED, THU):
        for hour in range(9, 17):
            AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(day, hour), end=at(day, hour + 1))
    query = {"branch": pid(branch), "kind": "tour", "from": MON, "to": MON + timedelta(days=13)}  # two weeks
    with django_assert_max_num_queries(8):
        slots = client.get(f"{URL}availability/", query).json()
    next_week = [MON + timedelta(days=7 + n) for n in range(5)]  # Monday to Friday, nothing booked
    assert {s["local_start"][:10] for s in slots} == {day.isoformat() for day in (MON, FRI, *next_week)}
