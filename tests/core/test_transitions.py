"""core.transitions: a declared table of moves; a move is checked against it, written by compare-and-swap,
and audited; a move the table forbids is refused, and a row that moved meanwhile is not moved again."""

import pytest

from calls.models import STATUS_MOVES as CALL_MOVES
from calls.models import STATUS_RANK
from campaigns.models import CAMPAIGN_MOVES, Campaign, CampaignStatus
from core.transitions import TransitionRefused, Transitions
from tenants.models import AuditLog
from tenants.scoping import tenant_scope
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_an_allowed_move_is_written_and_audited(tenant_a):
    campaign = CampaignFactory(tenant=tenant_a)
    with tenant_scope(tenant_a.pk):
        assert CAMPAIGN_MOVES.move(campaign, to=CampaignStatus.RUNNING, pause_reason="") is True
    assert campaign.status == "running"
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "running"
    entry = AuditLog.all_tenants.get(action="campaign.running")
    assert entry.object_id == str(campaign.pk) and entry.changes["status"] == ["draft", "running"]


def test_a_move_the_table_forbids_is_refused_on_the_status_field(tenant_a):
    campaign = CampaignFactory(tenant=tenant_a, status=CampaignStatus.COMPLETED)
    with tenant_scope(tenant_a.pk), pytest.raises(TransitionRefused) as refused:
        CAMPAIGN_MOVES.move(campaign, to=CampaignStatus.RUNNING, refused="Finished.")
    assert refused.value.message_dict == {"status": ["Finished."]}
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "completed"
    assert not AuditLog.all_tenants.filter(action__startswith="campaign.").exists()


def test_a_row_that_moved_meanwhile_loses_the_race(tenant_a):
    campaign = CampaignFactory(tenant=tenant_a)
    Campaign.all_tenants.filter(pk=campaign.pk).update(status=CampaignStatus.CANCELED)  # another request won
    with tenant_scope(tenant_a.pk):
        assert CAMPAIGN_MOVES.move(campaign, to=CampaignStatus.RUNNING) is False
    assert campaign.status == "canceled"  # reloaded: the caller sees what is there
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "canceled"
    assert not AuditLog.all_tenants.filter(action="campaign.running").exists()


def test_a_lost_race_may_be_refused_with_a_message(tenant_a):
    campaign = CampaignFactory(tenant=tenant_a)
    Campaign.all_tenants.filter(pk=campaign.pk).update(status=CampaignStatus.PAUSED)
    with tenant_scope(tenant_a.pk), pytest.raises(TransitionRefused) as refused:
        CAMPAIGN_MOVES.move(campaign, to=CampaignStatus.SCHEDULED, stale="Reload.")
    assert refused.value.message_dict == {"status": ["Reload."]}
    assert Campaign.all_tenants.get(pk=campaign.pk).status == "paused"


def test_a_queryset_moves_only_the_rows_the_table_allows(tenant_a):
    draft = CampaignFactory(tenant=tenant_a)
    done = CampaignFactory(tenant=tenant_a, status=CampaignStatus.COMPLETED)
    with tenant_scope(tenant_a.pk):
        moved = CAMPAIGN_MOVES.move(Campaign.objects.all(), to=CampaignStatus.CANCELED)
    assert moved == 1
    assert Campaign.all_tenants.get(pk=draft.pk).status == "canceled"
    assert Campaign.all_tenants.get(pk=done.pk).status == "completed"


def test_swap_writes_only_if_the_row_still_holds_the_status(tenant_a):
    campaign = CampaignFactory(tenant=tenant_a, status=CampaignStatus.RUNNING)
    with tenant_scope(tenant_a.pk):
        assert not CAMPAIGN_MOVES.swap(campaign, CampaignStatus.PAUSED, CampaignStatus.RUNNING)
        assert CAMPAIGN_MOVES.swap(campaign, CampaignStatus.RUNNING, CampaignStatus.PAUSED, pause_reason="x")
    assert Campaign.all_tenants.get(pk=campaign.pk).pause_reason == "x"


def test_a_rank_gives_a_forward_only_table():
    table = Transitions.forward({"a": 0, "b": 1, "c": 2, "d": 2})
    assert table.targets("a") == {"b", "c", "d"}
    assert table.targets("c") == set() and not table.allows("b", "a") and not table.allows("c", "d")
    assert table.sources("c") == ["a", "b"]


def test_calls_move_exactly_as_their_rank_says():
    for current in STATUS_RANK:
        for to in STATUS_RANK:
            assert CALL_MOVES.allows(current, to) == (STATUS_RANK[to] > STATUS_RANK[current]), (current, to)


def test_a_lead_moved_meanwhile_is_not_moved_from_its_stale_stage(tenant_a):
    from leads import services
    from leads.models import Lead, StageChange
    from tests.factories import LeadFactory

    lead = LeadFactory(tenant=tenant_a, stage="new")
    Lead.all_tenants.filter(pk=lead.pk).update(stage="not_interested")  # another tab won
    with tenant_scope(tenant_a.pk), pytest.raises(TransitionRefused):
        services.change_stage(lead, "booked")
    assert Lead.all_tenants.get(pk=lead.pk).stage == "not_interested"
    assert lead.stage == "new" and not StageChange.all_tenants.filter(lead=lead, to_stage="booked").exists()
