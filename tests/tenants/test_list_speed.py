"""A list page builds its column headers once, not once per cell (config.unfold_lists), and each row's checkbox
is Unfold's own HTML without a template render per row (tenants.admin_base); a page is fifty rows; the admin's
translation script, asked for by every list and form, is kept by the browser."""

from django.contrib.admin import helpers
from django.test import Client
from unfold.admin import checkbox

from config import unfold_lists
from tenants.models import Role
from tests.conftest import member
from tests.factories import LeadFactory


def test_headers_are_built_once_per_list_page(tenant_a, monkeypatch):
    for _ in range(12):
        LeadFactory(tenant=tenant_a)
    builds = []
    original = unfold_lists._build_headers
    monkeypatch.setattr(unfold_lists, "_build_headers", lambda cl: builds.append(cl) or original(cl))
    client = Client()
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    page = client.get("/admin/leads/lead/").content.decode()
    assert len(builds) == 1, len(builds)  # Unfold alone: one per cell, 12 rows × 10 columns + 1
    some_row = page.index('name="_selected_action" value="') + len('name="_selected_action" value="')
    key = page[some_row : page.index('"', some_row)]
    assert checkbox.render(helpers.ACTION_CHECKBOX_NAME, key) in page  # the very HTML Unfold renders


def test_every_admin_list_shows_fifty_rows_a_page():
    from django.contrib import admin

    from tenants.admin_base import TenantModelAdmin

    tenant_lists = [a for a in admin.site._registry.values() if isinstance(a, TenantModelAdmin)]
    assert tenant_lists and {a.list_per_page for a in tenant_lists} == {50}


def test_the_admins_translations_are_kept_by_the_browser_for_a_day(tenant_a):
    client = Client()
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    answer = client.get("/admin/jsi18n/")
    assert answer.status_code == 200 and "max-age=86400" in answer["Cache-Control"]
    assert "private" in answer["Cache-Control"]
