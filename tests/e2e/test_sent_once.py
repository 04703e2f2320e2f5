"""Every form is sent once, in a browser (core.once, static/voice/js/once.js): each POST form carries a
token, its buttons are disabled while it is being sent, and a double click adds one row."""

import pytest

from leads.models import Tag
from tenants.scoping import tenant_scope

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBMIT_BUTTONS = "() => Array.from(document.getElementById('tag_form').elements).filter(e => e.type === 'submit')"


def _tags(tenant):
    with tenant_scope(tenant.pk):
        return list(Tag.objects.values_list("name", flat=True))


def test_a_double_click_on_save_adds_one_tag(login, live_server, owner_a, tenant_a):
    page = login(owner_a)
    page.goto(f"{live_server.url}/admin/leads/tag/add/")
    assert page.locator("#tag_form input[name=_once]").count() == 1
    page.fill("input[name=name]", "Walk-in")
    page.dblclick("button[name=_save]")
    page.wait_for_url("**/admin/leads/tag/")
    assert _tags(tenant_a) == ["Walk-in"]


def test_the_buttons_are_disabled_while_the_form_is_sent(login, live_server, owner_a, tenant_a):
    page = login(owner_a)
    page.goto(f"{live_server.url}/admin/leads/tag/add/")
    # The answer goes to a frame, so the page stays to be looked at while and after it is sent.
    page.evaluate(
        "() => { const f = document.createElement('iframe'); f.name = 'answer'; document.body.appendChild(f);"
        " document.getElementById('tag_form').target = 'answer'; }"
    )
    assert page.evaluate(f"() => ({SUBMIT_BUTTONS})().every(b => !b.disabled)")
    page.fill("input[name=name]", "Members")
    page.click("button[name=_save]")
    page.wait_for_function(f"() => ({SUBMIT_BUTTONS})().every(b => b.disabled)")
    # The answer (a redirect) is not shown in a frame, which the admin forbids; the row tells it arrived.
    for _ in range(100):
        if _tags(tenant_a):
            break
        page.wait_for_timeout(100)
    assert _tags(tenant_a) == ["Members"]
