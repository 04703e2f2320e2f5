"""The compliance gate: may this person be called for this purpose at this moment?

Every call passes here, whether staff pressed "Call now" or the dialer claimed a
campaign target. The answer is "allowed", or a reason code (calls.decisions): hard
rules skip the call; timing rules defer it to the exact next allowed moment. Only
legal questions are asked here (the rules and their sources: docs/compliance.md);
whether the agent is switched on and its provider account has room is
calls.admission's. The tenant's numbers come from its CallingPolicy (US defaults, narrowed only); the states'
rules are rows of data (calls.state_rules), applied in every zone and state the person may be in.

``check`` answers for one lead; ``check_many`` for a batch, reading what the rules need (do-not-call lists and
registries, erasures, consents, reassigned-number answers, recent dials and hang-ups, business relationships) in a
fixed number of queries however big the batch: the dialer gates hundreds of targets a tick. ``check_with_file``
also returns the call's compliance file, built from the same facts (calls.compliance_file).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from core.memo import TtlMemo
from leads import phones, reassigned, registries, relationships
from leads.location import candidate_zones
from leads.models import NATIONAL_REGISTRY, Consent, ConsentKind, DoNotCall, ErasureSuppression, Lead, suppression_hash
from leads.purposes import MARKETING_PURPOSES
from tenants.models import Tenant

from . import legal, state_rules
from .decisions import ALLOWED, TIMING_REASONS, Decision, Reason  # noqa: F401 (the gate's answers)
from .models import IN_FLIGHT_STATUSES, Call, CallingPolicy, CallStatus, StateEmergency
from .windows import Constraint, WeekdayWindows, Window, inside, next_allowed

BUSY_RETRY = timedelta(minutes=5)  # one call at a time per person: try again after this
WHOLE_DAY = (clock(0, 0), clock(23, 59, 59, 999999))

POLICY_MEMO_SECONDS = 30
_policy_memo: TtlMemo[int, CallingPolicy] = TtlMemo(POLICY_MEMO_SECONDS)
_emergency_memo: TtlMemo[str, frozenset] = TtlMemo(POLICY_MEMO_SECONDS)
EMERGENCY_RECHECK = timedelta(hours=6)  # a call held by a state of emergency is asked about again after this
# How providers say the person hung up, as stored in Call.disconnection_reason: Retell's disconnection_reason,
# Vapi's endedReason, Bland's call_ended_by, ElevenLabs' termination_reason. Nevada's ban on a second automated
# call reads it.
HUNG_UP_BY_PERSON = ("user_hangup", "customer-ended-call", "USER", "Call ended by remote party")


def forget_emergencies() -> None:
    _emergency_memo.forget(str(timezone.localdate()))


def states_in_emergency() -> frozenset[str]:
    """The states under a declared state of emergency now (platform-wide), remembered briefly."""
    today = timezone.localdate()
    active = StateEmergency.objects.filter(declared_on__lte=today).filter(
        models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=today)
    )
    return _emergency_memo.get_or_set(str(today), lambda: frozenset(active.values_list("region", flat=True)))


def policy_for_tenant() -> CallingPolicy:
    """The tenant's calling policy (defaults if none is saved), remembered briefly: it is read on every
    call and webhook, and changes rarely (saving one forgets it at once in this process)."""
    from tenants.scoping import current_tenant_id

    return _policy_memo.get_or_set(current_tenant_id(), lambda: CallingPolicy.objects.first() or CallingPolicy())


def forget_policy(tenant_id: int) -> None:
    _policy_memo.forget(tenant_id)


def is_restricted(lead: Lead, policy: CallingPolicy) -> bool:
    regions = legal.restricted_regions(policy)
    area_region = phones.place_of(lead.phone).region if lead.phone else ""
    return area_region in regions or (lead.region or "").upper() in regions


def legal_window(lead: Lead, policy: CallingPolicy, weekdays: WeekdayWindows | None = None) -> Window:
    """The tenant's window inside the legal floor (calls.legal): a stored policy can only narrow it."""
    end = legal.restricted_end(policy) if is_restricted(lead, policy) else legal.window_end(policy)
    closed = frozenset(date.fromisoformat(day) for day in policy.closed_days or [])
    return Window(
        start=legal.window_start(policy), end=end, closed_days=closed, sundays=policy.sunday_calls, weekdays=weekdays
    )


