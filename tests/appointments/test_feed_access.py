"""Calendar feeds' secret URLs (appointments.feed_access, docs/operations.md#calendar-feeds): only managers
see and rotate every feed, a member sees their own, and a feed stops serving once the people it belongs to
have left the business."""

import pytest

from appointments.models import CalendarFeed
from core.public_ids import of as pid
from tenants import services as tenant_services
from tenants.models import Membership
from tenants.roles import Role
from tests.conftest import api_client, member

pytestmark = pytest.mark.django_db
FEEDS = "/api/v1/appointments/calendar-feeds/"


@pytest.fixture
def people(tenant_a):
    return {role: member(tenant_a, role) for role in (Role.VIEWER, Role.AGENT, Role.MANAGER, Role.OWNER)}


@pytest.fixture
def feeds(tenant_a, people):
    """One feed of the agent's own appointments (made by the manager), one branch-wide feed of the manager's."""
    own = CalendarFeed.all_tenants.create(tenant=tenant_a, staff=people[Role.AGENT], created_by=people[Role.MANAGER])
    branch_wide = CalendarFeed.all_tenants.create(tenant=tenant_a, created_by=people[Role.MANAGER])
    return own, branch_wide


def listed(user, tenant):
    response = api_client(user, tenant).get(FEEDS)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_only_managers_see_every_feed_and_members_see_their_own(tenant_a, people, feeds, client):
    own, branch_wide = feeds
    assert listed(people[Role.VIEWER], tenant_a) == set()
    assert listed(people[Role.AGENT], tenant_a) == {pid(own)}
    assert (
        listed(people[Role.MANAGER], tenant_a) == listed(people[Role.OWNER], tenant_a) == {pid(own), pid(branch_wide)}
    )
    client.force_login(people[Role.AGENT])
    page = client.get("/admin/appointments/calendarfeed/").content.decode()
    assert own.token in page and branch_wide.token not in page
    assert client.get(f"/admin/appointments/calendarfeed/{pid(branch_wide)}/change/").status_code == 404


def test_a_manager_rotates_a_feed_and_the_old_address_stops_at_once(tenant_a, people, feeds):
    own, _ = feeds
    old = f"/calendar/{own.token}.ics"
    assert api_client().get(old).status_code == 200
    refused = api_client(people[Role.AGENT], tenant_a).post(f"{FEEDS}{pid(own)}/rotate/")
    assert refused.status_code == 403
    rotated = api_client(people[Role.MANAGER], tenant_a).post(f"{FEEDS}{pid(own)}/rotate/")
    assert rotated.status_code == 200
    assert api_client().get(old).status_code == 404
    assert api_client().get(rotated.json()["url"].removeprefix("http://testserver")).status_code == 200


def test_leaving_the_business_revokes_the_feeds_a_member_made_or_appears_in(tenant_a, people, feeds):
    own, branch_wide = feeds
    membership = Membership.all_tenants.get(tenant=tenant_a, user=people[Role.AGENT])
    tenant_services.set_member_active(membership, False, actor=people[Role.OWNER])
    assert api_client().get(f"/calendar/{own.token}.ics").status_code == 404
    assert not CalendarFeed.all_tenants.filter(pk=own.pk).exists()
    assert api_client().get(f"/calendar/{branch_wide.token}.ics").status_code == 200  # the manager's stays
    Membership.all_tenants.get(tenant=tenant_a, user=people[Role.MANAGER]).delete()
    assert not CalendarFeed.all_tenants.exists()


def test_a_feed_whose_maker_was_deactivated_stops_serving_even_before_the_revocation(tenant_a, people, feeds):
    _, branch_wide = feeds
    manager = people[Role.MANAGER]
    type(manager).objects.filter(pk=manager.pk).update(is_active=False)  # no signal: the serving check alone
    assert api_client().get(f"/calendar/{branch_wide.token}.ics").status_code == 404


def test_a_feed_a_platform_superuser_made_serves(tenant_a, superuser):
    feed = CalendarFeed.all_tenants.create(tenant=tenant_a, created_by=superuser)
    assert api_client().get(f"/calendar/{feed.token}.ics").status_code == 200
