"""The work owed on calls, kept in their rows and claimed from them (docs/operations.md, "Failure modes").

No broker message ever holds the only copy of work:

- a queued call is due to be dialled at ``due_at``. A worker claims it by moving ``due_at`` a lease ahead
  (a worker that dies gives it back when the lease ends), then ``services.dial`` moves it from queued to
  dialing by compare-and-swap, so it is dialled once whoever claims it, however often;
- a live call (dialing, ringing, in progress) must be heard from by ``due_at``, its deadline; the sweeper
  settles one that is not (``settle_overdue``): ended as ``no_word_from_provider``, which frees the person,
  the account's line and the campaign target;
- an ended call's effects (the lead's stage, a booking, the campaign target, follow-ups) are owed while
  ``effects_due_at`` is set; a worker claims them the same way and applies them in one transaction.

``wake_dialers`` and ``wake_effects`` make workers look now (core.wakeup: coalesced, after the commit,
harmless if the broker is down); ``sweep``, on beat, wakes them for anything a lost message left behind.
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.leases import claim_due
from core.wakeup import wake
from tenants.db import tenant_ids
from tenants.scoping import current_tenant_id, tenant_scope

from .models import Call, CallStatus

logger = logging.getLogger(__name__)

DIAL_LEASE = timedelta(seconds=60)  # a claimed dial that did not start by then is claimed again
EFFECTS_LEASE = timedelta(seconds=60)
DIAL_FANOUT = 4  # messages for a batch of calls: as many workers dial at once (the default worker concurrency)
DRAIN_LIMIT = 50  # calls one task takes before it hands over to a fresh message (other work gets its turn)
RING_ALLOWANCE = timedelta(minutes=2)  # from the dial until the person answers or the line gives up
END_GRACE = timedelta(minutes=5)  # after the longest conversation allowed: the end event and its analysis
UNCERTAIN_DEADLINE = timedelta(seconds=60)  # a create request that timed out: a placed call is heard of by then
NO_WORD = "no_word_from_provider"
LONGEST_LIVE = timedelta(hours=2)  # a call the provider keeps calling live is ended after this, whatever it says
SETTLE_LIMIT = 50  # overdue calls one sweep settles per tenant (the next sweep takes the rest)
SETTLE_LEASE = timedelta(minutes=2)  # an overdue call being settled is not taken by another sweep meanwhile
# A provider that hangs holds about this many dials of its account at once (the rest of the account's calls
# wait; other accounts' calls go on). The count is read before each claim, so workers claiming at the same
# moment may each take one more. A create-call request is "being sent" from the dial until the provider
# answers, at most SENDING_WINDOW (its timeouts and retries, with room to spare).
SENDING_PER_ACCOUNT = 2
SENDING_WINDOW = timedelta(seconds=90)
LIVE = (CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS)


def live_deadline(longest_call_seconds: int) -> timedelta:
    """How long after its dial a call must have been heard to end: the ring, the longest conversation, grace."""
    return RING_ALLOWANCE + timedelta(seconds=longest_call_seconds) + END_GRACE


# --- waking workers ------------------------------------------------------------------------------


def wake_dialers(tenant_id: int, count: int = 1, countdown: float | None = None) -> None:
    from .tasks import dial_due_calls

    wake(dial_due_calls, copies=max(1, min(count, DIAL_FANOUT)), countdown=countdown, tenant_id=tenant_id)


def wake_effects(tenant_id: int) -> None:
    from .tasks import apply_call_effects

    wake(apply_call_effects, tenant_id=tenant_id)


def _due_dials(now: datetime | None):
    """Queued calls (due by ``now``, if given: claiming adds its own bound)."""
    queued = Call.objects.filter(status=CallStatus.QUEUED)
    return queued if now is None else queued.filter(due_at__lte=now)


def _claimable_dials():
    """Queued calls, except those of accounts whose provider is still answering ``SENDING_PER_ACCOUNT`` dials."""
    sending = (
        Call.objects.filter(
            status=CallStatus.DIALING, provider_call_id="", dialed_at__gte=timezone.now() - SENDING_WINDOW
        )
        .values("account_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=SENDING_PER_ACCOUNT)
        .values("account_id")
    )
    return _due_dials(None).exclude(account_id__in=sending)


# --- claiming --------------------------------------------------------------------------------------


def dial_due(limit: int = DRAIN_LIMIT) -> int:
    """Dial the tenant's queued calls that are due, one claim at a time; returns how many were taken."""
    from . import services

    taken = 0
    while taken < limit:
        ids, _ = claim_due(_claimable_dials(), "due_at", DIAL_LEASE, 1)
        if not ids:
            return taken
        try:
            services.dial(ids[0])
        except Exception as exc:  # a bug or a bad template must not hold the person and a line for ever
            logger.exception("Call %s could not be dialled.", ids[0])
            services.fail_undialled(ids[0], exc)
        taken += 1
    # More may be due: fresh messages, behind other work, for as many workers as there are calls (up to the fan-out).
    wake_dialers(current_tenant_id(), _due_dials(timezone.now()).count())
    return taken