def applicable_regions(lead: Lead) -> list[str]:
    """The states whose calling rules bind a call to this person: their number's area code's and their
    address's (several states apply their law on the area code alone; docs/compliance.md#state-rules)."""
    area = phones.place_of(lead.phone).region if lead.phone else ""
    return [region for region in dict.fromkeys([area, (lead.region or "").upper()]) if region]


def constraints_for(
    lead: Lead,
    policy: CallingPolicy,
    weekdays=None,
    weekdays_zone: str | None = None,
    *,
    is_marketing: bool = True,
    has_consent: bool = True,
):
    """The windows that must be open, per zone: the tenant's window inside the legal floor and every state rule
    that binds this call, in every zone the person might be in, narrowed by a campaign's weekday windows (in
    the person's zones, or in ``weekdays_zone``)."""
    zones = candidate_zones(lead)
    rules = state_rules.binding(applicable_regions(lead), is_marketing=is_marketing, has_consent=has_consent)
    by_state = [(zone, rule) for rule in rules for zone in zones]
    if weekdays is None or weekdays_zone is None:
        return zones, [(zone, legal_window(lead, policy, weekdays)) for zone in zones] + by_state
    campaign = Window(start=WHOLE_DAY[0], end=WHOLE_DAY[1], weekdays=weekdays)
    return zones, [(zone, legal_window(lead, policy)) for zone in zones] + by_state + [(weekdays_zone, campaign)]


@dataclass
class GateContext:
    """What the rules need about a batch of leads, read in a fixed number of queries."""

    tenant_active: bool
    policy: CallingPolicy
    dnc: set[str] = field(default_factory=set)
    erased: set[str] = field(default_factory=set)
    consents: dict[int, list[Consent]] = field(default_factory=dict)
    dialed: dict[str, list[datetime]] = field(default_factory=dict)  # phone -> dial times (this purpose)
    dialed_person: dict[int, list[datetime]] = field(default_factory=dict)  # lead -> dial times (this purpose)
    dialed_marketing: dict[str, list[datetime]] = field(default_factory=dict)  # phone -> marketing dial times
    busy: set[str] = field(default_factory=set)  # phones with a call queued or in progress
    registries: dict[str, set[str]] = field(default_factory=dict)  # phone -> the do-not-call registries listing it
    scrubbed: dict[str, date] = field(default_factory=dict)  # area code -> the national registry file's date
    reassigned: dict[str, list] = field(default_factory=dict)  # phone -> its reassigned-number checks, newest first
    hung_up: set[str] = field(default_factory=set)  # phones whose owner hung up on an earlier call
    relationships: dict[int, object] = field(default_factory=dict)  # lead -> its established business relationship
    emergencies: frozenset[str] = frozenset()  # states under a declared state of emergency


def _tenant_active(lead: Lead) -> bool:
    """The kill switch; read from the lead's tenant when it was loaded with the lead just now (dial does)."""
    if Lead.tenant.is_cached(lead):
        return lead.tenant.is_active
    return Tenant.objects.filter(pk=lead.tenant_id, is_active=True).exists()


