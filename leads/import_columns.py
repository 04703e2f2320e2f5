"""Which column of a spreadsheet means what, and how each messy value becomes a clean one.

Headers are matched after lower-casing and dropping everything but letters and
digits, so ``Phone Number``, ``phone_number`` and ``PHONE #`` are the same.
Columns that match nothing are kept in the lead's custom fields.
"""

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from .models import Source
from .pipeline import DEFAULT_LABELS, Stage

IGNORE = "ignore"

FIELD_ALIASES: dict[str, list[str]] = {
    "first_name": ["first name", "firstname", "first_name", "given name", "forename", "first"],
    "last_name": ["last name", "lastname", "last_name", "surname", "family name", "last"],
    "full_name": ["name", "full name", "fullname", "contact name", "customer name", "contact"],
    "phone": [
        "phone",
        "mobile",
        "cell",
        "phone number",
        "mobile number",
        "cell phone",
        "telephone",
        "tel",
        "mobile phone",
        "phone #",
        "primary phone",
        "contact number",
    ],
    "email": ["email", "e-mail", "email address", "e-mail address", "mail"],
    "source": ["source", "lead source", "channel", "origin"],
    "notes": ["notes", "note", "comments", "comment", "remarks"],
    "interest": ["interest", "interested in", "interests", "goal", "looking for", "product"],
    # When the person arrived: the lead's creation date (imported history, never slow speed to lead).
    "created_at": [
        "created",
        "created at",
        "created_at",
        "created on",
        "created date",
        "creation date",
        "create date",
        "date",
        "date created",
        "date added",
        "added",
        "added on",
        "date entered",
        "entry date",
        "lead date",
        "lead created",
        "signup date",
        "sign up date",
        "signed up",
        "signed up on",
        "registration date",
        "registered",
        "registered on",
        "inquiry date",
        "enquiry date",
        "submitted",
        "submitted at",
        "submitted on",
        "submission date",
        "timestamp",
    ],
    "stage": ["stage", "status", "lead status", "pipeline stage"],
    "tags": ["tags", "tag", "labels", "segment"],
    "region": ["state", "region", "province"],
    "time_zone": ["time zone", "timezone", "tz"],
    "owner": ["owner", "assigned to", "salesperson", "rep", "advisor"],
    "consent": ["consent", "opt in", "opt-in", "optin", "sms consent", "call consent", "tcpa consent"],
    "vin": ["vin", "vehicle vin", "vin number"],
    "year": ["year", "model year", "vehicle year"],
    "make": ["make", "vehicle make", "brand"],
    "model": ["model", "vehicle model"],
    "mileage": ["mileage", "odometer", "miles", "kilometres", "km"],
    "last_service": ["last service", "last service date", "last serviced", "service date"],
}
VEHICLE_FIELDS = {"vin", "year", "make", "model", "mileage", "last_service"}
MAPPABLE = set(FIELD_ALIASES) | {IGNORE}


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


_ALIAS_INDEX = {header_key(alias): field for field, aliases in FIELD_ALIASES.items() for alias in aliases}


def map_headers(
    headers: list[str], explicit: dict[str, str] | None = None, *, vehicles: bool = True
) -> list[str | None]:
    """Field name per column (None: keep as a custom field). A field is taken by its first column only."""
    explicit = {header_key(k): v for k, v in (explicit or {}).items()}
    taken: set[str] = set()
    mapping: list[str | None] = []
    for header in headers:
        key = header_key(header)
        field = explicit.get(key, _ALIAS_INDEX.get(key))
        if field in VEHICLE_FIELDS and not vehicles:
            field = None
        if field is not None and field != IGNORE and field in taken:
            field = None
        if field is not None and field != IGNORE:
            taken.add(field)
        mapping.append(field)
    return mapping


# --- values ------------------------------------------------------------------

_SOURCE_ALIASES = {
    "webform": Source.WEB_FORM,
    "web": Source.WEB_FORM,
    "website": Source.WEB_FORM,
    "form": Source.WEB_FORM,
    "facebook": Source.FACEBOOK_LEAD_AD,
    "fb": Source.FACEBOOK_LEAD_AD,
    "facebookleadad": Source.FACEBOOK_LEAD_AD,
    "facebookads": Source.FACEBOOK_LEAD_AD,
    "meta": Source.FACEBOOK_LEAD_AD,
    "walkin": Source.WALK_IN,
    "walkins": Source.WALK_IN,
    "phone": Source.PHONE,
    "call": Source.PHONE,
    "phonecall": Source.PHONE,
    "inbound": Source.PHONE,
    "referral": Source.REFERRAL,
    "referred": Source.REFERRAL,
    "instagram": Source.INSTAGRAM,
    "ig": Source.INSTAGRAM,
    "googleads": Source.GOOGLE_ADS,
    "google": Source.GOOGLE_ADS,
    "adwords": Source.GOOGLE_ADS,
    "import": Source.IMPORT,
    "other": Source.OTHER,
}


def parse_source(value: str) -> str | None:
    return _SOURCE_ALIASES.get(header_key(value))


_STAGE_ALIASES = {header_key(key): key for key in Stage.values}
for _labels in DEFAULT_LABELS.values():
    _STAGE_ALIASES.update({header_key(label): key for key, label in _labels.items()})


def parse_stage(value: str) -> str | None:
    return _STAGE_ALIASES.get(header_key(value))


