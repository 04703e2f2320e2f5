"""The structured editors' script in a real browser: rows added and removed, then saved (tenants.json_editors)."""

import os

import pytest

from core.public_ids import of as pid
from tenants.models import Role
from tests.conftest import member
from tests.factories import CampaignFactory, LeadFactory


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{pid(obj)}/change/"


# --- in a browser: rows added and removed by the script --------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_rows_are_added_and_removed_in_the_browser(login, live_server, tenant_a):
    user = member(tenant_a, Role.OWNER, "bea")
    campaign = CampaignFactory(tenant=tenant_a, calling_windows={"mon": [["10:00", "18:00"]]})
    lead = LeadFactory(tenant=tenant_a, custom_fields={"plan": "gold", "old": "x"})
    shots = os.environ.get("SCREENSHOT_DIR")

    browser_page = login(user)
    browser_page.goto(f"{live_server.url}{change_url(campaign)}")
    tuesday = browser_page.locator("[data-json-editor-day]", has_text="Tuesday")
    assert tuesday.locator("[data-json-editor-closed]").is_visible()
    tuesday.locator("input[aria-label='Tuesday, from']").fill("09:00")
    tuesday.locator("input[aria-label='Tuesday, to']").fill("12:00")
    assert not tuesday.locator("[data-json-editor-closed]").is_visible()
    tuesday.locator("[data-json-editor-add]").click()
    tuesday.locator("input[aria-label='Tuesday, from']").nth(1).fill("14:00")
    tuesday.locator("input[aria-label='Tuesday, to']").nth(1).fill("19:30")
    monday = browser_page.locator("[data-json-editor-day]", has_text="Monday")
    monday.locator("[data-json-editor-remove]").click()
    assert monday.locator("[data-json-editor-closed]").is_visible()
    if shots:
        browser_page.screenshot(path=f"{shots}/calling-windows.png", full_page=True)
    browser_page.click("button[name=_continue]")
    browser_page.wait_for_load_state("networkidle")
    campaign.refresh_from_db()
    assert campaign.calling_windows == {"tue": [["09:00", "12:00"], ["14:00", "19:30"]]}

    browser_page.goto(f"{live_server.url}{change_url(lead)}")
    editor = browser_page.locator("[data-json-editor=rows]")
    assert not editor.locator("[data-json-editor-no-script]").is_visible()
    editor.locator("[data-json-editor-row]", has=browser_page.locator("input[value=old]")).locator(
        "[data-json-editor-remove]"
    ).click()
    for _ in range(3):  # past the empty rows the page came with
        editor.locator("[data-json-editor-add]").click()
    editor.locator("input[aria-label=Name]").last.fill("locker")
    editor.locator("textarea[aria-label=Value]").last.fill("12")
    if shots:
        browser_page.screenshot(path=f"{shots}/custom-fields.png", full_page=True)
    browser_page.click("button[name=_continue]")
    browser_page.wait_for_load_state("networkidle")
    lead.refresh_from_db()
    assert lead.custom_fields == {"plan": "gold", "locker": "12"}
