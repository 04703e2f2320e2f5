"""The dialer on real PostgreSQL: exactly-once claims under concurrency, leases, pause and resume,
calling hours, frequency caps, retries at their time, do-not-call mid-campaign, completion."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection

from calls.models import Call
from campaigns import dispatch, services
from campaigns.models import Campaign, CampaignTarget
from leads.models import DoNotCall
from tenants.scoping import tenant_scope
from tests.clock import dst_switches, moment, now
from tests.factories import CallFactory, CampaignFactory, LeadFactory, ScriptFactory

from .conftest import MON, MONDAY_11_NEW_YORK, TUE, make_agent, make_leads

pytestmark = pytest.mark.django_db


def tick(tenant, when=None):
    with tenant_scope(tenant.pk):
        return dispatch.dispatch_tenant(when or now())


def targets(campaign):
    return list(CampaignTarget.all_tenants.filter(campaign=campaign).order_by("pk"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_never_make_two_calls_for_one_target(tenant_a, campaign, branch, clock):
    make_leads(tenant_a, branch, 120)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            with mock.patch("campaigns.dispatch.queue_dials"):  # the provider is not the point here
                tick(tenant_a, MONDAY_11_NEW_YORK)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    per_target = {}
    for call in Call.all_tenants.filter(campaign=campaign):
        per_target[call.campaign_target_id] = per_target.get(call.campaign_target_id, 0) + 1
    assert len(per_target) == 120
    assert set(per_target.values()) == {1}
    assert {t.attempts for t in targets(campaign)} == {1}


def test_claims_are_bounded_by_concurrency_and_caps(tenant_a, branch, clock):
    agent = make_agent(tenant_a, concurrency=7)
    script = ScriptFactory(tenant=tenant_a)
    campaign = CampaignFactory(tenant=tenant_a, agent=agent, script=script, max_concurrent=5, max_per_hour=100)
    make_leads(tenant_a, branch, 20)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a)
        assert Call.all_tenants.filter(campaign=campaign).count() == 5  # the campaign's own limit
        tick(tenant_a)
        assert Call.all_tenants.filter(campaign=campaign).count() == 5  # nothing finished: no room
    Call.all_tenants.filter(campaign=campaign).update(status="ended")
    campaign.max_per_hour = 8
    campaign.save()
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a)
    assert Call.all_tenants.filter(campaign=campaign).count() == 8  # the hourly cap


def test_a_tick_counts_the_calls_in_use_once_however_many_batches_it_claims(tenant_a, campaign, branch, clock):
    from django.test.utils import CaptureQueriesContext

    make_leads(tenant_a, branch, 2 * dispatch.CLAIM_BATCH + 10)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with mock.patch("campaigns.dispatch.queue_dials"), CaptureQueriesContext(connection) as captured:
        report = tick(tenant_a)
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and '"calls_call"' in q["sql"]]
    assert report["queued"] == 2 * dispatch.CLAIM_BATCH + 10
    assert len(counts) == 2  # the provider account's calls in use and the campaign's, once


@pytest.mark.postgres  # SQLite's limit on statement parameters splits bulk writes into several statements
def test_queries_per_claimed_batch_do_not_grow_with_the_batch(tenant_a, branch, clock, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    def queries_for(n, prefix):
        agent = make_agent(tenant_a)
        campaign = CampaignFactory(
            tenant=tenant_a,
            agent=agent,
            script=ScriptFactory(tenant=tenant_a),
            max_concurrent=1000,
            audience={
                "kind": "leads",
                "lead_ids": [lead.pk for lead in make_leads(tenant_a, branch, n, prefix=prefix)],
            },
        )
        with tenant_scope(tenant_a.pk):
            services.start(campaign)
            with mock.patch("campaigns.dispatch.queue_dials"), CaptureQueriesContext(connection) as captured:
                dispatch.claim_batch(campaign, MONDAY_11_NEW_YORK, 1000)
        return len(captured.captured_queries)

    queries_for(2, "+1718555")  # warm the process memos (calling policy) first
    assert queries_for(80, "+1646555") <= queries_for(5, "+1917555")


def test_pause_stops_new_dials_resume_continues_cancel_leaves_nothing_queued(tenant_a, campaign, branch, clock):
    make_leads(tenant_a, branch, 6)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
        services.pause(campaign, reason="Front desk busy")
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a)
    assert Call.all_tenants.filter(campaign=campaign).count() == 0
    with tenant_scope(tenant_a.pk):
        services.resume(Campaign.objects.get(pk=campaign.pk))
    campaign.max_concurrent = 2
    campaign.save()  # an edit from a form loaded while paused: it must not undo the resume
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a)
    assert Call.all_tenants.filter(campaign=campaign).count() == 2
    with tenant_scope(tenant_a.pk):
        services.cancel(Campaign.objects.get(pk=campaign.pk))
    statuses = {t.status for t in targets(campaign)}
    assert statuses == {"canceled"}
    assert set(Call.all_tenants.filter(campaign=campaign).values_list("status", flat=True)) == {"canceled"}


def test_a_lost_wake_up_is_made_good_by_the_sweeper_and_the_target_is_called_once(
    tenant_a, campaign, branch, clock, django_capture_on_commit_callbacks
):
    from calls.tasks import sweep_calls

    make_leads(tenant_a, branch, 3)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with mock.patch("campaigns.dispatch.queue_dials"):  # the broker loses the message: no dialer is woken
        tick(tenant_a)
    assert set(Call.all_tenants.filter(campaign=campaign).values_list("status", flat=True)) == {"queued"}
    with mock.patch("voice.clients.simulator.SimulatorClient.start_call") as start:
        start.side_effect = lambda request: mock.Mock(provider_call_id=f"sim_{request.call_id}")
        with django_capture_on_commit_callbacks(execute=True):
            report = sweep_calls()
        with django_capture_on_commit_callbacks(execute=True):
            assert sweep_calls() == {}  # a second sweep finds nothing owed any more
    assert report["dials_due"] == 3
    assert start.call_count == 3
    assert set(Call.all_tenants.filter(campaign=campaign).values_list("status", flat=True)) == {"dialing"}
    assert {t.status for t in targets(campaign)} == {"dialing"}


def test_deferred_at_20_59_in_florida_goes_out_at_8_the_next_day_not_before(tenant_a, campaign, clock):
    lead = make_leads(tenant_a, None, 1, prefix="+1305555")[0]
    late = moment(MON, 20, 59)  # 20:59 in Miami (New York's zone)
    with tenant_scope(tenant_a.pk):
        services.start(campaign, now=late)
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a, late)
        (target,) = targets(campaign)
        assert target.status == "pending"
        assert target.next_attempt_at == moment(TUE, 8)  # 08:00 Miami
        tick(tenant_a, target.next_attempt_at - timedelta(minutes=1))
        assert Call.all_tenants.filter(lead=lead).count() == 0
        tick(tenant_a, target.next_attempt_at)
    assert Call.all_tenants.filter(lead=lead).count() == 1


def test_campaign_windows_narrow_the_hours(tenant_a, agent, branch, clock):
    campaign = CampaignFactory(
        tenant=tenant_a,
        agent=agent,
        script=ScriptFactory(tenant=tenant_a),
        calling_windows={"tue": [["10:00", "12:00"]]},
    )
    make_leads(tenant_a, branch, 1)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a)
    (target,) = targets(campaign)
    assert target.next_attempt_at == moment(TUE, 10)  # Tuesday 10:00 New York


def test_three_calls_a_day_hold_across_campaigns(tenant_a, campaign, branch, clock):
    (lead,) = make_leads(tenant_a, branch, 1)
    other = CampaignFactory(tenant=tenant_a, agent=campaign.agent, script=campaign.script)
    for hours in (1, 2, 3):
        CallFactory(
            tenant=tenant_a,
            lead=lead,
            campaign=other,
            purpose=campaign.purpose,
            dialed_at=MONDAY_11_NEW_YORK - timedelta(hours=hours),
        )
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with mock.patch("campaigns.dispatch.queue_dials"):
        report = tick(tenant_a)
    assert report["deferred:frequency"] == 1
    (target,) = targets(campaign)
    assert target.next_attempt_at == MONDAY_11_NEW_YORK - timedelta(hours=3) + timedelta(hours=24)


def test_the_third_call_of_the_day_goes_out(tenant_a, campaign, branch, clock, django_capture_on_commit_callbacks):
    """Regression: the gate at dial time must not count the call being dialled as a previous dial."""
    (lead,) = make_leads(tenant_a, branch, 1)
    other = CampaignFactory(tenant=tenant_a, agent=campaign.agent, script=campaign.script)
    for hours in (1, 2):
        CallFactory(
            tenant=tenant_a,
            lead=lead,
            campaign=other,
            purpose=campaign.purpose,
            dialed_at=MONDAY_11_NEW_YORK - timedelta(hours=hours),
        )
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        tick(tenant_a)
    (call,) = Call.all_tenants.filter(campaign=campaign)
    assert (call.status, call.compliance_code, call.outcome) == ("ended", "", "no_answer")


def test_no_answer_is_retried_at_the_scheduled_time_and_dnc_mid_campaign_stops_it(
    tenant_a, campaign, branch, clock, django_capture_on_commit_callbacks
):
    (lead,) = make_leads(tenant_a, branch, 1)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        tick(tenant_a)  # the simulator: no answer
    (target,) = targets(campaign)
    assert (target.status, target.attempts, target.last_outcome) == ("pending", 1, "no_answer")
    assert target.next_attempt_at == MONDAY_11_NEW_YORK + timedelta(minutes=240)
    clock.shift(timedelta(minutes=239))
    with django_capture_on_commit_callbacks(execute=True):
        tick(tenant_a)
    assert Call.all_tenants.filter(campaign=campaign).count() == 1  # not yet
    clock.shift(timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        tick(tenant_a)
    assert Call.all_tenants.filter(campaign=campaign).count() == 2  # the retry, on time
    with tenant_scope(tenant_a.pk):
        DoNotCall.objects.create(phone=lead.phone, reason="Emailed us to stop")
    clock.shift(timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        tick(tenant_a)
    (target,) = targets(campaign)
    assert (target.status, target.skip_reason) == ("skipped", "dnc")
    assert Call.all_tenants.filter(campaign=campaign).count() == 2


def test_max_attempts_then_the_target_is_done_and_the_campaign_completes(
    tenant_a, campaign, branch, clock, django_capture_on_commit_callbacks
):
    make_leads(tenant_a, branch, 1)
    campaign.max_attempts, campaign.retry_minutes = 2, {"no_answer": [10]}
    campaign.save()
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tick(tenant_a)
        clock.shift(timedelta(minutes=11))
    (target,) = targets(campaign)
    assert (target.status, target.attempts) == ("done", 2)
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "completed"


def test_an_audience_that_is_all_skipped_completes_with_the_reasons(tenant_a, campaign, branch, clock):
    leads = make_leads(tenant_a, branch, 3, consent=False)
    with tenant_scope(tenant_a.pk):
        DoNotCall.objects.create(phone=leads[0].phone)
        services.start(campaign)
        stats = services.stats(Campaign.objects.get(pk=campaign.pk))
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "completed"
    assert stats["skipped_by_reason"] == {"dnc": 1, "no_consent": 2}


def test_saving_an_edit_never_undoes_a_pause_made_meanwhile(tenant_a, campaign, branch, clock):
    make_leads(tenant_a, branch, 2)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
        loaded = Campaign.objects.get(pk=campaign.pk)  # a manager opens the form...
        services.pause(campaign, reason="Breaker")  # ...the dialer pauses...
        loaded.name = "Renamed"
        loaded.save()  # ...and the form is saved
    saved = Campaign.all_tenants.get(pk=campaign.pk)
    assert (saved.name, saved.status, saved.pause_reason) == ("Renamed", "paused", "Breaker")


def test_the_circuit_breaker_pauses_a_campaign_failing_at_the_provider(tenant_a, campaign, branch, clock):
    (lead,) = make_leads(tenant_a, branch, 1, prefix="+1646555")
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    for index in range(20):
        CallFactory(
            tenant=tenant_a,
            lead=lead,
            campaign=campaign,
            status="failed" if index < 11 else "ended",
            error_category="provider_down" if index < 11 else "",
        )
    with tenant_scope(tenant_a.pk):
        assert services.trip_breaker_if_failing(Campaign.objects.get(pk=campaign.pk))
    paused = Campaign.all_tenants.get(pk=campaign.pk)
    assert paused.status == "paused"
    assert "11 of the last 20 calls failed at the provider" in paused.pause_reason


def test_the_breaker_counts_only_calls_the_provider_failed(tenant_a, campaign, branch, clock):
    (lead,) = make_leads(tenant_a, branch, 1, prefix="+1646555")
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    for index in range(20):  # create requests that timed out and then connected; numbers refused as invalid
        CallFactory(
            tenant=tenant_a,
            lead=lead,
            campaign=campaign,
            status="ended" if index < 15 else "failed",
            error_category="uncertain" if index < 15 else "invalid_number",
        )
    with tenant_scope(tenant_a.pk):
        assert not services.trip_breaker_if_failing(Campaign.objects.get(pk=campaign.pk))
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "running"


def test_resume_starts_a_new_breaker_window_and_clears_the_reason(tenant_a, campaign, branch, clock):
    (lead,) = make_leads(tenant_a, branch, 1, prefix="+1646555")
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    for _ in range(20):
        CallFactory(tenant=tenant_a, lead=lead, campaign=campaign, status="failed", error_category="provider_down")
    with tenant_scope(tenant_a.pk):
        assert services.trip_breaker_if_failing(Campaign.objects.get(pk=campaign.pk))
        clock.shift(timedelta(minutes=5))  # the account is fixed, then the manager resumes
        services.resume(Campaign.objects.get(pk=campaign.pk))
    resumed = Campaign.all_tenants.get(pk=campaign.pk)
    assert (resumed.status, resumed.pause_reason) == ("running", "")
    for _ in range(4):  # four good calls after the resume: the twenty failures before it do not count
        CallFactory(tenant=tenant_a, lead=lead, campaign=campaign, status="ended", error_category="")
    with tenant_scope(tenant_a.pk):
        assert not services.trip_breaker_if_failing(Campaign.objects.get(pk=campaign.pk))
    for _ in range(16):  # the window fills again, mostly failing: it trips again
        CallFactory(
            tenant=tenant_a, lead=lead, campaign=campaign, status="failed", error_category="no_word_from_provider"
        )
    with tenant_scope(tenant_a.pk):
        assert services.trip_breaker_if_failing(Campaign.objects.get(pk=campaign.pk))
    assert "16 of the last 20" in Campaign.all_tenants.get(pk=campaign.pk).pause_reason


def test_speed_to_lead_takes_new_leads_as_they_arrive_unless_someone_called_first(tenant_a, agent, branch, clock):
    campaign = CampaignFactory(
        tenant=tenant_a,
        agent=agent,
        script=ScriptFactory(tenant=tenant_a),
        audience={"kind": "speed_to_lead", "within_minutes": 5},
    )
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    fresh, called = make_leads(tenant_a, branch, 2)
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a)  # enrolled now, due in five minutes
        assert {t.lead_id for t in targets(campaign)} == {fresh.pk, called.pk}
        assert Call.all_tenants.filter(campaign=campaign).count() == 0
        called.first_contacted_at = MONDAY_11_NEW_YORK + timedelta(minutes=2)  # staff were quicker
        called.save()
        clock.shift(timedelta(minutes=5))
        tick(tenant_a)
    assert list(Call.all_tenants.filter(campaign=campaign).values_list("lead_id", flat=True)) == [fresh.pk]
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "running"  # standing: it keeps going


def test_follow_up_rule_enrols_after_the_outcome(tenant_a, campaign, branch, clock, django_capture_on_commit_callbacks):
    from tests.factories import FollowUpRuleFactory

    second = CampaignFactory(
        tenant=tenant_a, agent=campaign.agent, script=campaign.script, audience={"kind": "follow_ups"}
    )
    FollowUpRuleFactory(
        tenant=tenant_a, source_campaign=campaign, target_campaign=second, outcomes=["no_answer"], delay_minutes=60
    )
    (lead,) = make_leads(tenant_a, branch, 1)
    with tenant_scope(tenant_a.pk):
        services.start(second)
        services.start(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        tick(tenant_a)
    (follow_up,) = targets(second)
    assert follow_up.lead_id == lead.pk
    assert follow_up.next_attempt_at == MONDAY_11_NEW_YORK + timedelta(minutes=60)


def test_start_refuses_a_bad_move(tenant_a, campaign):
    from django.core.exceptions import ValidationError

    with tenant_scope(tenant_a.pk):
        with pytest.raises(ValidationError):
            services.resume(campaign)  # a draft cannot resume
        services.cancel(campaign)
        with pytest.raises(ValidationError):
            services.start(Campaign.objects.get(pk=campaign.pk))


def test_dispatch_due_fans_out_over_tenants(tenant_a, tenant_b, campaign, branch, clock):
    make_leads(tenant_a, branch, 2)
    b_agent = make_agent(tenant_b)
    b_campaign = CampaignFactory(tenant=tenant_b, agent=b_agent, script=ScriptFactory(tenant=tenant_b))
    lead_b = LeadFactory(tenant=tenant_b, phone="+12125559999", branch=None)
    from tests.factories import ConsentFactory

    ConsentFactory(tenant=tenant_b, lead=lead_b)
    for tenant, c in ((tenant_a, campaign), (tenant_b, b_campaign)):
        with tenant_scope(tenant.pk):
            services.start(c)
    with mock.patch("campaigns.dispatch.queue_dials"):
        report = dispatch.dispatch_due()
    assert report["queued"] == 3
    assert Call.all_tenants.filter(tenant=tenant_b).count() == 1


def test_the_dialer_keeps_each_zones_hours_the_day_after_daylight_saving_starts(tenant_a, campaign):
    """The Monday after clocks went forward this year (by the suite clock); Arizona and Hawaii did not."""
    new_york, phoenix, honolulu = (
        make_leads(tenant_a, None, 1, prefix=p)[0] for p in ("+1212555", "+1602555", "+1808555")
    )
    monday = dst_switches()[0] + timedelta(days=1)
    morning = moment(monday, 12, 30, zone="UTC")  # 08:30 EDT, 05:30 MST, 02:30 HST
    with tenant_scope(tenant_a.pk):
        services.start(campaign, now=morning)
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a, morning)
    assert list(Call.all_tenants.filter(campaign=campaign).values_list("lead_id", flat=True)) == [new_york.pk]
    due = {t.lead_id: t.next_attempt_at for t in targets(campaign) if t.status == "pending"}
    assert due == {
        phoenix.pk: moment(monday, 15, zone="UTC"),  # 08:00 MST
        honolulu.pk: moment(monday, 18, zone="UTC"),  # 08:00 HST
    }


@pytest.mark.parametrize(
    "prefix,allowed",
    [("+1212555", True), ("+1405555", True), ("+1410555", False)],  # New York, Oklahoma City, Baltimore
)
def test_oklahoma_and_maryland_stop_at_20(tenant_a, campaign, prefix, allowed):
    (lead,) = make_leads(tenant_a, None, 1, prefix=prefix)
    monday = dst_switches()[0] + timedelta(days=1)  # the day after clocks went forward this year
    evening = moment(monday + timedelta(days=1), 0, 30, zone="UTC")  # Monday 20:30 EDT, 19:30 CDT
    with tenant_scope(tenant_a.pk):
        services.start(campaign, now=evening)
    with mock.patch("campaigns.dispatch.queue_dials"):
        tick(tenant_a, evening)
    assert Call.all_tenants.filter(lead=lead).exists() is allowed
    if not allowed:
        (target,) = targets(campaign)
        assert target.next_attempt_at == moment(monday + timedelta(days=1), 12, zone="UTC")  # Tuesday 08:00 EDT


def test_one_call_at_a_time_per_person_across_campaigns(tenant_a, campaign, branch, clock):
    (lead,) = make_leads(tenant_a, branch, 1)
    other = CampaignFactory(tenant=tenant_a, agent=campaign.agent, script=campaign.script)
    CallFactory(tenant=tenant_a, lead=lead, campaign=other, purpose="win_back", status="queued", dialed_at=None)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with mock.patch("campaigns.dispatch.queue_dials"):
        report = tick(tenant_a)
    assert report["deferred:concurrency"] == 1
    (target,) = targets(campaign)
    assert target.next_attempt_at == MONDAY_11_NEW_YORK + timedelta(minutes=5)


def test_the_silent_simulator_takes_calls_and_says_nothing(tenant_a, branch, clock, django_capture_on_commit_callbacks):
    agent = make_agent(tenant_a, silent=True)
    campaign = CampaignFactory(tenant=tenant_a, agent=agent, script=ScriptFactory(tenant=tenant_a))
    make_leads(tenant_a, branch, 3)
    with tenant_scope(tenant_a.pk):
        services.start(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        tick(tenant_a)
    calls = Call.all_tenants.filter(campaign=campaign)
    assert [c.status for c in calls] == ["dialing"] * 3 and all(c.provider_call_id for c in calls)
    assert {t.status for t in targets(campaign)} == {"dialing"}
    assert not calls.filter(events__isnull=False).exists()
