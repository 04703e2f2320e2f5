"""The states' calling-hours rules as data, each with its source, status and dates (docs/compliance.md#state-rules).

A row is one rule of one state: the hours by weekday in which a call may start (local time of the called
person), the days it bans (every Sunday, the state's holidays), which calls it binds (marketing only, or every
AI call, as the states' automatic dialing-announcing device laws do), whether prior express consent lifts it,
and the day it came into force (and, where known, ended). The gate (calls.compliance) applies every row in
force on the day of the call for every state the person may be in (their number's area code and their
address) in every zone they may be in; the strictest wins because all of them must be open at once. A
tenant's own policy can only narrow further (calls.legal).

A new rule is one row here plus its edge tests (tests/calls/test_state_rules.py); the docs table is checked
against these rows, so they cannot drift apart.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, time

from .holidays import FEDERAL, STATE_HOLIDAYS, is_holiday

Span = tuple[time, time]
MARKETING, ALL_CALLS = "marketing", "all"
CONFIRMED, SECONDARY, UNCONFIRMED = "confirmed", "secondary", "unconfirmed"
# codes a row defers with (calls.decisions.Reason)
CALLING_HOURS, ADAD_WINDOW, STATE_DAY_BAN = "calling_hours", "adad_window", "state_day_ban"


def hours(start: int, end: int, start_minute: int = 0) -> Span:
    return (time(start, start_minute), time(end, 0))


def week(weekdays: Span | None, saturday: Span | None = None, sunday: Span | None = None, *, same=True):
    """Monday to Sunday; ``same``: Saturday and Sunday as the weekdays unless given (None closes a day)."""
    if same:
        saturday = weekdays if saturday is None else saturday
        sunday = weekdays if sunday is None else sunday
    return (weekdays,) * 5 + (saturday, sunday)


def no_sunday(span: Span):
    return week(span, span, None, same=False)


@dataclass(frozen=True)
class StateRule:
    id: str
    region: str
    says: str  # the rule in words, as staff read it
    week: tuple[Span | None, ...]  # Monday .. Sunday; None: no calls that day
    effective: date
    source: str
    status: str
    scope: str = MARKETING
    code: str = CALLING_HOURS
    holidays: tuple[str, ...] = ()  # calls.holidays names: banned whole days
    holiday_span: Span | None = None  # on a holiday, calls only in this span (instead of a ban)
    lifted_by_consent: bool = False
    ends: date | None = None

    def in_force(self, day: date) -> bool:
        return self.effective <= day and (self.ends is None or day < self.ends)

    def spans(self, day: date) -> list[Span]:
        """The spans of a local day in which this rule lets a call start (all day when it is not in force)."""
        if not self.in_force(day):
            return [(time(0), time(23, 59, 59, 999999))]
        if self.holidays and is_holiday(self.holidays, day):
            return [self.holiday_span] if self.holiday_span else []
        span = self.week[day.weekday()]
        return [span] if span else []

    def binds(self, *, is_marketing: bool, has_consent: bool) -> bool:
        if self.lifted_by_consent and has_consent:
            return False
        return self.scope == ALL_CALLS or is_marketing


def _rule(region, says, week_, effective, source, status, **extra) -> StateRule:
    return StateRule(f"{region}-{extra.pop('kind', 'hours')}", region, says, week_, effective, source, status, **extra)


def _adad(region, says, week_, source, status) -> StateRule:
    """A state's automatic dialing-announcing device law: it binds every AI call, whatever its purpose."""
    return _rule(region, says, week_, LONG_AGO, source, status, scope=ALL_CALLS, code=ADAD_WINDOW, kind="adad")


# Effective dates: the statute's date where the reference gives one; otherwise 2000-01-01, meaning "in force
# before anything this product does" (the docs say which rows carry that placeholder).
LONG_AGO = date(2000, 1, 1)

