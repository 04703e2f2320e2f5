"""The suite's clock: the one "now" every test builds its dates from.

Tests never write a date down. They ask this module for today, for the Monday of next week, for a moment
at a wall-clock time in a time zone, or for the days a zone switches to and from daylight saving in the
clock's year, so a test means the same thing whatever day the suite runs on.

``TEST_CLOCK_SHIFT_DAYS=N`` (an int, default 0) moves the whole process N days ahead from the moment this
module is imported, and lets time tick on from there: ``datetime.now``, ``timezone.now`` and ``time.time``
all report the shifted time. ``tests/conftest.py`` imports this module before anything else, so the shift
is in force before any factory or test module computes a date; each pytest-xdist worker imports that
conftest, so each worker is shifted. Tests that travel (``time_machine``) travel from the shifted time, to
moments derived from it. Try ``365`` (another year), ``400`` (another weekday) and ``183`` (the other half
of the daylight-saving year).
"""

import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

SHIFT_DAYS = int(os.environ.get("TEST_CLOCK_SHIFT_DAYS") or 0)
if SHIFT_DAYS:
    time_machine.travel(datetime.now(UTC) + timedelta(days=SHIFT_DAYS), tick=True).start()

NEW_YORK = "America/New_York"
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


def now() -> datetime:
    """This moment, aware UTC (shifted, and wherever a test travelled to)."""
    return datetime.now(UTC)


def today(zone: str = "UTC") -> date:
    """Today's date on the wall clocks of ``zone``."""
    return now().astimezone(ZoneInfo(zone)).date()


def next_weekday(weekday: int, weeks_ahead: int = 0, after: date | None = None) -> date:
    """The first ``weekday`` (0 is Monday) after ``after`` (default: today), then ``weeks_ahead`` weeks on."""
    after = after or today()
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1 + 7 * weeks_ahead)


def monday_of_next_week() -> date:
    """The Monday of next week: always in the future, one to seven days away."""
    return next_weekday(MONDAY)


def local(day: date, hour: int, minute: int = 0, second: int = 0, zone: str = NEW_YORK) -> datetime:
    """``hour:minute:second`` on ``day`` on the wall clocks of ``zone``, aware in ``zone`` (with its offset)."""
    return datetime.combine(day, time(hour, minute, second), ZoneInfo(zone))


def moment(day: date, hour: int, minute: int = 0, second: int = 0, zone: str = NEW_YORK) -> datetime:
    """``hour:minute:second`` on ``day`` on the wall clocks of ``zone``, as an aware UTC datetime."""
    return local(day, hour, minute, second, zone).astimezone(UTC)


def dst_switches(year: int | None = None, zone: str = NEW_YORK) -> tuple[date, date]:
    """The days ``zone`` springs forward and falls back in ``year`` (default: the clock's year)."""
    year = year or today().year
    zone_info = ZoneInfo(zone)

    def offset(day: date) -> timedelta:
        return datetime.combine(day, time(12), zone_info).utcoffset()

    new_year = date(year, 1, 1)
    days = [new_year + timedelta(days=n) for n in range(1, (date(year + 1, 1, 1) - new_year).days)]
    spring = next(day for day in days if offset(day) > offset(day - timedelta(days=1)))
    autumn = next(day for day in days if offset(day) < offset(day - timedelta(days=1)))
    return spring, autumn
