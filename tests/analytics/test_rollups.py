"""The day rollups (calls.rollups) give the same figures as the calls themselves, and follow changes:
a call that ends, a lead merged or erased, a new time zone. And how far leads got along the funnel
is kept on the lead (leads.funnel) as the stage history says."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from analytics import reports
from analytics.kpi import Filters, Period
from analytics.metrics import calls as call_metrics
from calls import rollups
from calls.models import CallDayScope, CallDayState
from leads import funnel
from leads import services as lead_services
from leads.models import Lead, StageChange
from tenants.scoping import tenant_scope
from tests.factories import BranchFactory, CallFactory, CampaignFactory, LeadFactory, VoiceAgentFactory

from .conftest import day, ny

pytestmark = pytest.mark.django_db

OUTCOMES = ["answered", "no_answer", "voicemail", "appointment_booked", "dnc_requested", "not_interested", ""]


@pytest.fixture
def busy(tenant_a, clock):
    """A random fortnight of calls: several branches, campaigns and agents, calls across midnight,
    calls on the line at once, one never ended."""
    rng = random.Random(7)
    t = tenant_a
    branches = [BranchFactory(tenant=t, time_zone="America/New_York") for _ in range(2)]
    agents = [VoiceAgentFactory(tenant=t) for _ in range(2)]
    campaigns = [CampaignFactory(tenant=t, agent=agents[0]) for _ in range(2)]
    leads = [LeadFactory(tenant=t, branch=rng.choice(branches)) for _ in range(12)]
    for _ in range(160):
        dialled = ny(9, 0) + timedelta(minutes=rng.randrange(14 * 24 * 60))
        outcome = rng.choice(OUTCOMES)
        seconds = rng.choice([0, 30, 300, 1500])
        CallFactory(
            tenant=t,
            lead=rng.choice(leads),
            branch=rng.choice([*branches, None]),
            agent=rng.choice(agents),
            campaign=rng.choice([*campaigns, None]),
            dialed_at=dialled,
            created_at=dialled,
            ended_at=None if (outcome == "" and rng.random() < 0.3) else dialled + timedelta(seconds=seconds + 5),
            outcome=outcome,
            status="in_progress" if outcome == "" else "ended",
            duration_seconds=seconds,
            cost=Decimal(rng.choice(["0.10", "0.25", "1.00"])),
        )
    return {"branches": branches, "agents": agents, "campaigns": campaigns, "leads": leads}


def _from_calls(monkeypatch, compute):
    """What ``compute`` gives when the metrics read the calls themselves."""
    with monkeypatch.context() as patched:
        patched.setattr(call_metrics, "_rolled", lambda filters: False)
        patched.setattr(call_metrics, "_scope", lambda filters: None)
        return compute()


def _filter_sets(busy, period):
    b, c, a = busy["branches"][0].pk, busy["campaigns"][1].pk, busy["agents"][0].pk
    return [
        Filters(period),
        Filters(period, branch_id=b),
        Filters(period, campaign_id=c),
        Filters(period, agent_id=a),
        Filters(period, branch_id=b, campaign_id=c, agent_id=a),
    ]


@pytest.mark.parametrize("days", [(10, 16), (14, 14), (9, 22)])
def test_rolled_up_figures_equal_those_from_the_calls(busy, tenant_a, monkeypatch, days):
    period = Period(day(days[0]), day(days[1]), "America/New_York")
    periods = [period, period.previous()]
    with tenant_scope(tenant_a):
        for filters in _filter_sets(busy, period):
            rolled = (
                call_metrics.summary(filters, periods),
                call_metrics.leads_called(filters, periods),
                call_metrics.peak_concurrency(filters),
                call_metrics.outcome_mix(filters),
                call_metrics.over_time(filters),
                call_metrics.per_campaign(filters),
            )
            direct = _from_calls(
                monkeypatch,
                lambda filters=filters: (
                    call_metrics.summary(filters, periods),
                    call_metrics.leads_called(filters, periods),
                    call_metrics.peak_concurrency(filters),
                    call_metrics.outcome_mix(filters),
                    call_metrics.over_time(filters),
                    call_metrics.per_campaign(filters),
                ),
            )
            assert rolled == direct, filters
            assert rolled[0][0]["dialled"] > 0 or filters.branch_id  # the data is not empty


def test_a_call_that_ends_later_changes_the_rolled_figures(busy, tenant_a, django_capture_on_commit_callbacks):
    filters = Filters(Period(day(10), day(12), "America/New_York"))
    with tenant_scope(tenant_a):
        before = reports.overview(filters)["figures"]
        with django_capture_on_commit_callbacks(execute=True):
            CallFactory(
                tenant=tenant_a,
                lead=busy["leads"][0],
                agent=busy["agents"][0],
                dialed_at=ny(11, 12, 0),
                ended_at=ny(11, 12, 5),
                outcome="appointment_booked",
                duration_seconds=290,
                cost=Decimal("2.00"),
            )
        after = reports.overview(filters)["figures"]
    assert after["calls_dialled"]["value"] == before["calls_dialled"]["value"] + 1
    assert Decimal(after["cost"]["value"]) == Decimal(before["cost"]["value"]) + Decimal("2.00")


def test_a_change_marked_while_a_day_is_rolled_leaves_it_stale(busy, tenant_a):
    period = Period(day(10), day(10), "America/New_York")
    with tenant_scope(tenant_a):
        call_metrics.outcome_mix(Filters(period))
        state = CallDayState.objects.get(day=day(10))
        assert state.rolled_version == state.version
        # What mark_changed does after a commit: the version moves on, so the rows are made again.
        from calls.rollups import bump_days

        bump_days(tenant_a.pk, day(10), day(10))
        state.refresh_from_db()
        assert state.rolled_version != state.version
        call_metrics.outcome_mix(Filters(period))
        state.refresh_from_db()
        assert state.rolled_version == state.version


def test_a_new_time_zone_rolls_the_days_again(busy, tenant_a, monkeypatch):
    new_york = Filters(Period(day(10), day(12), "America/New_York"))
    los_angeles = Filters(Period(day(10), day(12), "America/Los_Angeles"))
    with tenant_scope(tenant_a):
        call_metrics.summary(new_york, [new_york.period])
        rolled = call_metrics.summary(los_angeles, [los_angeles.period])
        direct = _from_calls(monkeypatch, lambda: call_metrics.summary(los_angeles, [los_angeles.period]))
        assert rolled == direct
        assert set(CallDayState.objects.values_list("zone", flat=True)) == {"America/Los_Angeles"}


def test_days_rolled_in_an_older_layout_are_rolled_again(busy, tenant_a):
    from array import array

    filters = Filters(Period(day(10), day(12), "America/New_York"))
    with tenant_scope(tenant_a):
        expected = call_metrics.leads_called(filters, [filters.period])
        # As the layout before bitmaps left them: ids packed as 8-byte integers, which bitmaps cannot read.
        CallDayScope.objects.update(leads_worked=array("q", [1, 2, 3]).tobytes(), leads_reached=b"")
        CallDayState.objects.update(rolled_layout=0)
        assert call_metrics.leads_called(filters, [filters.period]) == expected
        assert set(CallDayState.objects.values_list("rolled_layout", flat=True)) == {rollups.LAYOUT}


def test_merging_leads_recounts_the_leads_worked(busy, tenant_a, django_capture_on_commit_callbacks):
    filters = Filters(Period(day(9), day(22), "America/New_York"))
    survivor, duplicate = busy["leads"][0], busy["leads"][1]
    with tenant_scope(tenant_a):
        before = call_metrics.summary(filters, [filters.period])[0]["leads_worked"]
        with django_capture_on_commit_callbacks(execute=True):
            lead_services.merge_leads(survivor, duplicate)
        after = call_metrics.summary(filters, [filters.period])[0]["leads_worked"]
    assert after == before - 1


def test_the_rollups_of_one_tenant_are_not_another_s(busy, tenant_a, tenant_b):
    filters = Filters(Period(day(9), day(22), "America/New_York"))
    with tenant_scope(tenant_a):
        mine = call_metrics.summary(filters, [filters.period])[0]
    with tenant_scope(tenant_b):
        theirs = call_metrics.summary(filters, [filters.period])[0]
        assert CallDayState.objects.filter(rolled_version__isnull=False).count() == 14  # its own, empty days
    assert mine["dialled"] > 0 and theirs["dialled"] == 0 and theirs["leads_worked"] == 0


# --- how far along the funnel --------------------------------------------------------------------


def test_the_funnel_step_keeps_a_stage_the_lead_has_left(tenant_a):
    with tenant_scope(tenant_a):
        lead = LeadFactory(tenant=tenant_a)
        lead_services.change_stage(lead, "contacted")
        lead_services.change_stage(lead, "booked")
        lead_services.change_stage(lead, "no_show")
        lead.refresh_from_db()
        assert lead.funnel_step == 2  # booked, though it is a no-show now
        others = [LeadFactory(tenant=tenant_a, stage="booked") for _ in range(2)]
        lead_services.change_stage_bulk(Lead.objects.filter(pk__in=[o.pk for o in others]), "no_show")
        assert set(Lead.objects.filter(pk__in=[o.pk for o in others]).values_list("funnel_step", flat=True)) == {2}


def test_backfill_sets_the_funnel_step_from_the_history(tenant_a):
    with tenant_scope(tenant_a):
        lead = LeadFactory(tenant=tenant_a, stage="lost")
        StageChange.objects.bulk_create(  # no signals, as an import or the demo writes them
            [
                StageChange(lead=lead, from_stage="new", to_stage="contacted"),
                StageChange(lead=lead, from_stage="contacted", to_stage="attended"),
                StageChange(lead=lead, from_stage="attended", to_stage="lost"),
            ]
        )
        lead.refresh_from_db()
        assert lead.funnel_step == 0
        funnel.backfill(Lead, StageChange, Lead.objects.filter(pk=lead.pk))
        lead.refresh_from_db()
        assert lead.funnel_step == 3


def test_reroll_calls_forgets_the_rollups_of_the_tenant_named(busy, tenant_a, tenant_b):
    from django.core.management import call_command

    filters = Filters(Period(day(9), day(10), "America/New_York"))
    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant):
            call_metrics.outcome_mix(filters)
    call_command("reroll_calls", "--tenant", tenant_a.slug)
    assert set(CallDayState.all_tenants.values_list("tenant_id", flat=True)) == {tenant_b.pk}


def test_a_day_not_over_is_trusted_for_a_minute_only(busy, tenant_a, clock):
    # A write that skipped the signals (no version bump) shows once the open day's roll is a minute old.
    today = Filters(Period(day(23), day(23), "America/New_York"))
    with tenant_scope(tenant_a):
        before = sum(call_metrics.outcome_mix(today).values())
        CallFactory(  # its on-commit bump never runs here: as if written around the ORM
            tenant=tenant_a,
            lead=busy["leads"][0],
            agent=busy["agents"][0],
            dialed_at=ny(23, 9, 0),
            ended_at=ny(23, 9, 1),
        )
        assert sum(call_metrics.outcome_mix(today).values()) == before
        clock.shift(61)
        assert sum(call_metrics.outcome_mix(today).values()) == before + 1
