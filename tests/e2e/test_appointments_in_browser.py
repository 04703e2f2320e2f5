"""Front-desk staff book a tour from the week calendar (only free times offered), see it placed in the grid,
move it, and cancel it, in a real browser."""

import os
from datetime import time, timedelta

import pytest
import time_machine

from appointments.models import Appointment
from core.public_ids import of as pid
from tests.clock import moment, monday_of_next_week
from tests.factories import AppointmentFactory, AvailabilityRuleFactory, BranchFactory, LeadFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")
MON = monday_of_next_week()
TUE, WED, THU = (MON + timedelta(days=n) for n in (1, 2, 3))
MONDAY_11_NEW_YORK = moment(MON, 11)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_book_move_and_cancel_from_the_calendar(login, live_server, owner_a, tenant_a):
    branch = BranchFactory(tenant=tenant_a, name="Downtown", time_zone="America/New_York")
    for day in range(5):
        AvailabilityRuleFactory(
            tenant=tenant_a, branch=branch, weekday=day, opens=time(9), closes=time(17), kinds=["tour"]
        )
    lead = LeadFactory(tenant=tenant_a, branch=branch, first_name="Ana", last_name="Silva", phone="+12125551234")
    for hour, kind, status in ((14, "tour", "booked"), (14, "service", "confirmed"), (16, "trial_class", "attended")):
        start = moment(TUE, hour)
        other = LeadFactory(tenant=tenant_a, branch=branch, first_name=f"Walk-in {hour}{kind[0]}")
        AppointmentFactory(tenant=tenant_a, branch=branch, lead=other, kind=kind, start=start, status=status)

    with time_machine.travel(MONDAY_11_NEW_YORK, tick=True):
        page = login(owner_a)
        page.goto(f"{live_server.url}/admin/appointments/appointment/calendar/")
        assert f"Week of Mon {MON.day} {MON:%b %Y} · 3 appointments" in page.inner_text("body")
        page.click("a[title='Book on this day'] >> nth=2")  # Wednesday
        page.wait_for_load_state("networkidle")

        page.select_option("select[name=kind]", value="tour")
        page.click("button:text-is('Show free times')")
        page.wait_for_load_state("networkidle")
        options = page.locator("select[name=slot] option").all_inner_texts()
        assert options[:2] == ["Pick a time", f"{WED:%a %d %b} 09:00 (1 free)"]  # e.g. "Wed 25 Nov 09:00 (1 free)"
        page.select_option("select[name=slot]", label=f"{WED:%a %d %b} 10:00 (1 free)")
        page.evaluate(
            "([id, text]) => { const s = document.querySelector('select[name=lead]');"
            " s.add(new Option(text, id, true, true)); }",
            [pid(lead), lead.full_name],
        )
        shot(page, "appointment-book")
        page.click("button:text-is('Book')")
        page.wait_for_load_state("networkidle")
        assert "Booked:" in page.inner_text("body")

        page.goto(f"{live_server.url}/admin/appointments/appointment/calendar/")
        calendar = page.locator("[data-testid=week-calendar]")
        assert "Ana Silva" in calendar.inner_text()
        shot(page, "appointment-calendar")

        page.click("[data-testid=week-calendar] a:has-text('Ana Silva')")
        page.wait_for_load_state("networkidle")
        page.click("text=Move")
        page.wait_for_load_state("networkidle")
        page.select_option("select[name=slot]", label=f"{THU:%a %d %b} 15:00 (1 free)")
        page.fill("input[name=reason]", "Asked for the afternoon")
        page.click("button:text-is('Move')")
        page.wait_for_load_state("networkidle")
        assert "Moved:" in page.inner_text("body")

        page.click("text=Cancel")
        page.wait_for_load_state("networkidle")
        page.fill("input[name=reason]", "Found another gym")
        page.click("button:text-is('Cancel the appointment')")
        page.wait_for_load_state("networkidle")
        shot(page, "appointment-canceled")

    appointment = Appointment.all_tenants.get(lead=lead)
    assert appointment.status == "canceled" and appointment.cancel_reason == "Found another gym"
    assert appointment.start == moment(THU, 15)
