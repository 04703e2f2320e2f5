"""Domain operations on campaigns: start, pause, resume, cancel, targets, outcomes, follow-ups.

Starting materialises the audience as targets in batches, scrubbed on the way:
numbers that must never be called (do-not-call, no consent, invalid, erased)
become skipped targets with the reason, so the preview's counts and the
campaign's agree. ``record_outcome`` is what a finished campaign call does to its
target: done, retried at the policy's time, or given up; then follow-up rules,
the circuit breaker and automatic completion.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from appointments import by_campaign
from calls.compliance import TIMING_REASONS, check_many
from calls.models import Call, CallStatus, Outcome
from core import heartbeat, public_ids
from core.wakeup import wake
from leads.models import Lead
from tenants import audit
from voice.clients import ErrorCategory

from . import audiences
from .models import (
    CAMPAIGN_MOVES,
    OPEN_TARGET_STATUSES,
    STANDING_AUDIENCES,
    AudienceKind,
    Campaign,
    CampaignStatus,
    CampaignTarget,
    FollowUpRule,
    FollowUpTrigger,
    TargetStatus,
)

MATERIALISE_BATCH = 2000
BREAKER_WINDOW = 20  # docs/compliance.md#circuit-breaker: pause when over half of the last 20 failed at the provider
RETRIED_OUTCOMES = {
    Outcome.NO_ANSWER: "no_answer",
    Outcome.BUSY: "busy",
    Outcome.VOICEMAIL: "voicemail",
    Outcome.FAILED: "failed",
}


def _move(campaign: Campaign, to: str, **fields) -> Campaign:
    """Change a campaign's status by compare-and-swap: two clicks (or a click and the dialer) cannot race."""
    CAMPAIGN_MOVES.move(
        campaign,
        to=to,
        refused=f"This campaign is {campaign.get_status_display().lower()}: it cannot become {to}.",
        stale="The campaign changed meanwhile; reload and try again.",
        **fields,
    )
    return campaign


@transaction.atomic
def start(campaign: Campaign, *, actor=None, now=None) -> Campaign:
    """Materialise the targets and run (or schedule, if its start is in the future)."""
    now = now or timezone.now()
    audiences.validate(campaign.audience)
    if not campaign.agent.is_active or not campaign.script.is_active:
        raise ValidationError({"agent": ["The campaign's agent and script must be switched on."]})
    begins = campaign.start_at or now
    status = CampaignStatus.SCHEDULED if begins > now else CampaignStatus.RUNNING
    campaign = _move(campaign, status, started_at=now)
    materialise(campaign, audiences.leads_for(campaign.audience, now), now=begins)
    if status == CampaignStatus.RUNNING and not complete_if_finished(campaign):
        _dispatch_soon(campaign)
    return campaign


def _dispatch_soon(campaign: Campaign) -> None:
    """Start dialling now rather than at the next beat tick (the tick is safe to run alongside)."""
    from .tasks import dispatch_tenant

    wake(dispatch_tenant, tenant_id=campaign.tenant_id)


def materialise(campaign: Campaign, leads, *, now) -> tuple[int, int]:
    """Targets for these leads (skipping leads already in the campaign), scrubbed. Returns (due, skipped)."""
    queryset = leads.select_related("branch").order_by("pk")
    due = skipped = 0
    last_id = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_id)[:MATERIALISE_BATCH])
        if not batch:
            return due, skipped
        last_id = batch[-1].pk
        decisions = check_many(batch, purpose=campaign.purpose, is_marketing=campaign.script.is_marketing, when=now)
        targets = []
        for lead in batch:
            decision = decisions[lead.pk]
            hard = not decision.allowed and decision.code not in TIMING_REASONS
            targets.append(
                CampaignTarget(
                    campaign=campaign,
                    lead=lead,
                    status=TargetStatus.SKIPPED if hard else TargetStatus.PENDING,
                    skip_reason=decision.code if hard else "",
                    next_attempt_at=None if hard else audiences.first_attempt_at(campaign.audience, lead, now),
                )
            )
        created = CampaignTarget.objects.bulk_create(targets, ignore_conflicts=True, batch_size=MATERIALISE_BATCH)
        skipped += sum(1 for t in created if t.status == TargetStatus.SKIPPED)
        due += sum(1 for t in created if t.status == TargetStatus.PENDING)