RULES: tuple[StateRule, ...] = (
    _rule(
        "AL",
        "Alabama: automated solicitation calls Monday–Saturday 08:00–20:00; none on Sundays or state holidays",
        no_sunday(hours(8, 20)),
        LONG_AGO,
        "Ala. Admin. Code r. 770-X-5-.17; holidays Ala. Code 1-3-8",
        SECONDARY,
        holidays=STATE_HOLIDAYS["AL"],
    ),
    _adad(
        "CA",
        "California: automatic dialing-announcing calls (every AI call) 09:00–21:00",
        week(hours(9, 21)),
        "Cal. Pub. Util. Code 2872(c)",
        CONFIRMED,
    ),
    _rule(
        "CT",
        "Connecticut: 09:00–20:00 every day",
        week(hours(9, 20)),
        date(2023, 10, 1),
        "Conn. Gen. Stat. 42-288a (PA 23-98)",
        SECONDARY,
    ),
    _rule(
        "FL",
        "Florida: 08:00–20:00 every day",
        week(hours(8, 20)),
        date(2021, 7, 1),
        "Fla. Stat. 501.616(6)(a) (SB 1120)",
        CONFIRMED,
    ),
    _rule(
        "IL",
        "Illinois: prerecorded and autodialed calls 09:00–21:00",
        week(hours(9, 21)),
        LONG_AGO,
        "815 ILCS 305 (third-party chart)",
        UNCONFIRMED,
    ),
    _rule(
        "KY",
        "Kentucky: solicitation calls 10:00–21:00",
        week(hours(10, 21)),
        LONG_AGO,
        "KRS 367.461 and charts (10:00 start)",
        UNCONFIRMED,
    ),
    _adad(
        "KY",
        "Kentucky: automated calling equipment (every AI call) 08:00–21:00",
        week(hours(8, 21)),
        "KRS 367.461",
        CONFIRMED,
    ),
    _rule(
        "LA",
        "Louisiana: Monday–Saturday 08:00–20:00; none on Sundays or the LPSC's holidays",
        no_sunday(hours(8, 20)),
        LONG_AGO,
        "La. R.S. 45:844.14; LPSC do-not-call orders",
        SECONDARY,
        holidays=STATE_HOLIDAYS["LA"],
    ),
    _rule("MA", "Massachusetts: 08:00–20:00", week(hours(8, 20)), LONG_AGO, "201 CMR 12.02(2)", CONFIRMED),
    _rule(
        "MD",
        "Maryland: 08:00–20:00",
        week(hours(8, 20)),
        date(2024, 1, 1),
        "Md. Com. Law 14-4502 (Stop the Spam Calls Act, SB 90)",
        SECONDARY,
    ),
    _rule(
        "ME",
        "Maine: automated calling devices on weekdays 09:00–17:00 only",
        week(hours(9, 17), None, None, same=False),
        LONG_AGO,
        "10 M.R.S. 1498(3)",
        SECONDARY,
    ),
    _rule("MI", "Michigan: 09:00–21:00", week(hours(9, 21)), LONG_AGO, "charts (statute not found)", UNCONFIRMED),
    _adad(
        "MN",
        "Minnesota: automatic dialing-announcing devices (every AI call) 09:00–21:00",
        week(hours(9, 21)),
        "Minn. Stat. 325E.27 (hours from charts)",
        UNCONFIRMED,
    ),
    _rule(
        "MS",
        "Mississippi: Monday–Saturday 08:00–20:00; none on Sundays",
        no_sunday(hours(8, 20)),
        LONG_AGO,
        "Miss. Code 77-3-723",
        CONFIRMED,
    ),
    _rule(
        "NE",
        "Nebraska: prerecorded messages 08:00–21:00; on Sundays and holidays 13:00–21:00 only",
        week(hours(8, 21), hours(8, 21), hours(13, 21)),
        LONG_AGO,
        "Neb. Admin. Code Tit. 291 Ch. 11 §3",
        SECONDARY,
        holidays=FEDERAL,
        holiday_span=hours(13, 21),
    ),
    _rule(
        "NV",
        "Nevada: solicitation calls 09:00–20:00",
        week(hours(9, 20)),
        LONG_AGO,
        "NRS 228 (20:00 end from charts)",
        UNCONFIRMED,
    ),
    _adad(
        "NV",
        "Nevada: automatic dialing-announcing devices (every AI call) 09:00–21:00",
        week(hours(9, 21)),
        "NRS 597.814",
        CONFIRMED,
    ),
    _rule("NJ", "New Jersey: 08:00–21:00", week(hours(8, 21)), LONG_AGO, "N.J.S.A. 56:8-128(d)", CONFIRMED),
    _rule("NM", "New Mexico: 09:00–21:00", week(hours(9, 21)), LONG_AGO, "NMSA 57-12-22(B)(5)", CONFIRMED),
    _rule("NY", "New York: 08:00–21:00", week(hours(8, 21)), LONG_AGO, "N.Y. GBL 399-z(2)", CONFIRMED),
    _rule(
        "OK",
        "Oklahoma: commercial solicitation 08:00–20:00",
        week(hours(8, 20)),
        date(2022, 11, 1),
        "15 O.S. 775C (HB 3168)",
        CONFIRMED,
    ),
    _adad(
        "OK",
        "Oklahoma: automatic dialing-announcing devices (every AI call) 09:00–21:00",
        week(hours(9, 21)),
        "15 O.S. 755.1",
        CONFIRMED,
    ),
    _rule(
        "PA",
        "Pennsylvania: 08:00–21:00; none on legal holidays",
        week(hours(8, 21)),
        date(2019, 12, 3),
        "73 P.S. 2245.2 (Act 73 of 2019); hours from charts",
        SECONDARY,
        holidays=STATE_HOLIDAYS["PA"],
    ),
    _rule(
        "RI",
        "Rhode Island: weekdays 09:00–18:00, Saturdays 10:00–17:00; none on Sundays or holidays",
        week(hours(9, 18), hours(10, 17), None, same=False),
        LONG_AGO,
        "R.I. Gen. Laws 5-61-2(2), 5-61-3.6",
        CONFIRMED,
        holidays=STATE_HOLIDAYS["RI"],
    ),
    _rule(
        "SC",
        "South Carolina: solicitation calls 08:00–21:00",
        week(hours(8, 21)),
        LONG_AGO,
        "S.C. Code 37-21-30",
        SECONDARY,
    ),
    _adad(
        "SC",
        "South Carolina: automatic dialing-announcing devices (every AI call) 08:00–19:00",
        week(hours(8, 19)),
        "S.C. Code 16-17-446",
        CONFIRMED,
    ),
    _rule(
        "SD",
        "South Dakota: automated dialing solicitations on weekdays 09:00–21:00 only",
        week(hours(9, 21), None, None, same=False),
        LONG_AGO,
        "SDCL 37-30-28",
        CONFIRMED,
    ),
    _rule(
        "TX",
        "Texas: Monday–Saturday 09:00–21:00, Sundays 12:00–21:00",
        week(hours(9, 21), hours(9, 21), hours(12, 21)),
        LONG_AGO,
        "Tex. Bus. & Com. Code 301.051",
        SECONDARY,
    ),
    _rule(
        "UT",
        "Utah: without prior express consent, 08:00–21:00; none on Sundays or legal holidays",
        no_sunday(hours(8, 21)),
        LONG_AGO,
        "Utah Code 13-25a-103(3)",
        CONFIRMED,
        holidays=STATE_HOLIDAYS["UT"],
        lifted_by_consent=True,
    ),
    _rule(
        "VA",
        "Virginia: without prior consent, 08:00–21:00",
        week(hours(8, 21)),
        LONG_AGO,
        "Va. Code 59.1-511",
        CONFIRMED,
        lifted_by_consent=True,
    ),
    _rule("WA", "Washington: 08:00–20:00", week(hours(8, 20)), LONG_AGO, "RCW 19.158.040(2)", CONFIRMED),
    _rule("WY", "Wyoming: 08:00–20:00", week(hours(8, 20)), LONG_AGO, "third-party chart only", UNCONFIRMED),
)


