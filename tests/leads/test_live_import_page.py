"""The import page keeps itself current (leads.import_live): a running import's progress and counts come from
a small GET-only fragment (no more reloading the whole page every two seconds), scoped and checked like the
page, with a bodiless 304 when nothing changed, and final once the import is done or failed."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from leads.models import LeadImport
from tenants.backends import forget_role_permissions
from tenants.roles import Role
from tests.conftest import member
from tests.factories import LeadImportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(tenant_a):
    return LeadImportFactory(tenant=tenant_a, status="running", bytes_total=1000, bytes_read=200, rows_read=40)


@pytest.fixture
def staff(client, tenant_a):
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    return client


def live_url(lead_import):
    return reverse("admin:leads_leadimport_live", args=[lead_import.pk])


def test_the_page_holds_the_region_and_no_longer_reloads_itself(staff, running):
    page = staff.get(reverse("admin:leads_leadimport_change", args=[running.pk])).content.decode()
    poll = staff.get(live_url(running))
    assert f'data-live-etag="{poll["ETag"]}"' in page.replace("&quot;", '"')
    assert 'http-equiv="refresh"' not in page
    assert "20%" in poll.content.decode() and "40 rows read" in poll.content.decode()


def test_a_poll_shows_the_progress_made_since_and_an_unchanged_import_is_a_304(staff, running):
    first = staff.get(live_url(running))
    assert staff.get(live_url(running), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    LeadImport.all_tenants.filter(pk=running.pk).update(bytes_read=700, rows_read=140, created_count=120)
    second = staff.get(live_url(running), HTTP_IF_NONE_MATCH=first["ETag"])
    text = second.content.decode()
    assert second.status_code == 200 and second["X-Live"] == "live"
    assert "70%" in text and "140 rows read" in text and "120 new leads" in text
    assert '<span data-label="Rows read">140</span>' in text


def test_a_poll_costs_a_pinned_number_of_queries(staff, running, django_assert_max_num_queries):
    staff.get(live_url(running))
    with django_assert_max_num_queries(3):  # the session, its user, the import
        assert staff.get(live_url(running)).status_code == 200


def test_a_finished_import_is_final(staff, running):
    LeadImport.all_tenants.filter(pk=running.pk).update(status="done")
    response = staff.get(live_url(running))
    assert response["X-Live"] == "final" and "100%" in response.content.decode()


def test_another_tenants_import_is_a_404(client, running, owner_b):
    client.force_login(owner_b)
    assert client.get(live_url(running)).status_code == 404


def test_without_the_permission_to_see_imports_the_region_is_refused_like_the_page(client, running, tenant_a):
    Group.objects.get(name=Role.VIEWER).permissions.remove(Permission.objects.get(codename="view_leadimport"))
    forget_role_permissions()
    client.force_login(member(tenant_a, Role.VIEWER, "vera"))
    assert client.get(reverse("admin:leads_leadimport_change", args=[running.pk])).status_code == 403
    assert client.get(live_url(running)).status_code == 403