def add_leads(campaign: Campaign, leads, *, now=None) -> tuple[int, int]:
    """Add leads to a campaign (while running too)."""
    if campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.CANCELED):
        raise ValidationError({"status": ["Leads cannot be added to a finished campaign."]})
    with transaction.atomic():
        return materialise(campaign, leads, now=now or timezone.now())


def pause(campaign: Campaign, *, reason: str = "", actor=None) -> Campaign:
    """No new dial after this (calls in progress finish)."""
    return _move(campaign, CampaignStatus.PAUSED, pause_reason=reason[:300] or "Paused by staff.")


def resume(campaign: Campaign, *, actor=None) -> Campaign:
    if campaign.status != CampaignStatus.PAUSED:
        raise ValidationError({"status": ["Only a paused campaign can resume."]}, code="invalid_transition")
    campaign = _move(campaign, CampaignStatus.RUNNING, pause_reason="", resumed_at=timezone.now())
    _dispatch_soon(campaign)
    return campaign


@transaction.atomic
def cancel(campaign: Campaign, *, actor=None) -> Campaign:
    """Stop for good: no target stays queued; calls not yet dialled are canceled."""
    campaign = _move(campaign, CampaignStatus.CANCELED, finished_at=timezone.now())
    open_targets = CampaignTarget.objects.filter(campaign=campaign, status__in=OPEN_TARGET_STATUSES)
    Call.objects.filter(campaign_target__in=open_targets, status=CallStatus.QUEUED).update(
        status=CallStatus.CANCELED, due_at=None, compliance_code="", error_message="Campaign canceled."
    )
    open_targets.filter(status__in=[TargetStatus.PENDING, TargetStatus.QUEUED]).update(
        status=TargetStatus.CANCELED, next_attempt_at=None
    )
    return campaign


def is_standing(campaign: Campaign) -> bool:
    """A speed-to-lead campaign, or one that follow-up rules feed, waits for leads rather than completing."""
    if (campaign.audience or {}).get("kind") in STANDING_AUDIENCES:
        return True
    return FollowUpRule.objects.filter(target_campaign=campaign, is_active=True).exists()


def complete_if_finished(campaign: Campaign, now=None) -> bool:
    """A running campaign with no target left to call (or past its end) completes."""
    now = now or timezone.now()
    campaign.refresh_from_db(fields=["status", "end_at"])
    if campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.PAUSED):
        return False
    if is_standing(campaign) and (campaign.end_at is None or campaign.end_at > now):
        return False  # it keeps taking leads as they come, until its end or until canceled
    if campaign.end_at is not None and campaign.end_at <= now:
        CampaignTarget.objects.filter(campaign=campaign, status=TargetStatus.PENDING).update(
            status=TargetStatus.CANCELED, skip_reason="ended"
        )
    if CampaignTarget.objects.filter(campaign=campaign, status__in=OPEN_TARGET_STATUSES).exists():
        return False
    return CAMPAIGN_MOVES.swap(campaign, campaign.status, CampaignStatus.COMPLETED, finished_at=now)


def _retry_delay(campaign: Campaign, outcome: str, attempts: int) -> timedelta | None:
    delays = campaign.retry_delays(RETRIED_OUTCOMES.get(outcome, ""))
    if not delays or attempts >= campaign.max_attempts:
        return None
    return timedelta(minutes=delays[min(attempts, len(delays)) - 1])


