"""Calls rolled up per local day, so the dashboard reads a few thousand rows instead of every call.

``ensure(days, zone)`` makes the tenant's rollup rows of those days current: a day that is missing,
stale (a call of it changed: ``mark_changed``), rolled in another zone or layout, or open (today, or a call on
the line) is rolled again from the calls, under a lock on its state row. ``mark_changed`` bumps the
day's version after the commit; a roll that read the calls before that bump keeps the old version, so
the day is rolled again at the next read. The figures are the same as from the calls themselves
(tests/analytics/test_rollups.py compares them).

A call belongs to the local day it was dialled. For the peak, a call still on the line at midnight
counts in the next day too, but no further: a call left open for days (a lost webhook) would
otherwise hold every day after it. ``peak_of_calls`` applies the same rule to calls read directly.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.idsets import pack
from tenants.scoping import current_tenant_id

from .models import CONVERSATION_OUTCOMES, Call, CallDayScope, CallDayState, CallDayTotal, PeakScope

# The layout of the rollup rows; raise it when they change (e.g. how lead ids are packed): every day
# rolled in another layout is rolled again when next read. 1: lead ids as roaring bitmaps.
LAYOUT = 1
OPEN_DAY_SECONDS = 60  # how long a roll of a day not over yet is trusted without a change marked
DIMENSIONS = {PeakScope.BRANCH: "branch_id", PeakScope.CAMPAIGN: "campaign_id", PeakScope.AGENT: "agent_id"}


def day_window(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The day's first moment and the next day's first moment, local (DST-safe)."""
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


# --- staleness -----------------------------------------------------------------------------------


def mark_changed(tenant_id: int | None, *moments: datetime | None) -> None:
    """After the commit, make stale the days a call dialled/ended at these moments belongs to (the UTC
    days either side as well: that covers every zone)."""
    utc_days = [m.astimezone(UTC).date() for m in moments if m is not None]
    if tenant_id is None or not utc_days:
        return
    first, last = min(utc_days) - timedelta(days=1), max(utc_days) + timedelta(days=1)
    transaction.on_commit(lambda: bump_days(tenant_id, first, last))


def bump_days(tenant_id: int, first: date, last: date) -> None:
    """Move the version of the tenant's days ``first`` to ``last`` on: they are rolled again when read."""
    CallDayState.all_tenants.filter(tenant_id=tenant_id, day__gte=first, day__lte=last).update(version=F("version") + 1)


def forget() -> int:
    """Drop the tenant in scope's rollups (they are made again when next read). Returns the days."""
    CallDayTotal.objects.all().delete()
    CallDayScope.objects.all().delete()
    return CallDayState.objects.all().delete()[0]


def _current(state: CallDayState | None, zone: str, now: datetime) -> bool:
    """Rolled in this zone at the day's version; if it was rolled before the day was over, recently.
    (A call on the line when it was rolled cannot raise the peak later: only a new dial can, which
    marks the day.)"""
    if (
        state is None
        or state.zone != zone
        or state.rolled_layout != LAYOUT
        or state.rolled_version != state.version
        or state.rolled_at is None
    ):
        return False
    day_end = day_window(state.day, ZoneInfo(zone))[1]
    return state.rolled_at >= day_end or (now - state.rolled_at).total_seconds() < OPEN_DAY_SECONDS


# --- rolling ---------------------------------------------------------------------------------------


def ensure(days, zone: str, now: datetime | None = None) -> None:
    """Make the rollup rows of the tenant in scope current for ``days`` (dates in ``zone``)."""
    days = sorted(set(days))
    if not days:
        return
    now = now or timezone.now()
    states = {s.day: s for s in CallDayState.objects.filter(day__gte=days[0], day__lte=days[-1])}
    todo = [day for day in days if not _current(states.get(day), zone, now)]
    if not todo:
        return
    tenant_id = current_tenant_id()
    CallDayState.objects.bulk_create(
        [CallDayState(tenant_id=tenant_id, day=day, zone=zone) for day in todo if day not in states],
        ignore_conflicts=True,
    )
    with transaction.atomic():
        # Locked in day order (as bump_days updates them): a change committed meanwhile waits for this roll.
        locked = list(CallDayState.objects.select_for_update().filter(day__in=todo).order_by("day"))
        stale = [state for state in locked if not _current(state, zone, now)]
        for run in _runs(stale):
            _roll(tenant_id, run, zone, now)


def _runs(states: list[CallDayState]) -> list[list[CallDayState]]:
    """Consecutive days together (one read of the calls each)."""
    runs: list[list[CallDayState]] = []
    for state in states:
        if runs and runs[-1][-1].day + timedelta(days=1) == state.day:
            runs[-1].append(state)
        else:
            runs.append([state])
    return runs


