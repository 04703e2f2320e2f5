"""The call lifecycle: request (through the compliance gate), dial, events in, outcome out.

``request_call`` is staff's "Call now" (and a reminder call): admission
(calls.admission: agent, compliance gate, capacity, caller number) → Call row
(queued and due now, built by ``admission.build_call`` as the campaign dialer builds
its own) → a dialer is woken after commit (calls.work: the row is the work, the
message only says "look now").
``dial`` takes the call from queued to dialing by compare-and-swap, so a call
claimed twice is dialled once; a provider's passing problem puts it back in the
queue, due after a backoff. ``record_event`` stores what a provider said once
(replays are no-ops) and ``_apply`` moves the call forward only; when it ends,
its effects on the lead are owed (``effects_due_at``) until ``after_call`` ran; when the
provider's analysis of a conversation is still to come, they are owed once it came (at
most ``ANALYSIS_WAIT`` later): each effect is applied once, so it must see the outcome.
"""

import json
import re
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from leads import services as lead_services
from leads.models import DncSource
from leads.pipeline import Stage, can_move
from voice import disclosures, prompting
from voice.clients import CallRequest, ErrorCategory, EventKind, NormalizedEvent, ProviderError, for_account
from voice.models import AccountHealth, ProviderAccount, VoiceAgent

from . import admission, compliance, rollups, work
from .models import (
    CONNECTED_OUTCOMES,
    CONVERSATION_OUTCOMES,
    DEFAULT_ESCALATION_WORDS,
    FINAL_STATUSES,
    IN_FLIGHT_STATUSES,
    STATUS_MOVES,
    Call,
    CallEvent,
    CallStatus,
    Outcome,
    Sentiment,
)
from .signals import call_dialed, call_ended

# A conversation's analysis (Retell's call_analyzed) comes seconds to a minute after its end: its effects (the
# booking of an agreed time, the lead's stage, the campaign's next step) wait for it this long at most.
ANALYSIS_WAIT = timedelta(minutes=2)
MAX_DIAL_ATTEMPTS = 6  # the first try and five after a provider's passing problem (429, 5xx)
OPT_OUT_PHRASES = [
    "stop calling",
    "don't call",
    "do not call",
    "dont call",
    "remove me",
    "take me off",
    "unsubscribe",
    "never call",
    "no more calls",
    "no me llame",
    "no me llamen",
    "no llamen",
    "quítame",
    "quitame",
    "borrar mi número",
    "borrar mi numero",
    "dejen de llamar",
    "deje de llamar",
]
ACCOUNT_PROBLEMS = {
    ErrorCategory.BAD_CREDENTIALS: AccountHealth.BAD_CREDENTIALS,
    ErrorCategory.OUT_OF_FUNDS: AccountHealth.OUT_OF_FUNDS,
}


# --- asking for a call -------------------------------------------------------------


def request_call(lead, agent, script, *, requested_by=None, when=None, weekdays=None, **links):
    """Ask for a call: returns ``(call, decision)``. A refused call is kept (canceled, with the reason), except
    when the person is already being called: then the call returned is that live one, and nothing is written
    (a double tap or a retry is not an attempt)."""
    from_number = admission.caller_number(agent.account, lead)
    decision = admission.admit(lead, agent, script, from_number=from_number, when=when, weekdays=weekdays)
    if decision.code == compliance.Reason.CONCURRENCY:
        live = Call.objects.filter(to_number=lead.phone, status__in=IN_FLIGHT_STATUSES).order_by("-id").first()
        if live is not None:
            return live, decision
    call = admission.build_call(
        lead,
        agent,
        script,
        from_number=from_number,
        requested_by=requested_by if requested_by is not None and requested_by.is_authenticated else None,
        **links,
    )
    if not decision.allowed:
        call.status, call.due_at = CallStatus.CANCELED, None
        call.compliance_code = decision.code
        call.next_allowed_at = decision.next_allowed_at
        call.error_message = decision.detail[:500]
        if decision.code not in admission.OPERATIONAL_CODES:  # the gate refused it: keep what it checked
            _, call.compliance_file = compliance.check_with_file(
                lead,
                purpose=script.purpose,
                is_marketing=script.is_marketing,
                when=when or timezone.now(),
                weekdays=weekdays,
            )
        call.save()
        return call, decision
    call.save()
    queue_dial(call)
    return call, decision


def queue_dial(call: Call) -> None:
    queue_dials([call])


def queue_dials(calls: list[Call]) -> None:
    """These saved, queued calls are due: wake dialers once the transaction commits (calls.work)."""
    for tenant_id, count in Counter(call.tenant_id for call in calls).items():
        work.wake_dialers(tenant_id, count)