@transaction.atomic
def record_outcome(call: Call) -> None:
    """What a finished campaign call does to its target (a calls outcome handler; idempotent)."""
    if call.campaign_target_id is None:
        return
    target = CampaignTarget.objects.select_for_update().filter(pk=call.campaign_target_id).first()
    if target is None or target.last_call_id not in (None, call.pk) or target.status not in OPEN_TARGET_STATUSES:
        return
    campaign = Campaign.objects.select_related("script").get(pk=target.campaign_id)
    now = timezone.now()
    target.last_call_id, target.last_outcome, target.claimed_at = call.pk, call.outcome, None
    if call.status == CallStatus.CANCELED and call.compliance_code:
        # Stopped by the gate at dial time: a timing rule waits, a hard rule skips; not an attempt.
        target.attempts = max(0, target.attempts - 1)
        if call.compliance_code in TIMING_REASONS and call.next_allowed_at:
            target.status, target.next_attempt_at = TargetStatus.PENDING, call.next_allowed_at
        else:
            target.status, target.skip_reason = TargetStatus.SKIPPED, call.compliance_code
    elif call.outcome == Outcome.CALLBACK_REQUESTED and target.attempts < campaign.max_attempts:
        target.status = TargetStatus.PENDING
        target.next_attempt_at = _callback_time(call) or now + timedelta(hours=24)
    elif call.outcome in RETRIED_OUTCOMES:
        delay = _retry_delay(campaign, call.outcome, target.attempts)
        if delay is None:
            target.status = TargetStatus.FAILED if call.outcome == Outcome.FAILED else TargetStatus.DONE
        else:
            target.status, target.next_attempt_at = TargetStatus.PENDING, now + delay
    elif call.outcome == Outcome.NOT_INTERESTED and not campaign.no_retry_after_decline:
        # The campaign allows asking again later (never after an opt-out or a wrong number).
        delay = _retry_delay(campaign, Outcome.NO_ANSWER, target.attempts)
        target.status = TargetStatus.DONE if delay is None else TargetStatus.PENDING
        target.next_attempt_at = None if delay is None else now + delay
    else:
        # A conversation: booked, declined, or answered. Done.
        target.status = TargetStatus.DONE
    target.save(
        update_fields=[
            "status",
            "attempts",
            "next_attempt_at",
            "last_call",
            "last_outcome",
            "skip_reason",
            "claimed_at",
            "updated_at",
        ]
    )
    if call.lead_id:
        enrol_follow_ups(campaign, call, now)
    trip_breaker_if_failing(campaign)
    complete_if_finished(campaign, now)


def _callback_time(call: Call):
    from django.utils.dateparse import parse_datetime

    value = (call.collected_data or {}).get("callback_time")
    moment = parse_datetime(str(value)) if value else None
    return moment if moment and moment > timezone.now() else None


def enrol(campaign: Campaign, lead_ids: list[int], *, at) -> int:
    """Put leads into a (running or scheduled) campaign from a given time; leads already in it stay as they are."""
    if campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED, CampaignStatus.PAUSED):
        return 0
    due, _ = materialise(campaign, Lead.objects.filter(pk__in=lead_ids), now=at)
    return due


def enrol_follow_ups(campaign: Campaign, call: Call, now) -> int:
    rules = FollowUpRule.objects.filter(
        trigger=FollowUpTrigger.OUTCOME, source_campaign=campaign, is_active=True
    ).select_related("target_campaign__script")
    enrolled = 0
    for rule in rules:
        if call.outcome in (rule.outcomes or []):
            enrolled += enrol(rule.target_campaign, [call.lead_id], at=now + timedelta(minutes=rule.delay_minutes))
    return enrolled


def enrol_no_show(lead_id: int, now=None) -> int:
    """A booked appointment was missed: no-show follow-up rules enrol the lead."""
    now = now or timezone.now()
    rules = FollowUpRule.objects.filter(trigger=FollowUpTrigger.NO_SHOW, is_active=True).select_related(
        "target_campaign__script"
    )
    return sum(enrol(rule.target_campaign, [lead_id], at=now + timedelta(minutes=rule.delay_minutes)) for rule in rules)


def trip_breaker_if_failing(campaign: Campaign) -> bool:
    """docs/compliance.md#circuit-breaker: pause a campaign when over half its last 20 calls (since it last
    resumed) failed at the provider. A call that ended is a success whatever went wrong on the way (a create
    request that timed out and then connected); a number the provider refused is the person's, not the
    provider's, failure."""
    calls = Call.objects.filter(campaign=campaign, status__in=[CallStatus.ENDED, CallStatus.FAILED])
    if campaign.resumed_at is not None:
        calls = calls.filter(created_at__gte=campaign.resumed_at)
    recent = list(calls.order_by("-created_at", "-id").values_list("status", "error_category")[:BREAKER_WINDOW])
    failed = sum(1 for status, category in recent if _provider_failed(status, category))
    if len(recent) < BREAKER_WINDOW or failed * 2 <= len(recent):
        return False
    changed = CAMPAIGN_MOVES.swap(
        campaign,
        CampaignStatus.RUNNING,
        CampaignStatus.PAUSED,
        pause_reason=f"Paused automatically: {failed} of the last {len(recent)} calls failed at the provider.",
    )
    if changed:
        audit.record("campaign.breaker_tripped", campaign, changes={"failed": failed, "of": len(recent)})
    return bool(changed)