def load_context(leads: list[Lead], *, purpose: str, when: datetime, exclude_call: int | None = None) -> GateContext:
    tenant_id = leads[0].tenant_id
    phones_ = [lead.phone for lead in leads]
    hashes = {suppression_hash(tenant_id, phone): phone for phone in phones_}
    erased_hashes = ErasureSuppression.objects.filter(phone_hash__any=list(hashes)).values_list("phone_hash", flat=True)
    context = GateContext(
        tenant_active=_tenant_active(leads[0]),
        policy=policy_for_tenant(),
        dnc=set(DoNotCall.objects.filter(phone__any=phones_).values_list("phone", flat=True)),
        erased={hashes[h] for h in erased_hashes},
    )
    listing = registries.listed(phones_)
    context.registries, context.scrubbed = listing.listed, listing.scrubbed
    context.reassigned = reassigned.checks_by_phone(phones_)
    context.hung_up = set(
        Call.objects.filter(to_number__any=phones_, disconnection_reason__in=HUNG_UP_BY_PERSON).values_list(
            "to_number", flat=True
        )
    )
    context.emergencies = states_in_emergency()
    context.relationships = relationships.established(leads, when)
    consents = defaultdict(list)
    for consent in Consent.objects.filter(lead_id__any=[lead.pk for lead in leads], revoked_at__isnull=True):
        consents[consent.lead_id].append(consent)
    context.consents = dict(consents)
    dialed, by_person, marketing = defaultdict(list), defaultdict(list), defaultdict(list)
    # Dials of the last 24 hours, and calls queued or in progress now (a queued call is a dial about to happen),
    # to these numbers or these people (a person may have been called on another number).
    lead_ids = [lead.pk for lead in leads]
    recent = Call.objects.filter(models.Q(to_number__any=phones_) | models.Q(lead_id__any=lead_ids)).filter(
        models.Q(dialed_at__gt=when - timedelta(hours=24)) | models.Q(status__in=IN_FLIGHT_STATUSES)
    )
    if exclude_call is not None:
        recent = recent.exclude(pk=exclude_call)  # the call being dialled is not a previous dial
    for phone, lead_id, dialed_at, status, call_purpose in recent.exclude(status=CallStatus.CANCELED).values_list(
        "to_number", "lead_id", "dialed_at", "status", "purpose"
    ):
        at = dialed_at or when
        if call_purpose == purpose:
            dialed[phone].append(at)
            if lead_id is not None:
                by_person[lead_id].append(at)
        if call_purpose in MARKETING_PURPOSES:
            marketing[phone].append(at)
        if status in IN_FLIGHT_STATUSES:
            context.busy.add(phone)
    context.dialed = {phone: sorted(times) for phone, times in dialed.items()}
    context.dialed_person = {lead_id: sorted(times) for lead_id, times in by_person.items()}
    context.dialed_marketing = {phone: sorted(times) for phone, times in marketing.items()}
    return context


def _registry_refusal(listed_on: set[str]) -> Decision:
    """docs/compliance.md#do-not-call-registries: a marketing call to a listed number needs written consent."""
    if NATIONAL_REGISTRY in listed_on:
        return Decision(False, Reason.DNC_NATIONAL, "The number is on the National Do Not Call Registry.")
    states = ", ".join(sorted(listed_on))
    return Decision(False, Reason.DNC_STATE, f"The number is on the do-not-call list of {states}.")


def _frequency_release(dials: list[datetime], moment: datetime, cap: int, hours: int = 24) -> datetime | None:
    """When a rolling cap of ``cap`` calls in ``hours`` frees a slot again (None if it is free at ``moment``)."""
    window = [d for d in dials if moment - timedelta(hours=hours) < d <= moment]
    if len(window) < cap:
        return None
    return window[-cap] + timedelta(hours=hours)


def _caps(lead: Lead, context: GateContext, *, is_marketing: bool) -> list[tuple[list[datetime], int, int, str]]:
    """Each rolling cap on this call: (the dials it counts, how many, in how many hours, the state rule's id).
    The policy's cap counts per number and per person (Florida and Maryland count a person across numbers);
    a state's cap on automated solicitations counts every marketing call to the number."""
    per_day = legal.calls_per_day(context.policy)
    caps = [
        (context.dialed.get(lead.phone, []), per_day, 24, ""),
        (context.dialed_person.get(lead.pk, []), per_day, 24, ""),
    ]
    for cap in state_rules.caps_binding(applicable_regions(lead), is_marketing=is_marketing):
        caps.append((context.dialed_marketing.get(lead.phone, []), cap.calls, cap.hours, cap.id))
    return caps


