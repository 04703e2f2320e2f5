"""The dialer: what celery-beat ticks every minute, and the sweeper that recovers lost work.

Each tick claims due targets with ``select_for_update(skip_locked=True)`` inside a
transaction, so two dispatchers running the same tick (two beats by mistake, a
slow tick overlapping the next) take disjoint rows. Claimed targets pass the
compliance gate as a batch: allowed ones get a queued Call, due now, and dialers
are woken when the transaction commits (calls.work: the call row is the work);
timing failures move ``next_attempt_at`` to the exact next allowed moment; hard
failures skip the target with the reason. The campaign's and the provider
account's concurrency, and its hourly and daily caps, bound each claim. The
number of queries per claimed batch does not depend on the batch size.
"""

from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calls import admission
from calls.compliance import check_many
from calls.models import IN_FLIGHT_STATUSES, Call, CallStatus
from calls.services import queue_dials
from tenants.db import bulk_set, tenant_ids
from tenants.scoping import tenant_scope

from . import audiences, services
from .models import (
    CAMPAIGN_MOVES,
    WEEKDAY_KEYS,
    AudienceKind,
    Campaign,
    CampaignStatus,
    CampaignTarget,
    TargetStatus,
    ZonePolicy,
)

CLAIM_BATCH = 100
LOST_AFTER = timedelta(minutes=6)  # a target claimed this long ago whose call ended without it hearing


def weekday_windows(campaign: Campaign) -> dict:
    """The campaign's calling windows as {weekday number: [(start, end)]} for the gate."""
    from datetime import time

    windows = {}
    for index, day in enumerate(WEEKDAY_KEYS):
        spans = (campaign.calling_windows or {}).get(day) or []
        windows[index] = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in spans]
    return windows


def capacity(campaign: Campaign, now: datetime) -> int:
    """How many more calls the campaign may start now: concurrency (its own, and its provider account's as
    calls.admission counts it: none while the agent is switched off) and its hourly and daily caps."""
    calls = Call.objects.filter(campaign=campaign)
    room = [admission.room(campaign.agent)]
    if room[-1] > 0:
        room.append(campaign.max_concurrent - calls.filter(status__in=IN_FLIGHT_STATUSES).count())
    placed = calls.exclude(status=CallStatus.CANCELED)
    if campaign.max_per_hour:
        room.append(campaign.max_per_hour - placed.filter(created_at__gte=now - timedelta(hours=1)).count())
    if campaign.max_per_day:
        room.append(campaign.max_per_day - placed.filter(created_at__gte=now - timedelta(days=1)).count())
    return max(0, min(room))