def _provider_failed(status: str, category: str) -> bool:
    return status == CallStatus.FAILED and category not in ("", ErrorCategory.INVALID_NUMBER)


def stats(campaign: Campaign) -> dict:
    """Live figures for the campaign page and the API."""
    from django.db.models import Count

    targets = dict(
        CampaignTarget.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("pk")).order_by()
    )
    skip_reasons = dict(
        CampaignTarget.objects.filter(campaign=campaign, status=TargetStatus.SKIPPED)
        .values_list("skip_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    calls = Call.objects.filter(campaign=campaign)
    outcomes = dict(calls.exclude(outcome="").values_list("outcome").annotate(n=Count("pk")).order_by())
    total = sum(targets.values())
    finished = sum(
        targets.get(s, 0) for s in (TargetStatus.DONE, TargetStatus.SKIPPED, TargetStatus.FAILED, TargetStatus.CANCELED)
    )
    return {
        "targets": total,
        "targets_by_status": targets,
        "skipped_by_reason": skip_reasons,
        "progress_percent": round(finished * 100 / total) if total else 0,
        "calls": calls.count(),
        "calls_in_progress": calls.filter(
            status__in=[CallStatus.QUEUED, CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS]
        ).count(),
        "outcomes": outcomes,
        "appointments_booked": by_campaign.count(campaign),
    }


DIALER_TASK = "dispatch-due-campaign-targets"
# django-celery-beat writes last_run_at when it syncs (every 3 minutes by default), so allow for that. A beat
# just started first sends each task one interval later: a campaign's first tick may take that and the grace.
DIALER_STALE_AFTER = timedelta(minutes=5)
FIRST_TICK_GRACE = timedelta(seconds=30)


# The work a running campaign needs done by workers: its ticks, its dials, what its calls set off.
DIALER_WORK = ["campaigns.tasks.dispatch_due", "calls.tasks.dial_due_calls", "calls.tasks.apply_call_effects"]


def dialer_status(now=None, since=None) -> dict:
    """Is the beat process ticking the dialer, and is a worker taking its work? (Shown on campaign pages: a
    running campaign with no beat or no worker never calls anyone, and staff should see that rather than
    wonder.) ``since``: when the campaign started; until its first tick is due, no tick is no alarm
    (``first_tick_due``)."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    task = PeriodicTask.objects.filter(name=DIALER_TASK).select_related("interval").first()
    last_run = task.last_run_at if task else None
    every = task.interval.every if task and task.interval else None
    ticking = bool(task and task.enabled and last_run and now - last_run <= DIALER_STALE_AFTER)
    due_by = since + timedelta(seconds=every or 60) + FIRST_TICK_GRACE if since else None
    return {
        "every_seconds": every,
        "last_run_at": last_run,
        "ticking": ticking,
        "first_tick_due": not ticking and due_by is not None and now < due_by and bool(task and task.enabled),
        "queues_without_worker": heartbeat.queues_without_worker(heartbeat.queues_of(DIALER_WORK), now),
    }


def mark_dialing(call: Call) -> None:
    """The provider took the call: its target is dialing (a calls dial handler)."""
    if call.campaign_target_id:
        CampaignTarget.objects.filter(pk=call.campaign_target_id, status=TargetStatus.QUEUED).update(
            status=TargetStatus.DIALING
        )


def campaign_tag_name(campaign: Campaign) -> str:
    """The tag a campaign's uploaded leads get: stable, and no count of anyone's campaigns (core.public_ids)."""
    return f"campaign-{public_ids.of(campaign)[:8]}"


def add_uploaded_leads(lead_import) -> int:
    """An import uploaded for a campaign finished: its leads (new, and known people it matched) join it.
    A draft campaign's audience becomes "the leads of this upload"."""
    from leads.models import Tag

    campaign_id = (lead_import.options or {}).get("campaign_id")
    campaign = Campaign.objects.select_related("script").filter(pk=campaign_id).first() if campaign_id else None
    tag = Tag.objects.filter(name=campaign_tag_name(campaign)).first() if campaign else None
    if campaign is None or tag is None or campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.CANCELED):
        return 0
    if campaign.status == CampaignStatus.DRAFT:
        campaign.audience = {"kind": AudienceKind.FILTER.value, "tags": [tag.pk]}
        campaign.save(update_fields=["audience"])
        return 0
    due, _ = add_leads(campaign, Lead.objects.filter(tags=tag))
    return due
