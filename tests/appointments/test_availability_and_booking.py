"""Free slots and booking: rules, capacity, closures, minimum notice, daylight saving; booking that cannot
overbook under concurrency (PostgreSQL); reschedule, cancel, check-in, no-show and the lead's stage."""

import threading
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from appointments import availability, services
from appointments.models import Appointment, AppointmentMove, Reminder, Status
from core.formats import timestamp
from leads.models import Lead
from tenants.scoping import tenant_scope
from tests.clock import dst_switches, moment, today
from tests.factories import AppointmentFactory, ClosureFactory, LeadFactory, UserFactory

from .conftest import FRI, MON, SAT, THU, TUE, WED, at, weekday_rules

pytestmark = pytest.mark.django_db


def starts(slots):
    return [s.start for s in slots]


def test_slots_follow_the_rules_and_skip_what_is_past(tenant_a, branch, tours, clock):
    with tenant_scope(tenant_a.pk):
        monday = availability.free_slots(branch, "tour", MON, MON)
        saturday = availability.free_slots(branch, "tour", SAT, SAT)
        trial = availability.free_slots(branch, "trial_class", TUE, TUE)
    assert starts(monday) == [at(MON, h) for h in range(11, 17)]  # 09:00 and 10:00 are past at 11:00
    assert saturday == [] and trial == []


def test_capacity_bookings_and_minimum_notice(tenant_a, branch, lead, clock):
    weekday_rules(tenant_a, branch, capacity=2, min_notice_minutes=120, kinds=["service"])
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="service", start=at(MON, 14), end=at(MON, 15))
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="service", start=at(MON, 15), end=at(MON, 16))
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="service", start=at(MON, 15), end=at(MON, 16))
    AppointmentFactory(
        tenant=tenant_a, branch=branch, kind="service", start=at(MON, 16), end=at(MON, 17), status="canceled"
    )
    with tenant_scope(tenant_a.pk):
        slots = availability.free_slots(branch, "service", MON, MON)
    assert [(s.start, s.remaining) for s in slots] == [(at(MON, 13), 2), (at(MON, 14), 1), (at(MON, 16), 2)]


def test_an_appointment_longer_than_a_slot_holds_each_slot_it_overlaps(tenant_a, branch, tours, clock):
    AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(TUE, 10, 30), end=at(TUE, 12, 15))
    with tenant_scope(tenant_a.pk):
        slots = availability.free_slots(branch, "tour", TUE, TUE)
    assert starts(slots) == [at(TUE, h) for h in (9, 13, 14, 15, 16)]


def test_closures_close_whole_days(tenant_a, branch, tours, clock):
    ClosureFactory(tenant=tenant_a, branch=branch, start_date=THU, end_date=FRI)
    with tenant_scope(tenant_a.pk):
        slots = availability.free_slots(branch, "tour", WED, SAT)
    assert {s.start.astimezone(availability.branch_zone(branch)).date() for s in slots} == {WED}


def test_slots_across_the_daylight_saving_change(tenant_a, branch, time_machine):
    """On the Sunday New York springs forward (this year's, by the suite clock) 02:00 does not exist; on the Sunday
    it falls back 01:30 happens twice."""
    spring_day, autumn_day = dst_switches()
    sunday_before = spring_day - timedelta(days=7)
    time_machine.move_to(moment(sunday_before, 0, zone="UTC"), tick=False)
    weekday_rules(tenant_a, branch, days=[6], opens=time(1), closes=time(4), kinds=["tour"])
    with tenant_scope(tenant_a.pk):
        spring = availability.free_slots(branch, "tour", spring_day, spring_day)
        before = availability.free_slots(branch, "tour", sunday_before, sunday_before)
    # 01:00 EST and 03:00 EDT: 02:00 never happens
    assert starts(spring) == [moment(spring_day, h, zone="UTC") for h in (6, 7)]
    assert starts(before) == [moment(sunday_before, h, zone="UTC") for h in (6, 7, 8)]
    time_machine.move_to(moment(autumn_day - timedelta(days=7), 0, zone="UTC"), tick=False)
    with tenant_scope(tenant_a.pk):
        autumn = availability.free_slots(branch, "tour", autumn_day, autumn_day)
    # 01:00 EDT (the first of the two), 02:00 EST, 03:00 EST
    assert starts(autumn) == [moment(autumn_day, h, zone="UTC") for h in (5, 7, 8)]