def _roll(tenant_id: int, states: list[CallDayState], zone: str, now: datetime) -> None:
    tz = ZoneInfo(zone)
    days = [state.day for state in states]
    windows = [day_window(day, tz) for day in days]
    start, end = windows[0][0], windows[-1][1]
    calls = (
        # The run's calls, and those of the day before still on the line when it began.
        Call.objects.filter(dialed_at__gte=day_window(days[0] - timedelta(days=1), tz)[0], dialed_at__lt=end)
        .filter(Q(dialed_at__gte=start) | Q(ended_at__gt=start) | Q(ended_at__isnull=True))
        .order_by()
        .values_list(
            "dialed_at",
            "ended_at",
            "lead_id",
            "branch_id",
            "campaign_id",
            "agent_id",
            "outcome",
            "duration_seconds",
            "cost",
        )
    )
    totals = [defaultdict(lambda: [0, 0, Decimal("0"), 0]) for _ in days]
    moments = [[] for _ in days]  # per day: (time, +1 or -1, the scopes of the call)
    worked = [defaultdict(set) for _ in days]  # per day: {scope: lead ids}
    reached = [defaultdict(set) for _ in days]
    for dialed_at, ended_at, lead_id, branch_id, campaign_id, agent_id, outcome, duration, cost in calls:
        local = dialed_at.astimezone(tz)
        dialled_on = (local.date() - days[0]).days  # -1: the day before the run
        scopes = _scopes(branch_id, campaign_id, agent_id)
        if dialled_on >= 0:
            cell = totals[dialled_on][(branch_id, campaign_id, agent_id, outcome)]
            cell[0] += 1
            cell[1] += duration
            cell[2] += cost
            cell[3] |= 1 << local.hour
            if lead_id is not None:
                for scope in scopes:
                    worked[dialled_on][scope].add(lead_id)
                    if outcome in CONVERSATION_OUTCOMES:
                        reached[dialled_on][scope].add(lead_id)
        finish = ended_at or now
        for index in range(max(dialled_on, 0), min(dialled_on + 2, len(days))):  # its day and the next
            if windows[index][0] < finish:
                moments[index] += [(max(dialed_at, windows[index][0]), 1, scopes), (finish, -1, scopes)]
    CallDayTotal.objects.filter(day__in=days).delete()
    CallDayScope.objects.filter(day__in=days).delete()
    CallDayTotal.objects.bulk_create(
        [
            CallDayTotal(
                tenant_id=tenant_id,
                day=day,
                branch_id=branch_id,
                campaign_id=campaign_id,
                agent_id=agent_id,
                outcome=outcome,
                calls=n,
                talk_seconds=talk,
                cost=cost,
                hours=hours,
            )
            for day, cells in zip(days, totals, strict=True)
            for (branch_id, campaign_id, agent_id, outcome), (n, talk, cost, hours) in cells.items()
        ],
        batch_size=2000,
    )
    scopes = []
    for i, day in enumerate(days):
        peaks = sweep(moments[i])
        scopes += [
            CallDayScope(
                tenant_id=tenant_id,
                day=day,
                scope=scope,
                scope_id=scope_id,
                peak=peaks.get((scope, scope_id), 0),
                leads_worked=pack(worked[i].get((scope, scope_id), ())),
                leads_reached=pack(reached[i].get((scope, scope_id), ())),
            )
            for scope, scope_id in peaks.keys() | worked[i].keys()
        ]
    CallDayScope.objects.bulk_create(scopes, batch_size=2000)
    for state in states:
        state.zone, state.rolled_version, state.rolled_at, state.rolled_layout = zone, state.version, now, LAYOUT
    CallDayState.objects.bulk_update(states, ["zone", "rolled_version", "rolled_at", "rolled_layout"])


def _scopes(branch_id, campaign_id, agent_id) -> tuple:
    ids = (branch_id, campaign_id, agent_id)
    return ((PeakScope.ALL, 0), *((scope, n) for scope, n in zip(DIMENSIONS, ids, strict=True) if n is not None))


def sweep(events) -> dict:
    """The most calls on the line at once per scope, from (time, +1/-1, scopes) events. A call that
    ends as another starts does not overlap it (ends sort first)."""
    level: dict = defaultdict(int)
    peak: dict = defaultdict(int)
    for _, delta, scopes in sorted(events, key=lambda event: (event[0], event[1])):
        for scope in scopes:
            level[scope] += delta
            if level[scope] > peak[scope]:
                peak[scope] = level[scope]
    return dict(peak)


def peak_of_calls(calls, first: date, last: date, tz: ZoneInfo, now: datetime) -> int:
    """The most calls on the line at once during the local days ``first`` to ``last``, from
    (dialed_at, ended_at) pairs of calls dialled from the day before ``first``: the rolled-up peak's
    rule (a call counts on its day and the next) applied to calls read directly."""
    start, end = day_window(first, tz)[0], day_window(last, tz)[1]
    everyone = ((PeakScope.ALL, 0),)
    events = []
    for dialed_at, ended_at in calls:
        finish = min(ended_at or now, day_window(dialed_at.astimezone(tz).date() + timedelta(days=1), tz)[1])
        if dialed_at < end and finish > start:
            events += [(max(dialed_at, start), 1, everyone), (finish, -1, everyone)]
    return sweep(events).get(everyone[0], 0)


# --- reading ---------------------------------------------------------------------------------------


def hours_by(rows, *keys: str) -> dict[tuple, int]:
    """The local hours with a call (bit masks OR-ed) per ``keys`` + day, from CallDayTotal rows."""
    grouping = [*keys, "day"]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import BitOr

        found = rows.order_by().values(*grouping).annotate(mask=BitOr("hours"))
        return {tuple(row[k] for k in grouping): row["mask"] for row in found}
    masks: dict[tuple, int] = defaultdict(int)
    for row in rows.order_by().values(*grouping, "hours"):
        masks[tuple(row[k] for k in grouping)] |= row["hours"]
    return dict(masks)