# --- dialing ----------------------------------------------------------------------------


def dial(call_id: int) -> Call | None:
    """Start a queued call at its provider (a worker claimed it: calls.work.dial_due).

    Everything that can be decided is decided first (the gate again, the prompt); then one compare-and-swap
    takes the call from queued to dialing, marked *not confirmed* (``error_category=uncertain``, due within
    ``UNCERTAIN_DEADLINE``), and the provider is asked. A worker that dies before the swap leaves the call
    queued (claimed again when its lease ends); one that dies while asking leaves a call the provider may
    have placed: never sent again, it ends as no word unless the provider speaks of it."""
    now = timezone.now()
    queued = Call.objects.filter(pk=call_id, status=CallStatus.QUEUED)
    call = queued.select_related("lead__branch", "lead__tenant", "agent__account", "script", "account").first()
    if call is None:
        return None  # claimed twice, or canceled meanwhile: nothing to do
    lead, agent, script = call.lead, call.agent, call.script
    if lead is None or agent is None or script is None:
        if not STATUS_MOVES.swap(queued, CallStatus.QUEUED, CallStatus.DIALING, dialed_at=now):
            return None
        return _fail(call, ErrorCategory.INVALID_REQUEST, "The lead, agent or script of this call was removed.")
    # The gate again: a do-not-call entry or the end of calling hours may have come since it was queued.
    decision, file = compliance.check_with_file(
        lead, purpose=script.purpose, is_marketing=script.is_marketing, when=now, exclude_call=call.pk
    )
    if not decision.allowed:
        canceled = STATUS_MOVES.swap(
            queued,
            CallStatus.QUEUED,
            CallStatus.CANCELED,
            due_at=None,
            effects_due_at=now,  # a campaign target waits for the next allowed moment, or is skipped, at once
            compliance_code=decision.code,
            next_allowed_at=decision.next_allowed_at,
            error_message=decision.detail[:500],
            compliance_file=file,
        )
        return _settle_effects(call) if canceled else None
    rendered = prompting.render(lead, script, agent, now)
    file["disclosures"] = disclosures.carried(script.opening_line, is_marketing=script.is_marketing)
    request = CallRequest(
        call_id=call.pk,
        tenant_id=call.tenant_id,
        to_number=call.to_number,
        from_number=call.from_number,
        provider_agent_id=agent.provider_agent_id,
        variables=rendered.variables,
        opening_line=rendered.opening_line,
        prompt="\n\n".join(filter(None, [rendered.system_prompt, rendered.prompt])),
        lead_name=lead.full_name,
        lead_id=lead.pk,
        purpose=script.purpose,
        max_duration_seconds=agent.max_call_seconds,
        webhook_url=call.account.webhook_url,
        voice_id=agent.voice_id,
    )
    taken = STATUS_MOVES.swap(
        queued,
        CallStatus.QUEUED,
        CallStatus.DIALING,
        dialed_at=now,
        dial_attempts=F("dial_attempts") + 1,
        error_category=ErrorCategory.UNCERTAIN,  # until the provider answers
        due_at=now + work.UNCERTAIN_DEADLINE,
        prompt_variables=rendered.variables,
        compliance_file=file,
    )
    if not taken:
        return None
    rollups.mark_changed(call.tenant_id, now)  # dialled (or, below, not after all): the day's figures move
    lead_services.mark_attempted(lead, now)
    try:
        started = for_account(call.account).start_call(request)
    except ProviderError as error:
        if error.retryable:
            return _retry_later(call, error, now)
        if error.category == ErrorCategory.UNCERTAIN:
            # It may have been placed: never sent again. A placed call rings and is reported within
            # UNCERTAIN_DEADLINE (then its deadline is the full one, in _apply); else it ends as no word.
            Call.objects.filter(pk=call.pk).update(error_message=error.message[:500])
            return call
        return _fail(call, error.category, error.message)
    confirmed = Q(error_category=ErrorCategory.UNCERTAIN)
    Call.objects.filter(pk=call.pk).update(
        error_category=Case(When(confirmed, then=Value("")), default=F("error_category")),
        # the full deadline, unless a webhook that raced ahead ended the call (or gave it the deadline) already
        due_at=Case(
            When(confirmed & Q(status__in=work.LIVE), then=Value(now + work.live_deadline(agent.max_call_seconds))),
            default=F("due_at"),
        ),
        provider_call_id=Coalesce(NullIf(F("provider_call_id"), Value("")), Value(started.provider_call_id)),
    )
    call_dialed.send(sender=Call, call=call)
    return call