def test_book_takes_the_slot_moves_the_lead_and_schedules_reminders(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", at(TUE, 10))
        left = availability.free_slots(branch, "tour", TUE, TUE)
    assert (appointment.start, appointment.end, appointment.status) == (at(TUE, 10), at(TUE, 11), "booked")
    assert at(TUE, 10) not in starts(left)
    assert Lead.all_tenants.get(pk=lead.pk).stage == "booked"
    reminders = sorted(Reminder.all_tenants.filter(appointment=appointment).values_list("channel", "send_at"))
    # Monday 11:00 now: the 24-hour reminders would be in the past, so only the 2-hour ones are made
    assert reminders == [("email", at(TUE, 8)), ("sms", at(TUE, 8))]


def test_a_taken_or_made_up_time_is_refused_with_alternatives(tenant_a, branch, tours, lead, clock):
    other = LeadFactory(tenant=tenant_a, phone="+12125559999")
    with tenant_scope(tenant_a.pk):
        services.book(other, branch, "tour", at(TUE, 10))
        with pytest.raises(services.SlotTaken) as taken:
            services.book(lead, branch, "tour", at(TUE, 10))
        with pytest.raises(services.SlotTaken):
            services.book(lead, branch, "tour", at(TUE, 10, 30))  # not a slot
    assert taken.value.api_extra["alternatives"][:2] == [timestamp(at(TUE, 9)), timestamp(at(TUE, 11))]


def test_round_robin_among_staff_with_room(tenant_a, branch, lead, clock):
    from tenants.roles import Role
    from tests.conftest import member

    coach_a, coach_b = member(tenant_a, Role.AGENT, "coach-a"), member(tenant_a, Role.AGENT, "coach-b")
    weekday_rules(tenant_a, branch, days=[1], staff=coach_a, kinds=["trial_class"])
    weekday_rules(tenant_a, branch, days=[1], staff=coach_b, kinds=["trial_class"])
    with tenant_scope(tenant_a.pk):
        first = services.book(lead, branch, "trial_class", at(TUE, 10))
        second = services.book(LeadFactory(tenant=tenant_a, phone="+12125550002"), branch, "trial_class", at(TUE, 11))
        third = services.book(LeadFactory(tenant=tenant_a, phone="+12125550003"), branch, "trial_class", at(TUE, 10))
        fourth = LeadFactory(tenant=tenant_a, phone="+12125550004")
        asked = services.book(fourth, branch, "trial_class", at(TUE, 12), staff=coach_a)
        with pytest.raises(ValidationError, match="Not a staff member"):
            services.book(fourth, branch, "trial_class", at(TUE, 13), staff=UserFactory(username="outsider"))
    assert {first.staff_id, second.staff_id} == {coach_a.pk, coach_b.pk}
    assert third.staff_id != first.staff_id  # 10:00 had room only with the other coach
    assert asked.staff_id == coach_a.pk


def test_reschedule_keeps_the_history_and_moves_the_reminders(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", at(WED, 10))
        services.confirm(appointment)
        moved = services.reschedule(appointment, at(WED, 15), reason="Works late")
    assert (moved.pk, moved.start, moved.status) == (appointment.pk, at(WED, 15), "booked")
    (move,) = AppointmentMove.all_tenants.filter(appointment=appointment)
    assert (move.from_start, move.to_start, move.reason) == (at(WED, 10), at(WED, 15), "Works late")
    pending = Reminder.all_tenants.filter(appointment=appointment, status="pending")
    assert sorted(set(pending.values_list("send_at", flat=True))) == [at(TUE, 15), at(WED, 13)]
    assert Reminder.all_tenants.filter(appointment=appointment, status="canceled").count() == 4


def test_cancel_check_in_and_no_show(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        canceled = services.cancel(services.book(lead, branch, "tour", at(TUE, 10)), reason="Sick")
        booked = services.book(lead, branch, "tour", at(TUE, 11))
        clock.move_to(at(TUE, 10, 50))
        came = services.check_in(booked)
        with pytest.raises(ValidationError):
            services.cancel(came)  # attended is final
    assert (canceled.status, canceled.cancel_reason) == ("canceled", "Sick")
    assert not Reminder.all_tenants.filter(appointment=canceled, status="pending").exists()
    assert Lead.all_tenants.get(pk=lead.pk).stage == "attended"

    other = LeadFactory(tenant=tenant_a, phone="+12125550005", stage="contacted")
    with tenant_scope(tenant_a.pk):
        missed = services.book(other, branch, "tour", at(TUE, 12))
        with pytest.raises(ValidationError, match="not started yet"):
            services.mark_no_show(missed)
        clock.move_to(at(TUE, 12, 20))
        services.mark_no_show(missed)
    assert Lead.all_tenants.get(pk=other.pk).stage == "no_show"


def test_nobody_marked_it_so_it_becomes_a_no_show_after_the_grace(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", at(MON, 14))
    clock.move_to(at(MON, 15, 29))
    with tenant_scope(tenant_a.pk):
        assert services.expire_no_shows() == 0
    clock.move_to(at(MON, 15, 31))
    with tenant_scope(tenant_a.pk):
        assert services.expire_no_shows() == 1
    assert Appointment.all_tenants.get(pk=appointment.pk).status == Status.NO_SHOW


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_bookings_for_the_last_two_places(tenant_a, branch):
    weekday_rules(tenant_a, branch, capacity=2, kinds=["service"])
    leads = [LeadFactory(tenant=tenant_a, phone=f"+1212555{7000 + i}") for i in range(10)]
    slot = datetime.combine(today() + timedelta(days=14), time(10))
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


def test_no_show_is_announced_after_the_commit(
    tenant_a, branch, tours, lead, clock, django_capture_on_commit_callbacks
):
    from appointments.signals import no_show_recorded

    heard = []

    def hear(sender, lead_id, **kwargs):
        heard.append(lead_id)

    no_show_recorded.connect(hear, dispatch_uid="tests.hear_no_show")
    try:
        with tenant_scope(tenant_a.pk):
            appointment = services.book(lead, branch, "tour", at(MON, 14))
            clock.move_to(at(MON, 14, 30))
            with django_capture_on_commit_callbacks(execute=True):
                services.mark_no_show(appointment)
                assert heard == []  # not before the commit
    finally:
        no_show_recorded.disconnect(dispatch_uid="tests.hear_no_show")
    assert heard == [lead.pk]


def test_book_in_a_fixed_number_of_queries(tenant_a, branch, tours, lead, clock, django_assert_max_num_queries):
    for hour in range(9, 17):
        AppointmentFactory(tenant=tenant_a, branch=branch, kind="tour", start=at(THU, hour), end=at(THU, hour + 1))
    with tenant_scope(tenant_a.pk), django_assert_max_num_queries(25):
        services.book(lead, branch, "tour", at(FRI, 10))
