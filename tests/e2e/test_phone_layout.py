"""On a phone (390 px wide): a compact lead list, the calendar as one day, and "Call now" in reach (issue 19,
finding 15). What a person sees is measured in the browser: the height of a lead's card, the calendar's
visible columns, the button's box."""

from datetime import timedelta

import pytest
import time_machine

from core.public_ids import of as pid
from tests.clock import moment, monday_of_next_week
from tests.factories import AppointmentFactory, BranchFactory, LeadFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, owner_a):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", owner_a.email)
    page.fill("input[name=password]", "pw-123-secret")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    yield page
    context.close()


def test_a_lead_is_a_short_card_and_call_now_is_in_reach(phone, live_server, tenant_a):
    leads = [LeadFactory(tenant=tenant_a, first_name=f"Person{n}") for n in range(6)]
    phone.goto(f"{live_server.url}/admin/leads/lead/")
    rows = phone.locator("#result_list tr.data-row")
    assert rows.count() == 6
    heights = [rows.nth(n).bounding_box()["height"] for n in range(6)]
    assert max(heights) < 110, heights  # a name and a line of phone and stage, not a screen of labelled lines
    assert phone.locator("#result_list tr.data-row .field-score").first.is_hidden()

    phone.goto(f"{live_server.url}/admin/leads/lead/{pid(leads[0])}/change/")
    button = phone.get_by_test_id("phone-actions").get_by_text("Call now")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["y"] + box["height"] < PHONE["height"], "on the first screen, without opening a menu"


def test_the_calendar_is_one_day_with_the_next_a_tap_away(phone, live_server, tenant_a):
    monday = monday_of_next_week()
    branch = BranchFactory(tenant=tenant_a, name="Downtown", time_zone="America/New_York")
    lead = LeadFactory(tenant=tenant_a, first_name="Kate", last_name="Kim", branch=branch)
    start = moment(monday, 10)
    AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, kind="tour", start=start)
    with time_machine.travel(moment(monday, 8), tick=True):
        phone.goto(f"{live_server.url}/admin/appointments/appointment/calendar/?branch={pid(branch)}")
        calendar = phone.get_by_test_id("week-calendar")
        visible_days = [d for d in calendar.locator(".cal-day").all() if d.is_visible()]
        assert len(visible_days) == 2  # the day's header and its column
        assert "Kate Kim" in calendar.inner_text()
        width = calendar.bounding_box()["width"]
        assert width <= PHONE["width"], "no sideways scrolling"
        phone.get_by_test_id("day-nav").get_by_text("→").click()
        phone.wait_for_load_state("networkidle")
        assert "Kate Kim" not in phone.get_by_test_id("week-calendar").inner_text()
        tuesday = monday + timedelta(days=1)
        assert f"{tuesday:%A} {tuesday.day} {tuesday:%b}" in phone.get_by_test_id("day-nav").inner_text()
