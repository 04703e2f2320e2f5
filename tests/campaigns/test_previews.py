"""Issue 19, finding 12: an audience preview shows who is skipped and why (in words, on the admin's page; a
code and its words in the API), and a recall lists the VINs that matched no vehicle."""

import re

import pytest
from django.urls import reverse

from core.public_ids import of as pid
from tenants.roles import Role
from tests.conftest import api_client, member
from tests.factories import (
    CampaignFactory,
    ConsentFactory,
    DoNotCallFactory,
    LeadFactory,
    ScriptFactory,
    VehicleFactory,
)

from .conftest import make_agent, make_leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenant_a, branch):
    """Three people the campaign may call, one on the do-not-call list, one without consent."""
    callable_, dnc = make_leads(tenant_a, branch, 2)
    DoNotCallFactory(tenant=tenant_a, phone=dnc.phone)
    (no_consent,) = make_leads(tenant_a, branch, 1, prefix="+1917555", consent=False)
    return callable_, dnc, no_consent


def test_the_admin_preview_names_each_skipped_lead_and_why(client, tenant_a, campaign, people):
    _, dnc, no_consent = people
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    skipped = {(row["name"], row["reason_label"]) for row in page.context["preview"]["skipped_leads"]}
    assert skipped == {
        (dnc.full_name, "On the do-not-call list"),
        (no_consent.full_name, "No consent for this purpose"),
    }
    html = page.content.decode()
    assert "Who is skipped, and why" in html
    assert reverse("admin:leads_lead_change", args=[dnc.pk]) in html
    assert "On the do-not-call list" in html and "No consent for this purpose" in html
    assert "dnc" not in page.context["preview"]["skipped_leads"][0]["reason_label"]  # words, not codes


def test_the_api_preview_lists_the_skipped_leads_with_code_and_words(tenant_a, campaign, people):
    callable_, dnc, no_consent = people
    client = api_client(member(tenant_a, Role.MANAGER, "maria"), tenant_a)
    preview = client.get(f"/api/v1/campaigns/{pid(campaign)}/preview-audience/").json()
    assert (preview["count"], preview["would_call"], preview["skipped"]) == (3, 1, 2)
    rows = {row["id"]: (row["reason"], row["reason_label"]) for row in preview["skipped_leads"]}
    assert rows == {
        pid(dnc): ("dnc", "On the do-not-call list"),
        pid(no_consent): ("no_consent", "No consent for this purpose"),
    }
    assert pid(callable_) not in rows
    assert [row["id"] for row in preview["sample"]] == [pid(callable_)]  # who would be called, not who is skipped
    assert preview["unmatched_vins"] == []


@pytest.fixture
def recall(tenant_b):
    """A dealership's recall of three VINs, one of them a car none of its customers has on file."""
    owner = LeadFactory(tenant=tenant_b, first_name="Olga")
    ConsentFactory(tenant=tenant_b, lead=owner, kind="express")
    VehicleFactory(tenant=tenant_b, lead=owner, vin="1HGCM82633A004352")
    VehicleFactory(tenant=tenant_b, vin="1HGCM82633A004353")
    script = ScriptFactory(tenant=tenant_b, purpose="recall")
    vins = ["1HGCM82633A004352", "1HGCM82633A004353", "5YJSA1E26HF000337"]
    return CampaignFactory(
        tenant=tenant_b, agent=make_agent(tenant_b), script=script, audience={"kind": "recall", "vins": vins}
    )


def test_a_recall_preview_lists_the_vins_that_matched_no_vehicle(tenant_b, recall):
    client = api_client(member(tenant_b, Role.MANAGER, "mike"), tenant_b)
    preview = client.get(f"/api/v1/campaigns/{pid(recall)}/preview-audience/").json()
    assert preview["count"] == 2
    assert preview["unmatched_vins"] == ["5YJSA1E26HF000337"]