# --- dates ------------------------------------------------------------------------------
# Spreadsheets write dates every way. Year-first dates (2026-04-23, 2026/04/23) and dates with a month's
# name (Apr 23, 2026; 23 April 2026; 23-Apr-26) read the same everywhere. Dates of three numbers (04/05/2026)
# are read in the order of the tenant's (or branch's) country: month first in the United States and the
# few countries that write dates so, day first elsewhere; dots (05.04.2026) are always day first. A part
# over 12 can only be the day, whatever the order. A time may follow (14:32, 2:32 PM, T14:32:00Z).

MONTH_FIRST_REGIONS = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"})

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {"mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday"}
_WEEKDAYS |= {"fri", "friday", "sat", "saturday", "sun", "sunday"}
_TIME = re.compile(
    r"(?:^|[T\s,]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?\s*(z|utc|gmt|[+-]\d{2}:?\d{2})?$", re.I
)
_NUMERIC = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})$")


class Moment(NamedTuple):
    """A date as a spreadsheet wrote it: the day, the wall-clock time if one was written, and the offset from
    UTC if one was written too (otherwise the time is the business's local time)."""

    day: date
    clock: time | None = None
    offset: timedelta | None = None


def day_first_in(region: str) -> bool:
    """Whether a country writes 04/05/2026 for the 4th of May (most) or for April the 5th (the US, …)."""
    return (region or "US").upper() not in MONTH_FIRST_REGIONS


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:  # the POSIX rule of strptime's %y: 69-99 are the 1900s, 00-68 the 2000s
        year += 1900 if year >= 69 else 2000
    return year


def _offset(marker: str) -> timedelta | None:
    marker = marker.lower().replace(":", "")
    if not marker:
        return None
    if marker in ("z", "utc", "gmt"):
        return timedelta(0)
    sign = -1 if marker[0] == "-" else 1
    return sign * timedelta(hours=int(marker[1:3]), minutes=int(marker[3:5]))


def _split_time(text: str) -> tuple[str, time | None, timedelta | None]:
    """The date part, and the time written after it (if any) with its offset (if any)."""
    found = _TIME.search(text)
    if found is None:
        return text, None, None
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    meridiem = (found[4] or "").replace(".", "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError("not a time")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return text[: found.start()].strip(" ,"), time(hour, minute, second), _offset(found[5] or "")


def _numeric_date(text: str, day_first: bool) -> date | None:
    found = _NUMERIC.match(text)
    if found is None:
        return None
    first, separator, middle, last = found[1], found[2], found[3], found[4]
    if len(first) == 4:  # 2026/04/23: year first, everywhere
        return date(int(first), int(middle), int(last)) if len(last) <= 2 else None
    if len(first) > 2 or len(last) not in (2, 4):
        return None
    a, b = int(first), int(middle)
    if separator == "." or a > 12:
        day_first = True  # 23.04.2026, 23/04/2026: only the day can be over 12
    elif b > 12:
        day_first = False
    day, month = (a, b) if day_first else (b, a)
    return date(_year(last), month, day)


def _named_month_date(text: str) -> date | None:
    """Apr 23, 2026 · 23 April 2026 · 23-Apr-26 · Thursday, April 23rd, 2026 · 2026 Apr 23."""
    words = [re.sub(r"^(\d{1,2})(st|nd|rd|th)$", r"\1", w) for w in re.split(r"[\s,\-/.]+", text.lower()) if w]
    words = [w for w in words if w not in _WEEKDAYS]
    months = [w for w in words if w in _MONTHS]
    numbers = [w for w in words if w.isdigit()]
    if len(words) != 3 or len(months) != 1 or len(numbers) != 2:
        return None
    if len(numbers[0]) == 4:
        numbers.reverse()  # the year came first
    day, year = numbers
    if len(day) > 2 or len(year) not in (2, 4):
        return None
    return date(_year(year), _MONTHS[months[0]], int(day))


def parse_moment(value: str, *, day_first: bool = False) -> Moment | None:
    """What a date cell says (``Moment``), or None if it is not a date."""
    text = value.strip()
    if not text or len(text) > 60:
        return None
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":  # ISO 8601, with a time or without
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            clock = moment.time().replace(microsecond=0) if len(text) > 10 else None
            return Moment(moment.date(), clock, moment.utcoffset())
    try:
        rest, clock, offset = _split_time(text)
        day = _numeric_date(rest, day_first) or _named_month_date(rest)
    except ValueError:  # a month 13, the 31st of April, 25 o'clock
        return None
    return Moment(day, clock, offset) if day else None


def parse_date(value: str, *, day_first: bool = False) -> date | None:
    found = parse_moment(value, day_first=day_first)
    return found.day if found else None


_TRUE = {"yes", "y", "true", "t", "1", "x", "opted in", "optedin", "agreed", "consented", "on"}
_FALSE = {"no", "n", "false", "f", "0", "", "opted out", "none", "off"}


def parse_consent(value: str, *, day_first: bool = False) -> tuple[bool, date | None] | None:
    """(consented, when) — a date counts as yes on that day; None if unreadable."""
    text = value.strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    day = parse_date(value, day_first=day_first)
    return (True, day) if day else None


def parse_int(value: str, low: int, high: int) -> int | None:
    text = value.strip().replace(",", "").replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        return None
    number = int(text)
    return number if low <= number <= high else None


def split_tags(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|]", value) if part.strip()]