def claim_batch(campaign: Campaign, now: datetime, limit: int) -> Counter:
    """Claim, gate and queue up to ``limit`` due targets of one campaign, in one transaction."""
    report: Counter = Counter()
    with transaction.atomic():
        targets = list(
            CampaignTarget.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(campaign=campaign, status=TargetStatus.PENDING, next_attempt_at__lte=now)
            .select_related("lead__branch")
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not targets:
            return report
        report["claimed"] = len(targets)
        zone = campaign.branch.time_zone if campaign.zone_policy == ZonePolicy.BRANCH and campaign.branch else None
        decisions = check_many(
            [t.lead for t in targets],
            purpose=campaign.purpose,
            is_marketing=campaign.script.is_marketing,
            when=now,
            weekdays=weekday_windows(campaign),
            weekdays_zone=zone,
        )
        speed_to_lead = (campaign.audience or {}).get("kind") == AudienceKind.SPEED_TO_LEAD
        account = campaign.agent.account
        callback = None if account.caller_numbers else admission.callback_phone(campaign.tenant_id)
        calls, queued = [], []
        for target in targets:
            decision = decisions[target.lead_id]
            from_number = admission.caller_number(account, target.lead, callback)
            if decision.allowed and not from_number:
                decision = admission.NO_CALLER_NUMBER
            if speed_to_lead and target.lead.first_contacted_at is not None:
                target.status, target.skip_reason = TargetStatus.DONE, "already_contacted"
                report["already_contacted"] += 1
            elif decision.allowed:
                target.status, target.claimed_at = TargetStatus.QUEUED, now
                target.attempts += 1
                calls.append(
                    admission.build_call(
                        target.lead,
                        campaign.agent,
                        campaign.script,
                        from_number=from_number,
                        purpose=campaign.purpose,
                        campaign=campaign,
                        campaign_target=target,
                    )
                )
                queued.append(target)
            elif decision.deferred and decision.next_allowed_at is not None:
                target.next_attempt_at = decision.next_allowed_at
                report[f"deferred:{decision.code}"] += 1
            else:
                target.status, target.skip_reason, target.next_attempt_at = TargetStatus.SKIPPED, decision.code, None
                report[f"skipped:{decision.code}"] += 1
        Call.objects.bulk_create(calls)
        for target, call in zip(queued, calls, strict=True):
            target.last_call = call
        for target in targets:
            target.updated_at = now
        bulk_set(
            targets, ["status", "claimed_at", "attempts", "last_call", "next_attempt_at", "skip_reason", "updated_at"]
        )
        queue_dials(calls)
        report["queued"] = len(calls)
    return report


def dispatch_tenant(now: datetime) -> Counter:
    """One tick for the tenant in scope."""
    report: Counter = Counter()
    for scheduled in Campaign.objects.filter(status=CampaignStatus.SCHEDULED, start_at__lte=now):
        CAMPAIGN_MOVES.swap(scheduled, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING)
    running = Campaign.objects.filter(status=CampaignStatus.RUNNING).select_related(
        "agent__account", "script", "branch"
    )
    for campaign in running:
        if campaign.end_at is not None and campaign.end_at <= now:
            services.complete_if_finished(campaign, now)
            continue
        if (campaign.audience or {}).get("kind") == AudienceKind.SPEED_TO_LEAD:
            _enrol_arrivals(campaign, now)
        room = capacity(campaign, now)  # counted once a tick; each batch's queued calls take from it
        while True:
            if room <= 0:
                report["at_capacity"] += 1
                break
            limit = min(CLAIM_BATCH, room)
            batch = claim_batch(campaign, now, limit)
            report.update(batch)
            room -= batch["queued"]
            if batch["claimed"] < limit:
                break
        services.complete_if_finished(campaign, now)
    return report


def _enrol_arrivals(campaign: Campaign, now: datetime) -> None:
    """A standing speed-to-lead campaign takes the new leads that arrived since the last tick."""
    arrivals = audiences.leads_for(campaign.audience, now)
    services.materialise(campaign, arrivals.exclude(campaign_targets__campaign=campaign), now=now)


def tenants_with_work() -> list[int]:
    """Beat fans out over tenants: the one place the dialer looks across them."""
    return tenant_ids(Campaign.objects.unscoped().filter(status__in=[CampaignStatus.RUNNING, CampaignStatus.SCHEDULED]))


def dispatch_due(now: datetime | None = None) -> Counter:
    now = now or timezone.now()
    report: Counter = Counter()
    for tenant_id in tenants_with_work():
        with tenant_scope(tenant_id):
            report.update(dispatch_tenant(now))
    return report


def sweep_tenant(now: datetime) -> Counter:
    """Recover targets whose call ended without the target hearing of it (the call's effects are rows that
    calls.work applies, so this is the last net, not the path), and targets claimed with no call at all.
    Queued calls a dead worker never dialled are calls.work's: their row is due again when its lease ends."""
    report: Counter = Counter()
    lost = CampaignTarget.objects.filter(
        status__in=[TargetStatus.QUEUED, TargetStatus.DIALING], claimed_at__lt=now - LOST_AFTER
    ).filter(Q(last_call__status__in=[CallStatus.ENDED, CallStatus.FAILED, CallStatus.CANCELED]) | Q(last_call=None))
    for target in lost.select_related("last_call"):
        if target.last_call is None:
            CampaignTarget.objects.filter(pk=target.pk).update(status=TargetStatus.PENDING, claimed_at=None)
        else:
            services.record_outcome(target.last_call)
        report["recovered_targets"] += 1
    return report


def sweep(now: datetime | None = None) -> Counter:
    now = now or timezone.now()
    report: Counter = Counter()
    stuck = CampaignTarget.objects.unscoped().filter(
        status__in=[TargetStatus.QUEUED, TargetStatus.DIALING], claimed_at__lt=now - LOST_AFTER
    )
    for tenant_id in sorted(set(tenants_with_work()) | set(tenant_ids(stuck))):
        with tenant_scope(tenant_id):
            report.update(sweep_tenant(now))
    return report
