"""Free slots and booking: rules, capacity, closures, minimum notice, daylight saving; booking that cannot
overbook under concurrency (PostgreSQL); reschedule, cancel, check-in, no-show and the lead's stage."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from appointments import availability, services
from appointments.models import Appointment, AppointmentMove, Reminder, Status
from leads.models import Lead
from tenants.scoping import tenant_scope
from tests.factories import AppointmentFactory, ClosureFactory, LeadFactory, UserFactory

from .conftest import at, weekday_rules

pytestmark = pytest.mark.django_db


def starts(slots):
    return [s.start for s in slots]


def test_slots_follow_the_rules_and_skip_what_is_past(tenant_a, branch, tours, clock):
    with tenant_scope(tenant_a.pk):
        monday = availability.free_slots(branch, "tour", date(2026, 11, 23), date(2026, 11, 23))
        saturday = availability.free_slots(branch, "tour", date(2026, 11, 28), date(2026, 11, 28))
        trial = availability.free_slots(branch, "trial_class", date(2026, 11, 24), date(2026, 11, 24))
    assert starts(monday) == [at(23, h) for h in range(11, 17)]  # 09:00 and 10:00 are past at 11:00
    assert saturday == [] and trial == []


def test_capacity_bookings_and_minimum_notice(tenant_a, branch, lead, clock):
    weekday_rules(tenant_a, branch, capacity=2, min_notice_minutes=120, kinds=["service"])
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="service", start=at(23, 14), end=at(23, 15))
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="service", start=at(23, 15), end=at(23, 16))
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="service", start=at(23, 15), end=at(23, 16))
    AppointmentFactory(
        tenant=tenant_a, branch=branch, kind="service", start=at(23, 16), end=at(23, 17), status="canceled"
    )
    with tenant_scope(tenant_a.pk):
        slots = availability.free_slots(branch, "service", date(2026, 11, 23), date(2026, 11, 23))
    assert [(s.start, s.remaining) for s in slots] == [(at(23, 13), 2), (at(23, 14), 1), (at(23, 16), 2)]


def test_an_appointment_longer_than_a_slot_holds_each_slot_it_overlaps(tenant_a, branch, tours, clock):
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(24, 10, 30), end=at(24, 12, 15))
    with tenant_scope(tenant_a.pk):
        slots = availability.free_slots(branch, "tour", date(2026, 11, 24), date(2026, 11, 24))
    assert starts(slots) == [at(24, h) for h in (9, 13, 14, 15, 16)]


def test_closures_close_whole_days(tenant_a, branch, tours, clock):
    ClosureFactory(tenant=tenant_a, branch=branch, start_date=date(2026, 11, 26), end_date=date(2026, 11, 27))
    with tenant_scope(tenant_a.pk):
        slots = availability.free_slots(branch, "tour", date(2026, 11, 25), date(2026, 11, 28))
    assert {s.start.astimezone(availability.branch_zone(branch)).date() for s in slots} == {date(2026, 11, 25)}


def test_slots_across_the_daylight_saving_change(tenant_a, branch, time_machine):
    """Sunday 8 March 2026 02:00 does not exist in New York; Sunday 1 November 01:30 happens twice."""
    time_machine.move_to(datetime(2026, 3, 1, tzinfo=UTC), tick=False)
    weekday_rules(tenant_a, branch, days=[6], opens=time(1), closes=time(4), kinds=["tour"])
    with tenant_scope(tenant_a.pk):
        spring = availability.free_slots(branch, "tour", date(2026, 3, 8), date(2026, 3, 8))
        sunday_before = availability.free_slots(branch, "tour", date(2026, 3, 1), date(2026, 3, 1))
    # 01:00 EST and 03:00 EDT: 02:00 never happens
    assert starts(spring) == [datetime(2026, 3, 8, 6, tzinfo=UTC), datetime(2026, 3, 8, 7, tzinfo=UTC)]
    assert starts(sunday_before) == [datetime(2026, 3, 1, h, tzinfo=UTC) for h in (6, 7, 8)]
    time_machine.move_to(datetime(2026, 10, 25, tzinfo=UTC), tick=False)
    with tenant_scope(tenant_a.pk):
        autumn = availability.free_slots(branch, "tour", date(2026, 11, 1), date(2026, 11, 1))
    # 01:00 EDT (the first of the two), 02:00 EST, 03:00 EST
    assert starts(autumn) == [datetime(2026, 11, 1, h, tzinfo=UTC) for h in (5, 7, 8)]


def test_book_takes_the_slot_moves_the_lead_and_schedules_reminders(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", at(24, 10))
        left = availability.free_slots(branch, "tour", date(2026, 11, 24), date(2026, 11, 24))
    assert (appointment.start, appointment.end, appointment.status) == (at(24, 10), at(24, 11), "booked")
    assert at(24, 10) not in starts(left)
    assert Lead.all_tenants.get(pk=lead.pk).stage == "booked"
    reminders = sorted(Reminder.all_tenants.filter(appointment=appointment).values_list("channel", "send_at"))
    # Monday 11:00 now: the 24-hour reminders would be in the past, so only the 2-hour ones are made
    assert reminders == [("email", at(24, 8)), ("sms", at(24, 8))]


def test_a_taken_or_made_up_time_is_refused_with_alternatives(tenant_a, branch, tours, lead, clock):
    other = LeadFactory(tenant=tenant_a, phone="+12125559999")
    with tenant_scope(tenant_a.pk):
        services.book(other, branch, "tour", at(24, 10))
        with pytest.raises(services.SlotTaken) as taken:
            services.book(lead, branch, "tour", at(24, 10))
        with pytest.raises(services.SlotTaken):
            services.book(lead, branch, "tour", at(24, 10, 30))  # not a slot
    assert taken.value.api_extra["alternatives"][:2] == [at(24, 9).isoformat(), at(24, 11).isoformat()]


def test_round_robin_among_staff_with_room(tenant_a, branch, lead, clock):
    from tenants.roles import Role
    from tests.conftest import member

    coach_a, coach_b = member(tenant_a, Role.AGENT, "coach-a"), member(tenant_a, Role.AGENT, "coach-b")
    weekday_rules(tenant_a, branch, days=[1], staff=coach_a, kinds=["trial_class"])
    weekday_rules(tenant_a, branch, days=[1], staff=coach_b, kinds=["trial_class"])
    with tenant_scope(tenant_a.pk):
        first = services.book(lead, branch, "trial_class", at(24, 10))
        second = services.book(LeadFactory(tenant=tenant_a, phone="+12125550002"), branch, "trial_class", at(24, 11))
        third = services.book(LeadFactory(tenant=tenant_a, phone="+12125550003"), branch, "trial_class", at(24, 10))
        fourth = LeadFactory(tenant=tenant_a, phone="+12125550004")
        asked = services.book(fourth, branch, "trial_class", at(24, 12), staff=coach_a)
        with pytest.raises(ValidationError, match="Not a staff member"):
            services.book(fourth, branch, "trial_class", at(24, 13), staff=UserFactory(username="outsider"))
    assert {first.staff_id, second.staff_id} == {coach_a.pk, coach_b.pk}
    assert third.staff_id != first.staff_id  # 10:00 had room only with the other coach
    assert asked.staff_id == coach_a.pk


def test_reschedule_keeps_the_history_and_moves_the_reminders(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", at(25, 10))
        services.confirm(appointment)
        moved = services.reschedule(appointment, at(25, 15), reason="Works late")
    assert (moved.pk, moved.start, moved.status) == (appointment.pk, at(25, 15), "booked")
    (move,) = AppointmentMove.all_tenants.filter(appointment=appointment)
    assert (move.from_start, move.to_start, move.reason) == (at(25, 10), at(25, 15), "Works late")
    pending = Reminder.all_tenants.filter(appointment=appointment, status="pending")
    assert sorted(set(pending.values_list("send_at", flat=True))) == [at(24, 15), at(25, 13)]
    assert Reminder.all_tenants.filter(appointment=appointment, status="canceled").count() == 4


def test_cancel_check_in_and_no_show(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        canceled = services.cancel(services.book(lead, branch, "tour", at(24, 10)), reason="Sick")
        came = services.check_in(services.book(lead, branch, "tour", at(24, 11)))
        with pytest.raises(ValidationError):
            services.cancel(came)  # attended is final
    assert (canceled.status, canceled.cancel_reason) == ("canceled", "Sick")
    assert not Reminder.all_tenants.filter(appointment=canceled, status="pending").exists()
    assert Lead.all_tenants.get(pk=lead.pk).stage == "attended"

    other = LeadFactory(tenant=tenant_a, phone="+12125550005", stage="contacted")
    with tenant_scope(tenant_a.pk):
        missed = services.book(other, branch, "tour", at(24, 12))
        with pytest.raises(ValidationError, match="not started yet"):
            services.mark_no_show(missed)
        clock.move_to(at(24, 12, 20))
        services.mark_no_show(missed)
    assert Lead.all_tenants.get(pk=other.pk).stage == "no_show"


def test_nobody_marked_it_so_it_becomes_a_no_show_after_the_grace(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", at(23, 14))
    clock.move_to(at(23, 15, 29))
    with tenant_scope(tenant_a.pk):
        assert services.expire_no_shows() == 0
    clock.move_to(at(23, 15, 31))
    with tenant_scope(tenant_a.pk):
        assert services.expire_no_shows() == 1
    assert Appointment.all_tenants.get(pk=appointment.pk).status == Status.NO_SHOW


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_bookings_for_the_last_two_places(tenant_a, branch):
    weekday_rules(tenant_a, branch, capacity=2, kinds=["service"])
    leads = [LeadFactory(tenant=tenant_a, phone=f"+1212555{7000 + i}") for i in range(10)]
    slot = datetime.combine(date.today() + timedelta(days=14), time(10))
    barrier = threading.Barrier(10)
    results = []

    def attempt(lead):
        try:
            with tenant_scope(tenant_a.pk):
                start = availability.local_moment(slot.date(), slot.time(), availability.branch_zone(branch))
                while start.weekday() >= 5:
                    start += timedelta(days=1)
                barrier.wait(timeout=10)
                services.book(lead, branch, "service", start)
                results.append("booked")
        except services.SlotTaken:
            results.append("taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked"] * 2 + ["taken"] * 8
    assert Appointment.all_tenants.filter(branch=branch).count() == 2


def test_no_show_fires_the_follow_up_hook(tenant_a, branch, tours, lead, clock, django_capture_on_commit_callbacks):
    from appointments import hooks

    heard = []
    hooks.register_no_show_handler(heard.append)
    try:
        with tenant_scope(tenant_a.pk):
            appointment = services.book(lead, branch, "tour", at(23, 14))
            clock.move_to(at(23, 14, 30))
            with django_capture_on_commit_callbacks(execute=True):
                services.mark_no_show(appointment)
    finally:
        hooks._no_show_handlers.remove(heard.append)
    assert heard == [lead.pk]


def test_book_in_a_fixed_number_of_queries(tenant_a, branch, tours, lead, clock, django_assert_max_num_queries):
    for hour in range(9, 17):
        AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(26, hour), end=at(26, hour + 1))
    with tenant_scope(tenant_a.pk), django_assert_max_num_queries(25):
        services.book(lead, branch, "tour", at(27, 10))
