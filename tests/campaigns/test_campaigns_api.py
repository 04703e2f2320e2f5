"""``/api/v1/campaigns/``: build, preview, start, watch, pause, resume, cancel; targets and CSV upload; follow-ups."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from calls.models import Call
from campaigns.models import Campaign, CampaignTarget
from core.public_ids import of as pid
from tenants.roles import Role
from tests.conftest import api_client, member
from tests.factories import CampaignFactory, DoNotCallFactory, LeadFactory, ScriptFactory, TagFactory

from .conftest import make_agent, make_leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(tenant_a):
    return member(tenant_a, Role.MANAGER, "maria")


@pytest.fixture
def client(manager, tenant_a):
    return api_client(manager, tenant_a)


@pytest.fixture
def script(tenant_a):
    return ScriptFactory(tenant=tenant_a, purpose="lead_followup")


def body(agent, script, **fields):
    return {
        "name": "November trials",
        "agent": pid(agent),
        "script": pid(script),
        "audience": {"kind": "filter"},
    } | fields


def test_create_then_preview_then_start_then_watch(clock, client, manager, tenant_a, agent, script, branch):
    leads = make_leads(tenant_a, branch, 4)
    make_leads(tenant_a, branch, 1, prefix="+1917555", consent=False)
    DoNotCallFactory(tenant=tenant_a, phone=leads[0].phone)
    created = client.post("/api/v1/campaigns/", body(agent, script, max_concurrent=3), format="json")
    assert created.status_code == 201, created.json()
    campaign = created.json()
    assert (campaign["status"], campaign["purpose"], campaign["created_by"]) == ("draft", "lead_followup", pid(manager))

    preview = client.get(f"/api/v1/campaigns/{campaign['id']}/preview-audience/").json()
    assert (preview["count"], preview["would_call"], preview["skipped"]) == (5, 3, 2)
    assert preview["skipped_by_reason"]["dnc"] == 1 and preview["skipped_by_reason"]["no_consent"] == 1
    assert {row["phone"] for row in preview["sample"]} == {lead.phone for lead in leads[1:]}  # who would be called

    started = client.post(f"/api/v1/campaigns/{campaign['id']}/start/")
    assert started.status_code == 200 and started.json()["status"] == "running"
    skipped = client.get(f"/api/v1/campaigns/{campaign['id']}/targets/?status=skipped").json()
    assert sorted(row["skip_reason"] for row in skipped["results"]) == ["dnc", "no_consent"]
    stats = client.get(f"/api/v1/campaigns/{campaign['id']}/stats/").json()
    assert stats["targets"] == 5 and stats["targets_by_status"] == {"pending": 3, "skipped": 2}
    assert stats["progress_percent"] == 40


def test_pause_resume_cancel_through_the_api(clock, client, tenant_a, campaign, branch):
    make_leads(tenant_a, branch, 2)
    url = f"/api/v1/campaigns/{pid(campaign)}"
    assert client.post(f"{url}/start/").json()["status"] == "running"
    paused = client.post(f"{url}/pause/", {"reason": "Staff meeting"}, format="json").json()
    assert (paused["status"], paused["pause_reason"]) == ("paused", "Staff meeting")
    assert client.post(f"{url}/resume/").json()["status"] == "running"
    again = client.post(f"{url}/resume/")
    assert again.status_code == 400 and "status" in again.json()["fields"]
    assert client.post(f"{url}/cancel/").json()["status"] == "canceled"
    assert set(CampaignTarget.all_tenants.filter(campaign=campaign).values_list("status", flat=True)) == {"canceled"}
    assert client.post(f"{url}/start/").status_code == 400


def test_bad_requests_get_a_field_map(client, tenant_a, tenant_b, agent, script):
    foreign_agent = make_agent(tenant_b)
    response = client.post(
        "/api/v1/campaigns/",
        body(foreign_agent, script, audience={"kind": "everyone"}, max_attempts=0, retry_minutes={"busy": [0]}),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"agent", "audience.kind", "max_attempts", "retry_minutes.busy.0"}
    windows = client.post(
        "/api/v1/campaigns/", body(agent, script, calling_windows={"mon": [["19:00", "09:00"]]}), format="json"
    )
    assert windows.status_code == 400 and set(windows.json()["fields"]) == {"calling_windows.mon.0"}
    wider = client.post(
        "/api/v1/campaigns/", body(agent, script, calling_windows={"sat": [["07:00", "12:00"]]}), format="json"
    )
    assert wider.status_code == 400
    assert "outside the legal calling hours" in wider.json()["fields"]["calling_windows.sat.0"][0]


def test_a_running_campaign_keeps_its_audience_agent_and_script(clock, client, tenant_a, campaign, branch):
    make_leads(tenant_a, branch, 1)
    client.post(f"/api/v1/campaigns/{pid(campaign)}/start/")
    response = client.patch(
        f"/api/v1/campaigns/{pid(campaign)}/", {"audience": {"kind": "filter", "score_min": 50}}, format="json"
    )
    assert response.status_code == 400 and set(response.json()["fields"]) == {"audience"}
    renamed = client.patch(
        f"/api/v1/campaigns/{pid(campaign)}/", {"name": "Renamed", "max_concurrent": 2}, format="json"
    )
    assert renamed.status_code == 200 and renamed.json()["status"] == "running"


def test_targets_csv_upload_adds_the_people_to_a_running_campaign(
    clock, client, tenant_a, campaign, branch, django_capture_on_commit_callbacks
):
    make_leads(tenant_a, branch, 1)
    client.post(f"/api/v1/campaigns/{pid(campaign)}/start/")
    csv = b"First name,Phone\nAna,(212) 555-7001\nBen,212 555 7002\nNobody,12345\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/campaigns/{pid(campaign)}/targets/",
            {"file": SimpleUploadedFile("recall.csv", csv, content_type="text/csv")},
            format="multipart",
        )
    assert response.status_code == 202, response.json()
    report = client.get(f"/api/v1/leads/imports/{response.json()['id']}/").json()
    assert (report["status"], report["created_count"], report["error_count"]) == ("done", 2, 1)
    phones = set(CampaignTarget.all_tenants.filter(campaign=campaign).values_list("lead__phone", flat=True)) - {
        "+12125551000"
    }
    assert phones == {"+12125557001", "+12125557002"}


def test_a_draft_campaigns_upload_becomes_its_audience(
    client, tenant_a, campaign, branch, django_capture_on_commit_callbacks
):
    make_leads(tenant_a, branch, 3)  # not in the upload
    csv = b"Phone\n2125557001\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/v1/campaigns/{pid(campaign)}/targets/",
            {"file": SimpleUploadedFile("list.csv", csv, content_type="text/csv")},
            format="multipart",
        )
    preview = client.get(f"/api/v1/campaigns/{pid(campaign)}/preview-audience/").json()
    assert [row["phone"] for row in preview["sample"] + preview["skipped_leads"]] == ["+12125557001"]


def test_targets_filter_and_query_count(clock, client, tenant_a, campaign, branch, django_assert_max_num_queries):
    make_leads(tenant_a, branch, 30)
    client.post(f"/api/v1/campaigns/{pid(campaign)}/start/")
    with django_assert_max_num_queries(8):
        page = client.get(f"/api/v1/campaigns/{pid(campaign)}/targets/?status=pending").json()
    assert page["count"] == 30 and page["results"][0]["lead_phone"].startswith("+1212555")
    CampaignFactory.create_batch(5, tenant=tenant_a, agent=campaign.agent, script=campaign.script)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/campaigns/").json()["count"] == 6


def test_agents_watch_but_do_not_run_campaigns(tenant_a, campaign):
    agent_user = member(tenant_a, Role.AGENT, "andy")
    client = api_client(agent_user, tenant_a)
    assert client.get(f"/api/v1/campaigns/{pid(campaign)}/stats/").status_code == 200
    assert client.post(f"/api/v1/campaigns/{pid(campaign)}/start/").status_code == 403
    upload = SimpleUploadedFile("x.csv", b"Phone\n2125557001\n", content_type="text/csv")
    assert client.post(f"/api/v1/campaigns/{pid(campaign)}/targets/", {"file": upload}).status_code == 403
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "draft"


def test_follow_up_rules(client, tenant_a, tenant_b, campaign):
    second = CampaignFactory(tenant=tenant_a, agent=campaign.agent, script=campaign.script)
    created = client.post(
        "/api/v1/campaigns/follow-up-rules/",
        {
            "source_campaign": pid(campaign),
            "target_campaign": pid(second),
            "outcomes": ["no_answer"],
            "delay_minutes": 90,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    bad = client.post(
        "/api/v1/campaigns/follow-up-rules/",
        {"source_campaign": pid(campaign), "target_campaign": pid(campaign), "outcomes": ["no_answer"]},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"target_campaign"}
    unknown = client.post(
        "/api/v1/campaigns/follow-up-rules/",
        {"source_campaign": pid(campaign), "target_campaign": pid(second), "outcomes": ["maybe"]},
        format="json",
    )
    assert unknown.status_code == 400 and set(unknown.json()["fields"]) == {"outcomes.0"}
    foreign = CampaignFactory(tenant=tenant_b)
    cross = client.post(
        "/api/v1/campaigns/follow-up-rules/",
        {"source_campaign": pid(campaign), "target_campaign": pid(foreign), "outcomes": ["no_answer"]},
        format="json",
    )
    assert cross.status_code == 400 and "target_campaign" in cross.json()["fields"]
    no_outcomes = client.post(
        "/api/v1/campaigns/follow-up-rules/",
        {"source_campaign": pid(campaign), "target_campaign": pid(second), "outcomes": []},
        format="json",
    )
    assert no_outcomes.status_code == 400 and set(no_outcomes.json()["fields"]) == {"outcomes"}


def test_tenant_b_cannot_act_on_tenant_a_campaigns(clock, tenant_a, tenant_b, owner_b, campaign, branch):
    make_leads(tenant_a, branch, 1)
    client = api_client(owner_b, tenant_b)
    for verb in ("start", "pause", "resume", "cancel"):
        assert client.post(f"/api/v1/campaigns/{pid(campaign)}/{verb}/").status_code == 404
    for view in ("stats", "targets", "preview-audience"):
        assert client.get(f"/api/v1/campaigns/{pid(campaign)}/{view}/").status_code == 404
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "draft"
    assert not Call.all_tenants.exists()


def test_audience_by_tag_stage_and_score(client, tenant_a, agent, script, branch):
    vip = TagFactory(tenant=tenant_a, name="vip")
    keep = LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550001", score=80, stage="new")
    keep.tags.add(vip)
    LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550002", score=90, stage="new")  # no tag
    low = LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550003", score=10, stage="new")
    low.tags.add(vip)
    audience = {"kind": "filter", "tags": [pid(vip)], "stages": ["new"], "score_min": 50}
    created = client.post("/api/v1/campaigns/", body(agent, script, audience=audience), format="json").json()
    preview = client.get(f"/api/v1/campaigns/{created['id']}/preview-audience/").json()
    assert [row["id"] for row in preview["sample"] + preview["skipped_leads"]] == [pid(keep)]  # (no consent)
