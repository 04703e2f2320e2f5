"""A manager opens the admin and sees the dashboard of the hand-built month: KPI cards, both charts
drawn by the vendored Chart.js, the funnel, the leaderboard, and the call that needs a person."""

import os

import pytest

from core.public_ids import of as pid
from tenants.roles import Role
from tests.analytics.conftest import clock, day, month  # noqa: F401 (fixtures)
from tests.conftest import member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def test_the_dashboard_in_a_browser(login, live_server, tenant_a, request):
    built = request.getfixturevalue("month")  # the hand-built month of tests/analytics
    page = login(member(tenant_a, Role.MANAGER, "maria"))
    page.goto(f"{live_server.url}/admin/?from={day(20)}&to={day(22)}")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-kpi=calls_dialled] [data-value]").inner_text() == "5"
    assert page.locator("[data-kpi=connect_rate] [data-value]").inner_text() == "80.0%"
    # Chart.js ran: each canvas has a chart attached.
    drawn = page.evaluate("() => [...document.querySelectorAll('canvas.chart')].map(c => !!Chart.getChart(c))")
    assert drawn == [True, True]
    assert "Tour / trial booked" in page.locator("[data-testid=funnel]").inner_text()
    assert page.locator("[data-testid=leaderboard] tbody tr").count() == 2
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dashboard.png", full_page=True)
    page.locator("[data-testid=needs-attention] a[href*='/change/']").first.click()
    page.wait_for_load_state("networkidle")
    assert f"/admin/calls/call/{pid(built.c7)}/change/" in page.url
