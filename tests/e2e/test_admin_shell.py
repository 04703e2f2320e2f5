"""The admin shell in a real browser: the tenant badge, and the superuser's tenant switch."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_sees_their_tenant_and_role(login, owner_a, tenant_a):
    page = login(owner_a)
    assert "Alpha Gym · Owner".upper() in page.inner_text("body").upper()


def test_superuser_switches_tenant_from_the_site_menu(login, live_server, superuser, tenant_a, tenant_b, branch_b):
    page = login(superuser)
    page.click("text=Voice CRM")  # the site menu at the top of the sidebar
    page.click(f"button:has-text('{tenant_b.name}')")
    page.wait_for_load_state("networkidle")
    assert "now working in Bravo Motors" in page.inner_text("body")
    page.goto(f"{live_server.url}/admin/tenants/branch/")
    assert "Bravo Main" in page.inner_text("#changelist, body")