@dataclass(frozen=True)
class StateCap:
    """A state's rolling cap on automated solicitation calls to one number."""

    id: str
    region: str
    says: str
    calls: int
    hours: int
    effective: date
    source: str
    status: str


CAPS: tuple[StateCap, ...] = (
    StateCap(
        "ME-cap",
        "ME",
        "Maine: at most one automated solicitation call to a number in any 8 hours",
        1,
        8,
        LONG_AGO,
        "10 M.R.S. 1498(3)",
        SECONDARY,
    ),
)


@dataclass(frozen=True)
class StateBan:
    """A state's ban that is not about hours: on a second automated call after a hang-up, or on solicitation
    during a declared state of emergency (the emergencies themselves: calls.models.StateEmergency)."""

    id: str
    region: str
    says: str
    scope: str
    effective: date
    source: str
    status: str


REPEAT_AFTER_HANGUP = StateBan(
    "NV-hangup",
    "NV",
    "Nevada: no second automated call to a number whose owner hung up on the first",
    ALL_CALLS,
    LONG_AGO,
    "NRS 597.814",
    CONFIRMED,
)
EMERGENCY = StateBan(
    "LA-emergency",
    "LA",
    "Louisiana: no solicitation calls during a declared state of emergency",
    MARKETING,
    LONG_AGO,
    "La. R.S. 45:844.31; LPSC do-not-call emergency orders",
    SECONDARY,
)
BANS: tuple[StateBan, ...] = (REPEAT_AFTER_HANGUP, EMERGENCY)

BY_ID: dict[str, StateRule | StateCap | StateBan] = {row.id: row for row in (*RULES, *CAPS, *BANS)}
BY_REGION: dict[str, tuple[StateRule, ...]] = {}
for _row in RULES:
    BY_REGION[_row.region] = (*BY_REGION.get(_row.region, ()), _row)


def version() -> str:
    """The rule set's version: a digest of every row, recorded with each decision."""
    return hashlib.sha256(repr((RULES, CAPS, BANS)).encode()).hexdigest()[:12]


VERSION = version()


def caps_binding(regions, *, is_marketing: bool) -> list[StateCap]:
    """The caps of these states on this call (they count solicitations: marketing calls only)."""
    wanted = {r.upper() for r in regions if r}
    return [cap for cap in CAPS if is_marketing and cap.region in wanted]


def binding(regions, *, is_marketing: bool, has_consent: bool) -> list[StateRule]:
    """The rows of these states that bind this call (whether each is in force is asked per local day)."""
    return [
        row
        for region in dict.fromkeys(r.upper() for r in regions if r)
        for row in BY_REGION.get(region, ())
        if row.binds(is_marketing=is_marketing, has_consent=has_consent)
    ]
