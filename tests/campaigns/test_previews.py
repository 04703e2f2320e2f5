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


def in_spread(lead, total):
    """The spread's rule as the docs state it: the id, times Knuth's constant, mod 2**32, in the lowest
    PREVIEW_CHECKED/total of that range."""
    from campaigns import audiences

    return lead.pk * 2654435761 % 2**32 < 2**32 * audiences.PREVIEW_CHECKED // total


def test_a_large_audience_is_estimated_from_an_even_spread(monkeypatch, client, tenant_a, campaign, branch):
    """Issue 19: a preview of a million leads may not gate a million leads. Above PREVIEW_CHECKED, the count stays
    exact and the rest is estimated from an even spread, and the page and the API say so."""
    from campaigns import audiences

    monkeypatch.setattr(audiences, "PREVIEW_CHECKED", 6)
    leads = make_leads(tenant_a, branch, 12)
    spread = [lead for lead in leads if in_spread(lead, 12)]
    outside = [lead for lead in leads if not in_spread(lead, 12)]
    assert spread and outside  # ids in a row: some in, some out
    on_dnc = spread[::2]  # half the spread on the do-not-call list, and one lead outside it
    for lead in [*on_dnc, outside[0]]:
        DoNotCallFactory(tenant=tenant_a, phone=lead.phone)
    maria = member(tenant_a, Role.MANAGER, "maria")
    preview = api_client(maria, tenant_a).get(f"/api/v1/campaigns/{pid(campaign)}/preview-audience/").json()
    skipped = round(len(on_dnc) * 12 / len(spread))  # scaled from the spread; the lead outside it is not seen
    assert (preview["count"], preview["estimated"], preview["checked"]) == (12, True, len(spread))
    assert (preview["skipped"], preview["would_call"], preview["skipped_by_reason"]["dnc"]) == (
        skipped,
        12 - skipped,
        skipped,
    )
    called = [lead for lead in spread if lead not in on_dnc]
    assert [row["id"] for row in preview["sample"]] == [pid(lead) for lead in called]

    client.force_login(maria)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert "Checking who in this large audience would be called" in page  # the page does not wait for it
    preview_url = reverse("admin:campaigns_campaign_preview", args=[campaign.pk])
    assert f'data-live-url="{preview_url}"' in page and 'data-live-now="1"' in page
    fetched = client.get(preview_url)
    assert fetched["X-Live"] == "final"
    shown = " ".join(fetched.content.decode().split())
    assert f"12 leads: about {12 - skipped} would be called; about {skipped} skipped" in shown
    assert f"Estimated from {len(spread)} leads spread evenly over the audience" in shown


@pytest.mark.parametrize("stride", [1, 2, 3, 10], ids=["consecutive ids", "every 2nd", "every 3rd", "every 10th"])
def test_the_spread_takes_its_share_whatever_pattern_the_ids_follow(monkeypatch, stride):
    """A tenant whose leads hold every other id (another tenant imported beside it) is sampled as evenly as one
    with ids in a row: about PREVIEW_CHECKED of them, from the whole range. Taking every id divisible by k would
    take twice the share, or none, of ids that are all even."""
    from types import SimpleNamespace

    from campaigns import audiences

    ids = range(stride, stride * 20_000 + 1, stride)
    taken = [pk for pk in ids if in_spread(SimpleNamespace(pk=pk), len(ids))]
    assert abs(len(taken) - audiences.PREVIEW_CHECKED) < audiences.PREVIEW_CHECKED * 0.1
    halves = sum(pk <= ids[len(ids) // 2] for pk in taken)
    assert abs(halves - len(taken) / 2) < len(taken) * 0.1  # spread over the range, not bunched at one end


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
