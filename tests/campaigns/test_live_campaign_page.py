"""The campaign page keeps itself current (campaigns.live): progress, calls and targets come from a small
GET-only fragment, scoped and checked like the page, cheap (a pinned number of queries, a bodiless 304 when
nothing changed), and final once the campaign is finished."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from campaigns.models import Campaign, CampaignTarget
from tenants.backends import forget_role_permissions
from tenants.roles import Role
from tests.conftest import member
from tests.factories import CallFactory, CampaignTargetFactory

from .conftest import make_leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(campaign, tenant_a, branch):
    Campaign.all_tenants.filter(pk=campaign.pk).update(status="running")
    for lead in make_leads(tenant_a, branch, 10):
        CampaignTargetFactory(tenant=tenant_a, campaign=campaign, lead=lead, status="pending")
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def staff(client, owner_a):
    client.force_login(owner_a)
    return client


def live_url(campaign):
    return reverse("admin:campaigns_campaign_live", args=[campaign.pk])


def finish_targets(campaign, n):
    """n targets called and done, each with its ended call."""
    for target in CampaignTarget.all_tenants.filter(campaign=campaign, status="pending")[:n]:
        CallFactory(tenant=campaign.tenant, campaign=campaign, campaign_target=target, lead=target.lead, status="ended")
        CampaignTarget.all_tenants.filter(pk=target.pk).update(status="done", attempts=1)


def test_the_page_holds_the_region_and_the_etag_of_what_it_shows(staff, running):
    page = staff.get(reverse("admin:campaigns_campaign_change", args=[running.pk])).content.decode()
    poll = staff.get(live_url(running))
    assert poll.status_code == 200 and poll["X-Live"] == "live"
    assert f'data-live-etag="{poll["ETag"]}"' in page.replace("&quot;", '"')
    assert "0% of 10" in poll.content.decode()


def test_a_poll_shows_the_progress_made_since(staff, running):
    first = staff.get(live_url(running))
    finish_targets(running, 8)
    second = staff.get(live_url(running), HTTP_IF_NONE_MATCH=first["ETag"])
    text = " ".join(second.content.decode().split())
    assert second.status_code == 200
    assert "80% of 10" in text and "8 · 0" in text  # calls · in progress


def test_an_unchanged_campaign_is_a_bodiless_304(staff, running):
    first = staff.get(live_url(running))
    again = staff.get(live_url(running), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_poll_costs_a_pinned_number_of_queries(staff, running, django_assert_max_num_queries):
    finish_targets(running, 5)
    staff.get(live_url(running))
    # the session, its user, the campaign, its six figures (services.stats), the dialer's beat task, the workers
    with django_assert_max_num_queries(11):
        assert staff.get(live_url(running)).status_code == 200


def test_a_finished_campaign_is_final(staff, running):
    assert staff.get(live_url(running))["X-Live"] == "live"
    Campaign.all_tenants.filter(pk=running.pk).update(status="completed")
    assert staff.get(live_url(running))["X-Live"] == "final"
    page = staff.get(reverse("admin:campaigns_campaign_change", args=[running.pk])).content.decode()
    assert 'data-live-final="1"' in page


def test_another_tenants_campaign_is_a_404(client, running, owner_b):
    client.force_login(owner_b)
    assert client.get(live_url(running)).status_code == 404


def test_without_the_permission_to_see_campaigns_the_region_is_refused_like_the_page(client, running, tenant_a):
    Group.objects.get(name=Role.VIEWER).permissions.remove(Permission.objects.get(codename="view_campaign"))
    forget_role_permissions()
    client.force_login(member(tenant_a, Role.VIEWER, "vera"))
    assert client.get(reverse("admin:campaigns_campaign_change", args=[running.pk])).status_code == 403
    assert client.get(live_url(running)).status_code == 403


def test_the_region_is_read_only(staff, running):
    assert staff.post(live_url(running)).status_code == 405