def _timing_reason(when: datetime, constraints: list[Constraint], zones: list[str]) -> tuple[str, str]:
    """Why ``when`` is closed: the code, and the state rule behind it (its id) when one is."""
    closed = [(zone, window) for zone, window in constraints if not inside(when, [(zone, window)])]
    if not closed:
        return Reason.CALLING_HOURS, ""
    laws = [(zone, w) for zone, w in closed if isinstance(w, state_rules.StateRule)]
    own = [(zone, w) for zone, w in closed if not isinstance(w, state_rules.StateRule)]

    def whole_day(zone, window) -> bool:
        return not window.spans(when.astimezone(ZoneInfo(zone)).date())

    for zone, rule in laws:  # a day the law bans, before a day the tenant closed
        if whole_day(zone, rule):
            return Reason.STATE_DAY_BAN, rule.id
    if any(whole_day(zone, window) for zone, window in own):
        return Reason.HOLIDAY, ""
    legal = [(zone, window) for zone, window in constraints if zone in zones and isinstance(window, Window)]
    if len(zones) > 1 and any(inside(when, [c]) for c in legal) and not inside(when, legal):
        return Reason.UNCERTAIN_ZONE, ""
    # The rule that decided: the one that stays closed longest (a law before the tenant's window on a tie).
    _, deciding = max(laws + own, key=lambda c: next_allowed(when, [c]) or when)
    if isinstance(deciding, state_rules.StateRule):
        return deciding.code, deciding.id
    return Reason.CALLING_HOURS, ""  # the tenant's window (inside the federal floor) is closed


def decide(
    lead: Lead,
    context: GateContext,
    *,
    purpose: str,
    is_marketing: bool,
    when: datetime,
    weekdays=None,
    weekdays_zone=None,
) -> Decision:
    """The gate for one lead, from a loaded context (no queries)."""
    if not context.tenant_active:
        return Decision(False, Reason.TENANT_PAUSED, "Calling is switched off for this business.")
    if lead.phone in context.erased:
        return Decision(False, Reason.ERASED, "This person asked to be erased.")
    if not phones.try_normalize(lead.phone or "", "US"):
        return Decision(False, Reason.INVALID_NUMBER, f"{lead.phone or 'No number'} is not a valid number.")
    if lead.phone in context.dnc:
        return Decision(False, Reason.DNC, "The number is on the do-not-call list.")
    consents = [c for c in context.consents.get(lead.pk, []) if c.phone == lead.phone]
    if is_marketing:
        consents = [c for c in consents if c.kind == ConsentKind.EXPRESS_WRITTEN]
        listed_on = context.registries.get(lead.phone)
        if listed_on and not any(consent.covers(purpose) for consent in consents):
            if context.relationships.get(lead.pk) is not None:
                listed_on = listed_on - {NATIONAL_REGISTRY}  # a relationship exempts from the national one only
            if listed_on:
                return _registry_refusal(listed_on)
    if not any(consent.covers(purpose) for consent in consents):
        needed = "written consent" if is_marketing else "consent"
        return Decision(False, Reason.NO_CONSENT, f"No {needed} on record for {lead.phone} for this purpose.")
    checks = context.reassigned.get(lead.phone) or []
    if checks and all(reassigned.sets_aside(c, checks, when) for c in consents if c.covers(purpose)):
        return Decision(
            False,
            Reason.REASSIGNED_NUMBER,
            "The Reassigned Numbers Database says the number may have changed hands since the consent: "
            "re-confirm it with whoever holds the number now.",
        )

    regions = applicable_regions(lead)
    ban = state_rules.REPEAT_AFTER_HANGUP
    if ban.region in regions and lead.phone in context.hung_up and lead.pk not in context.relationships:
        return Decision(False, Reason.REPEAT_AFTER_HANGUP, f"{ban.says} ({ban.source}).", rule=ban.id)
    emergency = state_rules.EMERGENCY
    if is_marketing and emergency.region in regions and emergency.region in context.emergencies:
        why = f"{emergency.says} ({emergency.source})."
        return Decision(False, Reason.STATE_EMERGENCY, why, when + EMERGENCY_RECHECK, emergency.id)

    if lead.phone in context.busy:
        return Decision(
            False, Reason.CONCURRENCY, "A call to this person is already queued or in progress.", when + BUSY_RETRY
        )

    zones, constraints = constraints_for(lead, context.policy, weekdays, weekdays_zone, is_marketing=is_marketing)
    moment, code, rule = when, "", ""
    for _ in range(20):  # each rule can only push the moment later; settle when none does
        opens = next_allowed(moment, constraints)
        if opens is None:
            return Decision(False, Reason.CALLING_HOURS, "No allowed calling time within a year.")
        if opens > moment:
            if not code:
                code, rule = _timing_reason(moment, constraints, zones)
            moment = opens
        releases = [
            (release, rule_id)
            for dials, cap, hours, rule_id in _caps(lead, context, is_marketing=is_marketing)
            if (release := _frequency_release(dials, moment, cap, hours)) is not None and release > moment
        ]
        if releases:
            release, rule_id = max(releases)
            if not code:
                code, rule = Reason.FREQUENCY, rule_id
            moment = release
            continue
        break
    if moment == when:
        return ALLOWED
    local = moment.astimezone(ZoneInfo(zones[0]))
    why = Reason(code).label
    if rule:
        row = state_rules.BY_ID[rule]
        why += f" ({row.says}; {row.source})"
    return Decision(False, code, f"{why}; next allowed {local:%a %d %b %H:%M} ({zones[0]}).", moment, rule=rule)