def _retry_later(call: Call, error: ProviderError, now) -> Call:
    """The provider had a passing problem before it took the call: back in the queue, due after a backoff
    (15 s, 30 s, 1 min, … at most 5 min), unless the tries ran out."""
    attempts = Call.objects.filter(pk=call.pk).values_list("dial_attempts", flat=True).first() or 1
    if attempts >= MAX_DIAL_ATTEMPTS:
        return _fail(call, error.category, f"{error.message} (gave up after {attempts} tries)")
    wait = min(300, 15 * 2 ** (attempts - 1))
    Call.objects.filter(pk=call.pk, status=CallStatus.DIALING).update(
        status=CallStatus.QUEUED,
        dialed_at=None,
        due_at=now + timedelta(seconds=wait),
        error_category="",
        error_message=error.message,
    )
    rollups.mark_changed(call.tenant_id, now)
    work.wake_dialers(call.tenant_id, countdown=wait)  # the sweeper dials it if this message is lost
    call.refresh_from_db()
    return call


def _fail(call: Call, category: str, message: str) -> Call:
    """The call failed: recorded, its effects owed in the same UPDATE and applied at once (calls.work)."""
    now = timezone.now()
    Call.objects.filter(pk=call.pk).exclude(status__in=FINAL_STATUSES).update(
        status=CallStatus.FAILED,
        due_at=None,
        effects_due_at=now,
        outcome=Outcome.FAILED,
        ended_at=now,
        error_category=category,
        error_message=message[:500],
        needs_attention=True,
        attention_reason=f"Provider error: {message}"[:300],
    )
    health = ACCOUNT_PROBLEMS.get(category)
    if health and call.account_id:
        ProviderAccount.objects.filter(pk=call.account_id).update(
            health=health, health_message=message[:500], health_checked_at=now
        )
    return _settle_effects(call)


def _settle_effects(call: Call) -> Call:
    """Apply the effects a call owes now, in this worker (if they fail, they stay owed for the sweeper)."""
    call.refresh_from_db()
    if call.effects_due_at is not None:
        work.apply_effects(call, call.effects_due_at)
        call.refresh_from_db()
    return call


def fail_undialled(call_id: int, error: Exception) -> None:
    """Dialling a queued call raised before the provider was asked: it fails with the reason (it is never
    left queued, holding the person and a line of the account, to fail again at every claim)."""
    call = Call.objects.filter(pk=call_id, status=CallStatus.QUEUED).first()
    if call is not None:
        _fail(call, ErrorCategory.INVALID_REQUEST, f"Could not be dialled: {type(error).__name__}: {error}")


# --- events in ------------------------------------------------------------------------------


def record_event(event: NormalizedEvent, account: ProviderAccount) -> int | None:
    """Store a provider event once and apply it, in one transaction: the call row is locked, the event
    inserted unless it was seen before (then None: a replay changes nothing), the call moved forward."""
    with transaction.atomic():
        call = _locked_call(event, account)
        event_id = _insert_event_once(event, account, call)
        if event_id is not None and call is not None:
            _apply(call, event)
    return event_id


BIGINT = range(-(2**63), 2**63)


