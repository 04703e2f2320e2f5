"""The dashboard's "Needs a person" keeps itself current (analytics.live): a small GET-only fragment for the
dashboard's own filters, for the tenant in scope only, refused to whoever may not see the dashboard, with a
bodiless 304 when nothing changed."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tenants.backends import forget_role_permissions
from tenants.roles import Role
from tests.conftest import member
from tests.factories import CallFactory, LeadFactory

pytestmark = pytest.mark.django_db
URL = "admin:dashboard_needs_attention"


@pytest.fixture
def staff(client, tenant_a):
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    return client


def flag(tenant, name, reason):
    lead = LeadFactory(tenant=tenant, first_name=name, last_name="Person")
    return CallFactory(tenant=tenant, lead=lead, needs_attention=True, attention_reason=reason)


def test_the_dashboard_holds_the_region_for_its_filters(staff, tenant_a):
    flag(tenant_a, "Grace", "Asked for a manager")
    page = staff.get(reverse("admin:index"), {"days": 7}).content.decode()
    poll = staff.get(reverse(URL), {"days": 7})
    assert f'data-live-url="{reverse(URL)}?days=7"' in page
    assert f'data-live-etag="{poll["ETag"]}"' in page.replace("&quot;", '"')
    assert "Asked for a manager" in poll.content.decode()


def test_a_call_flagged_since_appears_and_an_unchanged_list_is_a_304(staff, tenant_a, tenant_b):
    first = staff.get(reverse(URL))
    assert "Nothing needs a person right now." in first.content.decode()
    assert staff.get(reverse(URL), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    flag(tenant_a, "Grace", "Asked for a manager")
    flag(tenant_b, "Bruno", "Another tenant's trouble")
    second = staff.get(reverse(URL), HTTP_IF_NONE_MATCH=first["ETag"])
    text = second.content.decode()
    assert second.status_code == 200 and second["X-Live"] == "live"  # never final: the list refills
    assert "Grace Person" in text and "Asked for a manager" in text
    assert "Bruno" not in text


def test_a_poll_costs_a_pinned_number_of_queries(staff, tenant_a, django_assert_max_num_queries):
    for n in range(5):
        flag(tenant_a, f"Lead{n}", "Asked for a manager")
    staff.get(reverse(URL))
    with django_assert_max_num_queries(4):  # the session, its user, how many, the first ten with their leads
        assert staff.get(reverse(URL)).status_code == 200


def test_who_may_not_see_the_dashboard_is_refused(client, tenant_a):
    Group.objects.get(name=Role.VIEWER).permissions.remove(Permission.objects.get(codename="view_call"))
    forget_role_permissions()
    client.force_login(member(tenant_a, Role.VIEWER, "vera"))
    assert 'data-testid="dashboard"' not in client.get(reverse("admin:index")).content.decode()
    assert client.get(reverse(URL)).status_code == 403


def test_bad_filters_are_a_400(staff):
    assert staff.get(reverse(URL), {"from": "yesterday-ish"}).status_code == 400
