"""A real browser (Debian's Chromium, driven by Playwright) against the admin on a live server.

Skipped when Chromium is not installed, unless ``REQUIRE_BROWSER=1`` (set by
``.ci/run``, which installs it), where a missing browser fails the run.
"""

import os
import shutil
import time

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is not installed: CI must run the browser tests.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    def login_as(user, password="pw-123-secret"):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return login_as


def stand_in_for_the_worker(tenant, seconds=15):
    """Do what the worker and beat's sweepers do, until the tenant's calls owe nothing: dial what is queued,
    deliver the simulator's events as they fall due, apply what ended calls owe. Tests run each task inline
    when its wake-up's transaction commits, without its countdown; in the whole suite on PostgreSQL + Redis a
    campaign's wake-ups were found not to run at all (cause not found: after every test the main thread's
    connection holds no transaction nor pending commit hook, and tasks still run inline). In production a lost
    wake-up is what the sweepers recover from (docs/operations.md, "Failure modes"), so standing in for them
    here is the product's own contract; the wake-ups have their own tests (tests/core/test_wakeup.py)."""
    from calls import tasks as call_tasks
    from calls.models import Call, CallStatus
    from voice import tasks as voice_tasks
    from voice.models import SimulatedEvent

    owed_statuses = [CallStatus.QUEUED, CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS]
    deadline = time.monotonic() + seconds
    while True:
        call_tasks.dial_due_calls.delay(tenant_id=tenant.pk)
        voice_tasks.sweep_simulated_events.delay()
        call_tasks.apply_call_effects.delay(tenant_id=tenant.pk)
        calls = Call.all_tenants.filter(tenant=tenant)
        owed = (
            SimulatedEvent.objects.unscoped().filter(tenant=tenant).exists()
            or calls.filter(status__in=owed_statuses).exists()
            or calls.filter(effects_due_at__isnull=False).exists()
        )
        if not owed:
            return
        assert time.monotonic() < deadline, "the tenant's calls still owe work"
        time.sleep(0.5)