def _locked_call(event: NormalizedEvent, account: ProviderAccount) -> Call | None:
    """The event's call among the account's tenant's, locked (SELECT … FOR UPDATE): by our id when the provider
    echoed it (and the call is this account's), else by the provider's call id. Plain SQL, because every
    webhook runs it: the ORM would compile the same query of every column on each one (half the view's time)."""
    table = connection.ops.quote_name(Call._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite locks the whole database
    if event.call_id is not None and event.call_id in BIGINT:
        sql = f"SELECT * FROM {table} WHERE id = %s AND account_id = %s AND tenant_id = %s LIMIT 1{lock}"
        for call in Call.all_tenants.raw(sql, [event.call_id, account.pk, account.tenant_id]):
            return call
    sql = (
        f"SELECT * FROM {table} WHERE provider = %s AND provider_call_id = %s AND tenant_id = %s"
        f" ORDER BY created_at DESC, id DESC LIMIT 1{lock}"
    )
    for call in Call.all_tenants.raw(sql, [account.provider, event.provider_call_id, account.tenant_id]):
        return call
    return None


def _insert_event_once(event: NormalizedEvent, account: ProviderAccount, call: Call | None) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: one round trip tells a new event from a replay."""
    table = connection.ops.quote_name(CallEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id, call_id, provider, provider_call_id, event_type, payload, received_at,"
            " is_orphan) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (provider, provider_call_id, event_type) DO NOTHING RETURNING id",
            [
                account.tenant_id,
                call.pk if call else None,
                account.provider,
                event.provider_call_id,
                event.event_type,
                json.dumps(event.raw),
                timezone.now(),
                call is None,
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _opted_out(transcript: list[dict], collected: dict) -> bool:
    if _truthy(collected.get("opt_out")) or _truthy(collected.get("dnc_requested")):
        return True
    said = " ".join(t.get("text", "").lower() for t in transcript if t.get("role") == "user")
    return any(phrase in said for phrase in OPT_OUT_PHRASES)


def _truthy(value) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1")


def decide_outcome(call: Call, base: str) -> str:
    """What the call amounted to, from the provider's disconnection and what was collected and said."""
    collected = call.collected_data or {}
    if base not in ("answered", "escalated", ""):
        return base
    if _opted_out(call.transcript or [], collected):
        return Outcome.DNC_REQUESTED
    if _truthy(collected.get("wrong_number")):
        return Outcome.WRONG_NUMBER
    if base == Outcome.ESCALATED:
        return Outcome.ESCALATED
    if collected.get("appointment_time"):
        return Outcome.APPOINTMENT_BOOKED
    if collected.get("callback_time"):
        return Outcome.CALLBACK_REQUESTED
    if _truthy(collected.get("not_interested")):
        return Outcome.NOT_INTERESTED
    return Outcome.ANSWERED if base or call.transcript else ""


def escalation_words() -> list[str]:
    policy = compliance.policy_for_tenant()
    return [w.lower() for w in DEFAULT_ESCALATION_WORDS + list(policy.escalation_words or []) if w]


def _attention(call: Call) -> list[str]:
    reasons = []
    said = " ".join(t.get("text", "").lower() for t in call.transcript or [] if t.get("role") == "user")
    words = [w for w in escalation_words() if re.search(rf"\b{re.escape(w)}\b", said)]
    if words:
        reasons.append(f"Said: {', '.join(words)}")
    if call.sentiment == Sentiment.NEGATIVE:
        reasons.append("Negative sentiment")
    if call.outcome == Outcome.ESCALATED:
        reasons.append("Asked for a person")
    return reasons


LINE_OUTCOMES = {Outcome.VOICEMAIL, Outcome.BUSY, Outcome.NO_ANSWER, Outcome.FAILED}
APPLIED_FIELDS = [
    "provider_call_id",
    "status",
    "started_at",
    "ended_at",
    "duration_seconds",
    "transcript",
    "recording_url",
    "summary",
    "sentiment",
    "collected_data",
    "cost",
    "disconnection_reason",
    "error_message",
    "outcome",
    "needs_attention",
    "attention_reason",
    "due_at",
    "effects_due_at",
    "error_category",
]


def _apply(call: Call, event: NormalizedEvent) -> Call:
    """Move a (locked) call forward with what the provider said, never backwards; act when it ends."""
    was_final = call.status in FINAL_STATUSES
    if not call.provider_call_id:
        call.provider_call_id = event.provider_call_id
    if call.error_category == ErrorCategory.UNCERTAIN:
        _heard_of(call)
    if event.status and not was_final and STATUS_MOVES.allows(call.status, event.status):
        call.status = event.status
    call.started_at = call.started_at or event.started_at
    if event.duration_seconds is not None:
        call.duration_seconds = event.duration_seconds
    if event.transcript:
        call.transcript = [turn.as_dict() for turn in event.transcript]
    call.recording_url = _playable(event.recording_url) or call.recording_url
    call.summary = event.summary or call.summary
    call.sentiment = event.sentiment or call.sentiment
    if event.collected_data:
        known = {k: v for k, v in event.collected_data.items() if v not in (None, "")}
        call.collected_data = {**call.collected_data, **known}
    if event.cost is not None:
        call.cost = event.cost
    call.disconnection_reason = event.disconnection_reason or call.disconnection_reason
    if event.error_message:
        call.error_message = event.error_message[:500]
    if call.status in FINAL_STATUSES:
        call.ended_at = call.ended_at or event.ended_at  # (a live call has no end, whatever an event says)
        # Its effects are owed from now; or, when the provider's analysis is still to come (what the person
        # agreed to, the outcome), once it came, and at the latest after ANALYSIS_WAIT (they are applied once).
        owed = timezone.now() + (ANALYSIS_WAIT if event.analysis_follows else timedelta(0))
        call.due_at, call.effects_due_at = None, min(filter(None, [call.effects_due_at, owed]))
        call.ended_at = call.ended_at or timezone.now()
        # What the line did (the provider's word, else what an earlier event said), then what was said on it.
        base = event.outcome or (call.outcome if call.outcome in LINE_OUTCOMES else "answered" if call.outcome else "")
        if event.kind in (EventKind.ENDED, EventKind.FAILED, EventKind.ANALYZED) or not call.outcome:
            call.outcome = decide_outcome(call, base) or call.outcome
        reasons = _attention(call)
        if reasons and not call.resolved_at:
            call.needs_attention = True
            call.attention_reason = "; ".join(reasons)[:300]
    call.save(update_fields=APPLIED_FIELDS)
    if call.status in FINAL_STATUSES and call.outcome == Outcome.DNC_REQUESTED and call.lead_id:
        # compliance.md: a spoken opt-out takes effect at once, for every campaign.
        lead_services.add_dnc(call.to_number, reason="Asked during a call", source=DncSource.CALL)
    if call.status in FINAL_STATUSES:
        work.wake_effects(call.tenant_id)
    return call


def _playable(url: str) -> str:
    """A recording address staff browsers may load: https, or this site's own (the simulator's, under
    PUBLIC_BASE_URL); a provider's other answer (http elsewhere, javascript:, data:) is dropped, not shown."""
    url = (url or "").strip()
    own = settings.PUBLIC_BASE_URL.rstrip("/") + "/"
    if url.startswith(("https://", own)) or (url.startswith("/") and not url.startswith("//")):
        return url
    return ""


def _heard_of(call: Call) -> None:
    """The provider speaks of a call whose create request had timed out: it was placed after all. It is not
    a provider failure (the circuit breaker must not count it), and it gets the full deadline of a call."""
    call.error_category, call.error_message = "", ""
    if call.status not in FINAL_STATUSES:
        longest = VoiceAgent.objects.filter(pk=call.agent_id).values_list("max_call_seconds", flat=True).first()
        call.due_at = (call.dialed_at or timezone.now()) + work.live_deadline(longest or 0)


# --- after the call -----------------------------------------------------------------------------


def _effect_once(call: Call, name: str) -> bool:
    """Claim an after-call effect (True the first time only)."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if name in locked.effects_done:
            return False
        locked.effects_done = [*locked.effects_done, name]
        locked.save(update_fields=["effects_done"])
        call.effects_done = locked.effects_done
        return True


def after_call(call: Call) -> None:
    """What an ended call sets off: the lead's contact times, stage and score, then other rooms' receivers of
    ``call_ended`` (each claims its effect with ``once``: a task may run twice)."""
    call = Call.objects.select_related("lead").get(pk=call.pk)
    lead = call.lead
    if lead is not None and _effect_once(call, "lead"):
        if call.outcome in CONNECTED_OUTCOMES:
            lead_services.mark_contacted(lead, call.ended_at or timezone.now())
        target = {
            Outcome.NOT_INTERESTED: (Stage.NOT_INTERESTED, ""),
            Outcome.WRONG_NUMBER: (Stage.LOST, "Wrong number"),
            Outcome.DNC_REQUESTED: (Stage.LOST, "Asked not to be called"),
        }.get(call.outcome)
        lead.refresh_from_db()
        if call.outcome in CONVERSATION_OUTCOMES and lead.stage == Stage.NEW:
            lead_services.change_stage(lead, Stage.CONTACTED, reason=f"call: {call.get_outcome_display()}")
        if target and can_move(lead.stage, target[0]):
            lead_services.change_stage(
                lead, target[0], reason=f"call: {call.get_outcome_display()}", lost_reason=target[1]
            )
        lead_services.scoring.rescore(type(lead).objects.filter(pk=lead.pk))
    call_ended.send(sender=Call, call=call, once=lambda name: _effect_once(call, name))


def resolve(call: Call, *, actor, note: str = "") -> Call:
    call.needs_attention = False
    call.resolved_by = actor if actor is not None and actor.is_authenticated else None
    call.resolved_at = timezone.now()
    call.resolution_note = note
    call.save(update_fields=["needs_attention", "resolved_by", "resolved_at", "resolution_note"])
    return call


def end_unheard(call: Call, category: str) -> Call:
    """A live call past its deadline with no end from its provider: failed, never redialled, and what it held
    (the person, the account's line, the campaign target) is free again."""
    asked = " (the provider never confirmed taking it)" if call.error_category == ErrorCategory.UNCERTAIN else ""
    return _fail(call, category, f"No word from the provider by the call's deadline{asked}.")
