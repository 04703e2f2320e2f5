"""The compliance gate: may this person be called for this purpose at this moment?

Every call passes here, whether staff pressed "Call now" or the dialer claimed a
campaign target. The answer is "allowed", or a reason code: hard rules skip the
call; timing rules defer it to the exact next allowed moment. The rules and
their sources are in ../shared/reference/compliance.md; their numbers come from
the tenant's CallingPolicy (US defaults).
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from leads import phones
from leads.location import candidate_zones
from leads.models import Consent, ConsentKind, DoNotCall, ErasureSuppression, Lead, suppression_hash
from tenants.models import Tenant

from .models import LIVE_STATUSES, Call, CallingPolicy, CallStatus
from .windows import Window, inside, next_allowed


class Reason(models.TextChoices):
    # hard rules: the call is skipped
    DNC = "dnc", "On the do-not-call list"
    NO_CONSENT = "no_consent", "No consent for this purpose"
    INVALID_NUMBER = "invalid_number", "Invalid number"
    ERASED = "erased", "Erased on request"
    TENANT_PAUSED = "tenant_paused", "Calling switched off"
    # timing rules: the call is deferred
    CALLING_HOURS = "calling_hours", "Outside calling hours"
    UNCERTAIN_ZONE = "uncertain_zone", "Outside calling hours in one of the possible time zones"
    FREQUENCY = "frequency", "Called too often in the last 24 hours"
    HOLIDAY = "holiday", "A closed day"
    CONCURRENCY = "concurrency", "Too many calls in progress"


TIMING_REASONS = {Reason.CALLING_HOURS, Reason.UNCERTAIN_ZONE, Reason.FREQUENCY, Reason.HOLIDAY, Reason.CONCURRENCY}
RESTRICTED_REGIONS = ("FL", "OK", "MD")  # Florida 501.059, Oklahoma TSA, Maryland Stop the Spam Calls Act


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = ""
    detail: str = ""
    next_allowed_at: datetime | None = None

    @property
    def deferred(self) -> bool:
        return not self.allowed and self.code in TIMING_REASONS

    def as_dict(self) -> dict:
        return {
            "allowed": self.allowed,
            "code": self.code,
            "detail": self.detail,
            "next_allowed_at": self.next_allowed_at.isoformat() if self.next_allowed_at else None,
        }


ALLOWED = Decision(True)


POLICY_MEMO_SECONDS = 30
_policy_memo: dict[int, tuple[float, CallingPolicy]] = {}


def policy_for_tenant() -> CallingPolicy:
    """The tenant's calling policy (defaults if none is saved), remembered briefly: it is read on every
    call and webhook, and changes rarely (saving one forgets it at once in this process)."""
    from tenants.scoping import current_tenant_id

    tenant_id, now = current_tenant_id(), time.monotonic()
    memo = _policy_memo.get(tenant_id)
    if memo is None or memo[0] < now:
        memo = _policy_memo[tenant_id] = (now + POLICY_MEMO_SECONDS, CallingPolicy.objects.first() or CallingPolicy())
    return memo[1]


def forget_policy(tenant_id: int) -> None:
    _policy_memo.pop(tenant_id, None)


def is_restricted(lead: Lead, policy: CallingPolicy) -> bool:
    regions = {r.upper() for r in (policy.restricted_regions or RESTRICTED_REGIONS)}
    area_region = phones.place_of(lead.phone).region if lead.phone else ""
    return area_region in regions or (lead.region or "").upper() in regions


def window_for(lead: Lead, policy: CallingPolicy, weekdays=None) -> Window:
    end = min(policy.window_end, policy.restricted_window_end) if is_restricted(lead, policy) else policy.window_end
    closed = frozenset(date.fromisoformat(day) for day in policy.closed_days or [])
    return Window(
        start=policy.window_start, end=end, closed_days=closed, sundays=policy.sunday_calls, weekdays=weekdays
    )


def _frequency_release(lead: Lead, purpose: str, when: datetime, policy: CallingPolicy) -> datetime | None:
    """When the rolling-24-hour cap frees a slot again (None if it is free now)."""
    since = when - timedelta(hours=24)
    recent = sorted(
        Call.objects.filter(to_number=lead.phone, purpose=purpose, dialed_at__gt=since, dialed_at__lte=when)
        .exclude(status=CallStatus.CANCELED)
        .values_list("dialed_at", flat=True)
    )
    if len(recent) < policy.max_calls_per_day:
        return None
    return recent[-policy.max_calls_per_day] + timedelta(hours=24)


def _timing_code(when: datetime, zones: list[str], window: Window) -> str:
    for zone in zones:
        if not window.spans(when.astimezone(ZoneInfo(zone)).date()):
            return Reason.HOLIDAY
    if len(zones) > 1 and any(inside(when, [zone], window) for zone in zones):
        return Reason.UNCERTAIN_ZONE
    return Reason.CALLING_HOURS


def check(lead: Lead, *, purpose: str, is_marketing: bool, agent=None, when=None, weekdays=None) -> Decision:
    """Allowed, or why not (and for timing rules, the first moment it would be)."""
    when = when or timezone.now()
    policy = policy_for_tenant()
    tenant = Tenant.objects.only("is_active").get(pk=lead.tenant_id)

    if not tenant.is_active:
        return Decision(False, Reason.TENANT_PAUSED, "Calling is switched off for this business.")
    if agent is not None and (not agent.is_active or not agent.account.is_active):
        return Decision(False, Reason.TENANT_PAUSED, "This voice agent (or its provider account) is switched off.")
    if ErasureSuppression.objects.filter(phone_hash=suppression_hash(lead.tenant_id, lead.phone)).exists():
        return Decision(False, Reason.ERASED, "This person asked to be erased.")
    if not phones.try_normalize(lead.phone or "", "US"):
        return Decision(False, Reason.INVALID_NUMBER, f"{lead.phone or 'No number'} is not a valid number.")
    if DoNotCall.objects.filter(phone=lead.phone).exists():
        return Decision(False, Reason.DNC, "The number is on the do-not-call list.")
    consents = Consent.objects.filter(lead_id=lead.pk, phone=lead.phone, revoked_at__isnull=True)
    if is_marketing:
        consents = consents.filter(kind=ConsentKind.EXPRESS_WRITTEN)
    if not any(consent.covers(purpose) for consent in consents):
        needed = "written consent" if is_marketing else "consent"
        return Decision(False, Reason.NO_CONSENT, f"No {needed} on record for {lead.phone} for this purpose.")

    zones = candidate_zones(lead)
    window = window_for(lead, policy, weekdays)
    moment, code = when, ""
    for _ in range(20):  # each rule can only push the moment later; settle when none does
        opens = next_allowed(moment, zones, window)
        if opens is None:
            return Decision(False, Reason.CALLING_HOURS, "No allowed calling time within a year.")
        if opens > moment:
            code = code or _timing_code(moment, zones, window)
            moment = opens
        release = _frequency_release(lead, purpose, moment, policy)
        if release is not None and release > moment:
            code = code or Reason.FREQUENCY
            moment = release
            continue
        break
    if agent is not None and moment == when:
        live = Call.objects.filter(account_id=agent.account_id, status__in=LIVE_STATUSES).count()
        if live >= agent.account.concurrency_limit:
            return Decision(False, Reason.CONCURRENCY, "The provider account's concurrent calls are all in use.",
                            when + timedelta(minutes=1))  # fmt: skip
    if moment == when:
        return ALLOWED
    local = moment.astimezone(ZoneInfo(zones[0]))
    return Decision(False, code, f"{Reason(code).label}; next allowed {local:%a %d %b %H:%M} ({zones[0]}).", moment)
