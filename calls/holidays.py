"""The holidays on which some states ban marketing calls, computed for any year (docs/compliance.md#banned-days).

Each holiday is a rule ("the third Monday of January"), never a stored date, so the table stays true in every
year. A fixed-date holiday that falls on a weekend is banned on the day itself and on its observed weekday (the
Friday before a Saturday, the Monday after a Sunday): states differ on observance, so both are closed.
"""

from collections.abc import Callable
from datetime import date, timedelta
from functools import cache


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (0 = Monday) of a month; n = -1 is the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return date(year, month, (h + ell - 7 * m + 114) % 31 + 1)


def _fixed(month: int, day: int) -> Callable[[int], list[date]]:
    def days(year: int) -> list[date]:
        actual = date(year, month, day)
        if actual.weekday() == 5:
            return [actual, actual - timedelta(days=1)]
        if actual.weekday() == 6:
            return [actual, actual + timedelta(days=1)]
        return [actual]

    return days


def _nth(month: int, weekday: int, n: int) -> Callable[[int], list[date]]:
    return lambda year: [_nth_weekday(year, month, weekday, n)]


MON, TUE, THU = 0, 1, 3

HOLIDAYS: dict[str, Callable[[int], list[date]]] = {
    "new_year": _fixed(1, 1),
    "mlk": _nth(1, MON, 3),
    "presidents": _nth(2, MON, 3),
    "mardi_gras": lambda year: [easter(year) - timedelta(days=47)],
    "good_friday": lambda year: [easter(year) - timedelta(days=2)],
    "confederate_memorial": _nth(4, MON, 4),
    "memorial": _nth(5, MON, -1),
    "jefferson_davis": _nth(6, MON, 1),
    "flag_day": _fixed(6, 14),
    "juneteenth": _fixed(6, 19),
    "independence": _fixed(7, 4),
    "pioneer": _fixed(7, 24),
    "victory": _nth(8, MON, 2),
    "labor": _nth(9, MON, 1),
    "columbus": _nth(10, MON, 2),
    "election": lambda year: [_nth_weekday(year, 11, MON, 1) + timedelta(days=1)],  # the Tuesday after the 1st Monday
    "veterans": _fixed(11, 11),
    "thanksgiving": _nth(11, THU, 4),
    "day_after_thanksgiving": lambda year: [_nth_weekday(year, 11, THU, 4) + timedelta(days=1)],
    "rosa_parks": _fixed(12, 1),
    "christmas": _fixed(12, 25),
}


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEDERAL = _names(
    "new_year mlk presidents memorial juneteenth independence labor columbus veterans thanksgiving christmas"
)

# Each state's holiday list, as the reference tables give them (docs/compliance.md#banned-days).
STATE_HOLIDAYS: dict[str, tuple[str, ...]] = {
    "AL": _names(
        "new_year mlk presidents mardi_gras confederate_memorial memorial jefferson_davis juneteenth independence "
        "labor columbus veterans thanksgiving rosa_parks christmas"
    ),
    "LA": _names(
        "new_year mlk mardi_gras good_friday memorial independence labor thanksgiving day_after_thanksgiving christmas"
    ),
    "PA": _names(
        "new_year mlk presidents good_friday memorial flag_day independence labor columbus election veterans "
        "thanksgiving christmas"
    ),
    "RI": (*FEDERAL, "victory"),
    "UT": (*FEDERAL, "pioneer"),
}


@cache
def days_of(names: tuple[str, ...], year: int) -> frozenset[date]:
    return frozenset(day for name in names for day in HOLIDAYS[name](year))


def is_holiday(names: tuple[str, ...], day: date) -> bool:
    """Whether ``day`` is one of the named holidays (or its observed weekday). A holiday observed across New
    Year (1 January on a Saturday is observed on 31 December) is looked up in both years."""
    return day in days_of(names, day.year) or (day.month == 12 and day in days_of(names, day.year + 1))
