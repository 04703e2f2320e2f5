"""Campaigns in the admin: build with the audience builder, preview, start / pause / resume / cancel (confirmed),
watch progress; only the buttons the status allows; another tenant's campaign is out of reach."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from campaigns.admin import buttons_for
from campaigns.models import CAMPAIGN_MOVES, Campaign, CampaignStatus, CampaignTarget
from core.public_ids import of as pid
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member
from tests.factories import CampaignFactory, DoNotCallFactory, TagFactory

from .conftest import make_leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, tenant_a):
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    return client


def url(name, *args):
    return reverse(f"admin:campaigns_campaign_{name}", args=args)


def test_the_audience_builder_saves_the_audience(staff, tenant_a, agent, branch):
    vip = TagFactory(tenant=tenant_a, name="vip")
    from tests.factories import ScriptFactory

    script = ScriptFactory(tenant=tenant_a, purpose="lead_followup")
    response = staff.post(
        url("add"),
        {
            "name": "Win back",
            "branch": pid(branch),
            "agent": pid(agent),
            "script": pid(script),
            "audience_kind": "filter",
            "stages": ["new", "contacted"],
            "tags": [pid(vip)],
            "score_min": "40",
            "number": "",
            "calling_windows": '{"mon": [["10:00", "18:00"]]}',
            "zone_policy": "lead",
            "max_attempts": "3",
            "retry_minutes": "{}",
            "no_retry_after_decline": "on",
            "max_concurrent": "5",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.all_tenants.get(name="Win back")
    assert campaign.audience == {
        "kind": "filter",
        "stages": ["new", "contacted"],
        "tags": [vip.pk],
        "score_min": 40,
        "branch": branch.pk,
    }
    assert campaign.purpose == "lead_followup" and campaign.created_by.username == "maria"


def test_building_a_campaign_shows_each_scripts_purpose_and_its_rules(staff, tenant_a):
    from tests.factories import ScriptFactory

    ScriptFactory(tenant=tenant_a, name="Win-back", purpose="win_back")
    ScriptFactory(tenant=tenant_a, name="Service due", purpose="service_reminder")
    page = staff.get(url("add"))
    form = page.context["adminform"].form
    assert "Win-back (v1) · Win-back · marketing" in page.content.decode()
    with tenant_scope(tenant_a.pk):
        offered = {label for _, label in form.fields["script"].choices if label}
    assert {"Win-back (v1) · Win-back · marketing", "Service due (v1) · Service reminder · informational"} <= offered
    assert "written consent" in form.fields["script"].help_text


def test_a_wider_window_or_a_bad_audience_is_refused_on_the_form(staff, tenant_a, campaign):
    response = staff.post(
        url("change", campaign.pk),
        {
            "name": campaign.name,
            "agent": pid(campaign.agent),
            "script": pid(campaign.script),
            "audience_kind": "recall",
            "vins": "",
            "calling_windows": '{"mon": [["06:00", "18:00"]]}',
            "zone_policy": "lead",
            "max_attempts": "3",
            "retry_minutes": "{}",
            "max_concurrent": "5",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"audience_kind", "calling_windows"}


def test_draft_page_previews_and_offers_start_only(staff, tenant_a, campaign, branch):
    leads = make_leads(tenant_a, branch, 3)
    DoNotCallFactory(tenant=tenant_a, phone=leads[0].phone)
    response = staff.get(url("change", campaign.pk))
    assert response.status_code == 200
    assert response.context["preview"]["would_call"] == 2
    html = response.content.decode()
    assert "Audience preview" in html and "1: on the do-not-call list" in html
    assert url("start_campaign", campaign.pk) in html
    assert url("resume_campaign", campaign.pk) not in html
    assert url("pause_campaign", campaign.pk) not in html


def test_start_is_confirmed_then_pause_with_a_reason_then_resume(staff, tenant_a, campaign, branch, clock):
    make_leads(tenant_a, branch, 3)
    confirm = staff.get(url("start_campaign", campaign.pk))
    assert confirm.status_code == 200 and Campaign.all_tenants.get(pk=campaign.pk).status == "draft"
    started = staff.post(url("start_campaign", campaign.pk), follow=True)
    assert "Running: 3 targets; skipped: none." in started.content.decode()
    assert CampaignTarget.all_tenants.filter(campaign=campaign).count() == 3

    page = staff.get(url("change", campaign.pk)).content.decode()
    assert url("pause_campaign", campaign.pk) in page and url("start_campaign", campaign.pk) not in page
    staff.post(url("pause_campaign", campaign.pk), {"reason": "Gym closed for the storm"})
    paused = Campaign.all_tenants.get(pk=campaign.pk)
    assert (paused.status, paused.pause_reason) == ("paused", "Gym closed for the storm")
    assert "Gym closed for the storm" in staff.get(url("change", campaign.pk)).content.decode()

    staff.post(url("resume_campaign", campaign.pk))
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "running"
    stale = staff.post(url("resume_campaign", campaign.pk), follow=True)  # a second click from an old page
    assert "Only a paused campaign can resume." in stale.content.decode()


def test_changelist_shows_progress_in_a_fixed_number_of_queries(
    staff, tenant_a, campaign, branch, clock, django_assert_max_num_queries
):
    from campaigns import services
    from tenants.scoping import tenant_scope

    make_leads(tenant_a, branch, 4, consent=False)
    make_leads(tenant_a, branch, 4, prefix="+1917555")
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    CampaignFactory.create_batch(10, tenant=tenant_a, agent=campaign.agent, script=campaign.script)
    with django_assert_max_num_queries(20):
        response = staff.get(url("changelist"))
    assert response.status_code == 200
    assert "4 / 8" in response.content.decode()  # the four without consent are skipped: finished


def test_the_campaign_page_says_whether_the_dialer_is_ticking(staff, tenant_a, campaign, branch):
    from campaigns import services
    from tenants.scoping import tenant_scope

    assert "The dialer has not run" not in staff.get(url("change", campaign.pk)).content.decode()  # a draft
    make_leads(tenant_a, branch, 1)
    make_leads(tenant_a, branch, 1, prefix="+1917555", consent=False)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    started = staff.get(url("change", campaign.pk)).content.decode()
    assert "The dialer has not run yet" in started  # no beat at all
    assert "of which 1 skipped, never called" in started  # the progress says what its first half is
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    dialer = PeriodicTask.objects.create(
        name="dispatch-due-campaign-targets", task="campaigns.tasks.dispatch_due", interval=every_minute
    )  # beat is up, and has not ticked yet
    just_started = staff.get(url("change", campaign.pk)).content.decode()  # its first tick is not due yet
    assert "The dialer has not run" not in just_started and "its next tick is due within the minute" in just_started
    with time_machine.travel(timezone.now() + timedelta(seconds=91)):  # the interval (60 s) and the grace: no tick
        assert "The dialer has not run yet" in staff.get(url("change", campaign.pk)).content.decode()
    PeriodicTask.objects.filter(pk=dialer.pk).update(last_run_at=timezone.now() - timedelta(seconds=50))
    assert "Dialer ticking every 60 s" in staff.get(url("change", campaign.pk)).content.decode()


def test_the_campaign_page_says_when_no_worker_takes_the_dialers_work(staff, tenant_a, campaign, branch):
    from campaigns import services
    from core import heartbeat
    from tenants.scoping import tenant_scope

    make_leads(tenant_a, branch, 1)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    page = staff.get(url("change", campaign.pk)).content.decode()
    assert "No worker has been seen for a minute on dialling, effects" in page
    heartbeat.beat("celery@laptop", ["dialling", "effects", "sweeps", "messages", "background"], timezone.now())
    assert "No worker has been seen" not in staff.get(url("change", campaign.pk)).content.decode()
    owner = api_client(member(tenant_a, Role.OWNER, "olga"), tenant_a)
    stats = owner.get(f"/api/v1/campaigns/{pid(campaign)}/stats/").json()
    assert stats["dialer"]["queues_without_worker"] == []


def test_another_tenants_campaign_cannot_be_started_from_the_admin(client, tenant_b, campaign):
    client.force_login(member(tenant_b, Role.OWNER, "bob"))
    for action in ("start_campaign", "pause_campaign", "cancel_campaign", "upload_leads"):
        assert client.post(url(action, campaign.pk)).status_code == 404
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "draft"


def test_viewers_cannot_start(client, tenant_a, campaign):
    client.force_login(member(tenant_a, Role.VIEWER, "vera"))
    assert client.post(url("start_campaign", campaign.pk)).status_code == 403
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "draft"


def test_a_recall_list_file_becomes_the_audience(staff, tenant_a, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import LeadFactory, ScriptFactory, VehicleFactory

    tenant_a.vertical = "dealership"  # recalls are a dealership's
    tenant_a.save(update_fields=["vertical"])
    owner = LeadFactory(tenant=tenant_a, phone="+12125550001")
    VehicleFactory(tenant=tenant_a, lead=owner, vin="1HGCM82633A004352")
    LeadFactory(tenant=tenant_a, phone="+12125550002")
    script = ScriptFactory(tenant=tenant_a, purpose="recall")
    listing = b"Campaign,VIN,Model\n26V-114,1hgcm82633a004352,Accord\n26V-114,JH4KA8260MC000000,Legend\n"
    form = {
        "name": "Recall 26V-114",
        "agent": pid(agent),
        "script": pid(script),
        "audience_kind": "recall",
        "calling_windows": '{"mon": [["10:00", "18:00"]]}',
        "zone_policy": "lead",
        "max_attempts": "3",
        "retry_minutes": "{}",
        "max_concurrent": "5",
    }
    response = staff.post(url("add"), {**form, "recall_file": SimpleUploadedFile("recall.csv", listing)})
    assert response.status_code == 302
    campaign = Campaign.all_tenants.get(name="Recall 26V-114")
    assert campaign.audience["vins"] == ["1HGCM82633A004352", "JH4KA8260MC000000"]
    page = staff.get(url("change", campaign.pk))
    preview = page.context["preview"]
    assert [row["id"] for row in preview["sample"] + preview["skipped_leads"]] == [pid(owner)]

    nothing = staff.post(url("add"), {**form, "name": "Empty", "recall_file": SimpleUploadedFile("x.csv", b"a,b\n")})
    assert "No VIN" in str(nothing.context["adminform"].form.errors["recall_file"])


BUTTONS = ["start_campaign", "pause_campaign", "resume_campaign", "cancel_campaign", "upload_leads"]


def test_the_buttons_are_the_moves_of_the_table(monkeypatch):
    """The admin restates no table: each button is a move CAMPAIGN_MOVES allows from the status."""
    assert {status: buttons_for(status) for status in CampaignStatus.values} == {
        "draft": {"start_campaign", "cancel_campaign", "upload_leads"},
        "scheduled": {"pause_campaign", "cancel_campaign", "upload_leads"},
        "running": {"pause_campaign", "cancel_campaign", "upload_leads"},
        "paused": {"resume_campaign", "cancel_campaign", "upload_leads"},
        "completed": set(),
        "canceled": set(),
    }
    # and they follow the table: a campaign that may no longer be paused offers no Pause
    monkeypatch.setitem(CAMPAIGN_MOVES.moves, "running", frozenset({"completed", "canceled"}))
    assert buttons_for("running") == {"cancel_campaign", "upload_leads"}


@pytest.mark.parametrize("status", ["draft", "scheduled", "running", "paused", "completed", "canceled"])
def test_the_page_shows_those_buttons(staff, tenant_a, agent, status):
    campaign = CampaignFactory(tenant=tenant_a, agent=agent, status=status)
    html = staff.get(url("change", campaign.pk)).content.decode()
    assert {name for name in BUTTONS if url(name, campaign.pk) in html} == buttons_for(status)
