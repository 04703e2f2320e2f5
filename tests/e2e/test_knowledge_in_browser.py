"""A manager writes a knowledge entry in the browser, sees its rendered preview, and finds it with
"Try a search", the match highlighted as whole words and labelled as the best match (no rank number)."""

import os

import pytest

from knowledge.models import KnowledgeEntry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_write_an_entry_then_find_it(login, live_server, owner_a, tenant_a):
    page = login(owner_a)
    page.goto(f"{live_server.url}/admin/knowledge/knowledgeentry/add/")
    page.fill("input[name=title]", "Sauna and steam room")
    page.select_option("select[name=category]", value="amenities")
    page.fill("input[name=tags_text]", "spa, recovery")
    page.fill(
        "textarea[name=body]",
        "## Sauna\n\nOpen **6am to 9pm**, 15 minutes at most.\n\n## Steam room\n\n- Shower first\n- No glass",
    )
    page.click("button[name=_continue]")
    page.wait_for_load_state("networkidle")
    preview = page.locator(".kb-preview")
    assert preview.locator("h2").all_inner_texts() == ["Sauna", "Steam room"]
    assert preview.locator("strong").inner_text() == "6am to 9pm"
    shot(page, "knowledge-entry")

    page.goto(f"{live_server.url}/admin/knowledge/knowledgeentry/search/?q=steam+glass")
    results = page.locator("[data-testid=search-results] li")
    assert results.count() == 1
    assert "Sauna and steam room" in results.first.inner_text()
    assert "best match" in results.first.inner_text() and "rank" not in results.first.inner_text().lower()
    marks = {text.lower() for text in page.locator("[data-testid=search-results] mark").all_inner_texts()}
    assert marks and marks <= {"steam", "glass"}
    shot(page, "knowledge-search")
    assert KnowledgeEntry.all_tenants.get(title="Sauna and steam room").tags == ["spa", "recovery"]