@pytest.mark.parametrize("status", ["draft", "running"])
def test_the_recall_page_lists_the_unmatched_vins(client, tenant_b, recall, status):
    type(recall).all_tenants.filter(pk=recall.pk).update(status=status)
    client.force_login(member(tenant_b, Role.MANAGER, "mike"))
    page = client.get(reverse("admin:campaigns_campaign_change", args=[recall.pk])).content.decode()
    assert "VINs of the recall that matched no vehicle (1)" in page
    assert re.search(r'data-testid="unmatched-vins">([^<]*)<', page)[1] == "5YJSA1E26HF000337"


def test_a_large_audience_is_estimated_from_an_even_spread(monkeypatch, client, tenant_a, campaign, branch):
    """Issue 19: a preview of a million leads may not gate a million leads. Above PREVIEW_CHECKED, the count stays
    exact and the rest is estimated from every k-th lead, and the page and the API say so."""
    from campaigns import audiences

    monkeypatch.setattr(audiences, "PREVIEW_CHECKED", 4)
    leads = make_leads(tenant_a, branch, 12)  # every third one (by id) on the do-not-call list
    for lead in leads[2::3]:
        DoNotCallFactory(tenant=tenant_a, phone=lead.phone)
    maria = member(tenant_a, Role.MANAGER, "maria")
    api = api_client(maria, tenant_a)
    preview = api.get(f"/api/v1/campaigns/{pid(campaign)}/preview-audience/").json()
    assert (preview["count"], preview["estimated"], preview["checked"]) == (12, True, 4)
    assert (preview["skipped"], preview["would_call"], preview["skipped_by_reason"]["dnc"]) == (12, 0, 12)
    assert preview["sample"] == []  # the 3rd, 6th, 9th and 12th were checked: all skipped, nobody to show

    DoNotCallFactory(tenant=tenant_a, phone=leads[0].phone)  # not in the spread: the estimate cannot see it
    monkeypatch.setattr(audiences, "PREVIEW_CHECKED", 6)  # every second: the 2nd, 4th, …, 12th; 6th and 12th on DNC
    preview = api.get(f"/api/v1/campaigns/{pid(campaign)}/preview-audience/").json()
    assert (preview["checked"], preview["skipped"], preview["would_call"]) == (6, 4, 8)
    assert [row["id"] for row in preview["sample"]] == [pid(lead) for lead in (leads[1], leads[3], leads[7], leads[9])]

    client.force_login(maria)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert "Checking who in this large audience would be called" in page  # the page does not wait for it
    preview_url = reverse("admin:campaigns_campaign_preview", args=[campaign.pk])
    assert f'data-live-url="{preview_url}"' in page and 'data-live-now="1"' in page
    fetched = client.get(preview_url)
    assert fetched["X-Live"] == "final"
    shown = " ".join(fetched.content.decode().split())
    assert "12 leads: about 8 would be called; about 4 skipped" in shown
    assert "Estimated from 6 leads spread evenly over the audience" in shown


def test_a_large_audiences_page_does_not_gate_its_leads(monkeypatch, client, tenant_a, campaign, branch):
    """The page of a draft over PREVIEW_CHECKED does not wait for the gate: the preview comes in its own fetch."""
    from campaigns import audiences, live

    monkeypatch.setattr(audiences, "PREVIEW_CHECKED", 4)
    make_leads(tenant_a, branch, 12)
    monkeypatch.setattr(live.audiences, "preview", lambda campaign: pytest.fail("the page gated its audience"))
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert page.status_code == 200 and page.context["preview_deferred"] and "preview" not in page.context


def test_the_preview_fetch_is_refused_as_its_page_is(client, tenant_a, tenant_b, campaign):
    preview_url = reverse("admin:campaigns_campaign_preview", args=[campaign.pk])
    client.force_login(member(tenant_b, Role.MANAGER, "other"))
    assert client.get(preview_url).status_code == 404  # another tenant's campaign
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    assert client.post(preview_url).status_code == 405  # reads only


def test_an_audience_within_the_limit_is_checked_lead_by_lead(tenant_a, campaign, people):
    preview = api_client(member(tenant_a, Role.MANAGER, "maria"), tenant_a).get(
        f"/api/v1/campaigns/{pid(campaign)}/preview-audience/"
    )
    assert (preview.json()["estimated"], preview.json()["checked"]) == (False, 3)