def check_many(
    leads: list[Lead],
    *,
    purpose: str,
    is_marketing: bool,
    when=None,
    weekdays=None,
    weekdays_zone=None,
    exclude_call: int | None = None,
) -> dict[int, Decision]:
    """The gate for a batch of leads (of one tenant): lead id → Decision."""
    if not leads:
        return {}
    when = when or timezone.now()
    context = load_context(leads, purpose=purpose, when=when, exclude_call=exclude_call)
    return {
        lead.pk: decide(
            lead,
            context,
            purpose=purpose,
            is_marketing=is_marketing,
            when=when,
            weekdays=weekdays,
            weekdays_zone=weekdays_zone,
        )
        for lead in leads
    }


def check_with_file(
    lead: Lead,
    *,
    purpose: str,
    is_marketing: bool,
    when: datetime,
    exclude_call: int | None = None,
    weekdays=None,
) -> tuple[Decision, dict]:
    """The gate for one lead, and its compliance file (calls.compliance_file) built from the same facts."""
    from . import compliance_file

    context = load_context([lead], purpose=purpose, when=when, exclude_call=exclude_call)
    decision = decide(lead, context, purpose=purpose, is_marketing=is_marketing, when=when, weekdays=weekdays)
    return decision, compliance_file.build(
        lead, context, decision, purpose=purpose, is_marketing=is_marketing, when=when
    )


def check(
    lead: Lead,
    *,
    purpose: str,
    is_marketing: bool,
    when=None,
    weekdays=None,
    weekdays_zone=None,
    exclude_call: int | None = None,
) -> Decision:
    """Allowed, or why not (and for timing rules, the first moment it would be)."""
    return check_many(
        [lead],
        purpose=purpose,
        is_marketing=is_marketing,
        when=when or timezone.now(),
        weekdays=weekdays,
        weekdays_zone=weekdays_zone,
        exclude_call=exclude_call,
    )[lead.pk]
