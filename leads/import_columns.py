"""Which column of a spreadsheet means what, and how each messy value becomes a clean one.

Headers are matched after lower-casing and dropping everything but letters and
digits, so ``Phone Number``, ``phone_number`` and ``PHONE #`` are the same.
Columns that match nothing are kept in the lead's custom fields.
"""

import re
from datetime import date, datetime

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
    "created_at": [
        "created",
        "created at",
        "created_at",
        "date",
        "date created",
        "lead date",
        "signup date",
        "submitted",
        "submitted at",
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


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y", "%Y/%m/%d", "%b %d, %Y", "%d %b %Y")


def parse_date(value: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return datetime.fromisoformat(text).date() if len(text) > 10 else date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_TRUE = {"yes", "y", "true", "t", "1", "x", "opted in", "optedin", "agreed", "consented", "on"}
_FALSE = {"no", "n", "false", "f", "0", "", "opted out", "none", "off"}


def parse_consent(value: str) -> tuple[bool, date | None] | None:
    """(consented, when) — a date counts as yes on that day; None if unreadable."""
    text = value.strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    day = parse_date(value)
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
