"""Calling-hours arithmetic: is a moment inside the window in every candidate zone, and if not, the
first moment that is.

A window is local wall-clock time (08:00–21:00 by default) in each zone the
called person might be in; holidays and (optionally) Sundays are closed. All
of it uses ``zoneinfo``, so daylight-saving changes move the UTC instants, not
the local window. Campaigns narrow the window further with their own weekday
windows (``weekdays``), never widen it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A narrower window for a weekday (0 = Monday): [(start, end), ...]; missing day = closed.
WeekdayWindows = dict[int, list[tuple[time, time]]]


@dataclass(frozen=True)
class Window:
    start: time
    end: time  # exclusive
    closed_days: frozenset[date] = frozenset()
    sundays: bool = True
    weekdays: WeekdayWindows | None = None  # a campaign's own windows, intersected with start–end

    def spans(self, day: date) -> list[tuple[time, time]]:
        """The open spans of a local day."""
        if day in self.closed_days or (not self.sundays and day.weekday() == 6):
            return []
        if self.weekdays is None:
            return [(self.start, self.end)]
        spans = []
        for start, end in self.weekdays.get(day.weekday(), []):
            start, end = max(start, self.start), min(end, self.end)
            if start < end:
                spans.append((start, end))
        return sorted(spans)


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _next_open_in_zone(moment: datetime, zone: str, window: Window, horizon_days: int = 370) -> datetime | None:
    """The first instant ≥ ``moment`` inside the window of one zone."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    for offset in range(horizon_days):
        day = local.date() + timedelta(days=offset)
        for start, end in window.spans(day):
            opens = datetime.combine(day, start, tzinfo=tz)
            closes = datetime.combine(day, end, tzinfo=tz)
            if offset == 0 and local >= closes:
                continue
            candidate = max(opens, moment) if offset == 0 else opens
            if candidate < closes:
                return candidate
    return None


# A rule to satisfy: a zone and the window that must be open there (a Window, or any object with the same
# ``spans(day)``, as the states' rules in calls.state_rules are).
Constraint = tuple[str, Window]


def inside(moment: datetime, constraints: list[Constraint]) -> bool:
    for zone, window in constraints:
        local = _local(moment, zone)
        if not any(start <= local.time() < end for start, end in window.spans(local.date())):
            return False
    return True


def next_allowed(moment: datetime, constraints: list[Constraint]) -> datetime | None:
    """The first instant ≥ ``moment`` at which every window is open in its zone (None if none within a year)."""
    candidate = moment
    for _ in range(100):
        moved = False
        for zone, window in constraints:
            opens = _next_open_in_zone(candidate, zone, window)
            if opens is None:
                return None
            if opens > candidate:
                candidate, moved = opens, True
        if not moved:
            return candidate
    return None