def apply_due_effects(limit: int = DRAIN_LIMIT) -> int:
    """Apply the effects owed by the tenant's ended calls; returns how many calls were settled. A call whose
    effects fail stays owed (its claim ends with the lease) and the others go on."""
    ids, leased = claim_due(Call.objects.all(), "effects_due_at", EFFECTS_LEASE, limit)
    settled = sum(1 for call in Call.objects.filter(pk__in=ids).select_related("lead") if apply_effects(call, leased))
    if len(ids) == limit:
        wake_effects(current_tenant_id())
    return settled


def apply_effects(call: Call, owed_at: datetime) -> bool:
    """Apply one call's effects in one transaction with the row that says they are done (True), or leave
    them owed and log why (False): they are applied again once ``effects_due_at`` comes round."""
    from . import services

    try:
        with transaction.atomic():
            services.after_call(call)
            # Unless it was owed again meanwhile (its analysis came): then the next claim applies that.
            Call.objects.filter(pk=call.pk, effects_due_at=owed_at).update(effects_due_at=None)
    except Exception:
        logger.exception("The effects of call %s failed; they stay owed and are applied again.", call.pk)
        return False
    return True


# --- the sweeper ----------------------------------------------------------------------------------------


def settle_overdue(now: datetime, limit: int = SETTLE_LIMIT) -> int:
    """Settle up to ``limit`` of the tenant's live calls past their deadline, each claimed with a lease (two
    sweeps at once never ask about the same call): the provider is asked how it is (where it can be asked),
    and one it says nothing of is ended as ``NO_WORD``. A call that fails to settle is logged and tried
    again after the lease; the others go on."""
    from . import services

    ids, _ = claim_due(Call.objects.filter(status__in=LIVE), "due_at", SETTLE_LEASE, limit)
    settled = 0
    for call in Call.objects.filter(pk__in=ids).select_related("account"):
        try:
            if not _asked_provider(call, now):
                services.end_unheard(call, NO_WORD)
        except Exception:
            logger.exception("Call %s past its deadline could not be settled; tried again later.", call.pk)
            continue
        settled += 1
    return settled


def _asked_provider(call: Call, now: datetime) -> bool:
    """Ask the provider about an overdue call and apply what it says. True if that settled it for now: it
    ended, or the provider says it is still going (then it gets ``END_GRACE`` more, up to ``LONGEST_LIVE``)."""
    from voice.clients import CannotAsk, ProviderError, for_account

    from . import services

    if not call.provider_call_id or call.account is None:
        return False  # never confirmed by the provider: nothing to ask about
    try:
        events = for_account(call.account).fetch_call(call.provider_call_id)
    except (CannotAsk, ProviderError) as exc:
        logger.info("Could not ask about call %s: %s", call.pk, exc)
        return False
    for event in events:
        services.record_event(event, call.account)
    status = Call.objects.filter(pk=call.pk).values_list("status", flat=True).first()
    if status not in LIVE:
        return True
    if events and call.dialed_at is not None and now - call.dialed_at < LONGEST_LIVE:
        Call.objects.filter(pk=call.pk, status__in=LIVE).update(due_at=now + END_GRACE)
        return True
    return False


def owed(now: datetime) -> Q:
    """Calls with work due now: a dial, a deadline, effects."""
    return Q(due_at__lte=now) | Q(effects_due_at__lte=now)


def sweep_tenant(now: datetime) -> Counter:
    """Wake workers for what is owed first (cheap, and what matters most), then settle overdue calls."""
    report: Counter = Counter()
    dials = _due_dials(now).count()
    if dials:
        wake_dialers(current_tenant_id(), dials)
        report["dials_due"] = dials
    if Call.objects.filter(effects_due_at__lte=now).exists():
        wake_effects(current_tenant_id())
        report["effects_due"] = 1
    report["settled"] = settle_overdue(now)
    return +report


def sweep(now: datetime | None = None) -> Counter:
    """Beat: every tenant with calls owing work now; one tenant's failure is logged and the others go on."""
    now = now or timezone.now()
    report: Counter = Counter()
    for tenant_id in tenant_ids(Call.objects.unscoped().filter(owed(now))):
        try:
            with tenant_scope(tenant_id):
                report.update(sweep_tenant(now))
        except Exception:
            logger.exception("Sweeping the calls of tenant %s failed; the next sweep tries again.", tenant_id)
            report["failed_tenants"] += 1
    return report
