"""Phone numbers: any human format in, E.164 out; which country a lead's number is read in when it
has no country code (``default_region``, the one rule for every door); and what a number says about
where its owner is.

``normalize`` is on the import's hot path (100,000 rows), so North American
numbers take a fast path: the digits are checked once per ``+1 NPA NXX``
prefix with ``phonenumbers`` and remembered, since NANP validity is decided by
the area code and exchange. Everything else goes through ``phonenumbers``.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import geocoder
from phonenumbers import timezone as number_timezone

NANP_REGIONS = {"US", "CA", "PR", "GU", "VI", "AS", "MP"}
_NON_DIGITS = re.compile(r"\D")

US_STATES = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "District of Columbia": "DC",
    "Washington D.C.": "DC",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "Washington State": "WA",  # how the geocoder names it for every Washington area code
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
}
_STATE_CODES = set(US_STATES.values())


class InvalidPhone(ValueError):
    """The text is not a valid phone number; the message says why, for people."""


@lru_cache(maxsize=50_000)
def _nanp_prefix_is_valid(prefix7: str) -> bool:
    # "1" + area code + exchange; the line number does not change validity in NANP.
    number = phonenumbers.parse(f"+{prefix7}5555", None)
    return phonenumbers.is_valid_number(number)


def normalize(raw: str, region: str = "US") -> str:
    """``raw`` in E.164 (``+13055550123``); raises InvalidPhone."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("No phone number.")
    digits = _NON_DIGITS.sub("", text)
    region = (region or "US").upper()
    if (region in NANP_REGIONS and not text.startswith("+")) or text.startswith("+1"):
        candidate = None
        if len(digits) == 10 and not text.startswith("+"):
            candidate = "1" + digits
        elif len(digits) == 11 and digits[0] == "1":
            candidate = digits
        if candidate is not None and candidate[1] in "23456789" and candidate[4] in "23456789":
            if _nanp_prefix_is_valid(candidate[:7]):
                return "+" + candidate
            raise InvalidPhone(f"“{text}” is not a valid phone number.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"“{text}” is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"“{text}” is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """The number's national digits (``+12125550187`` → ``2125550187``): found inside any spelling of it."""
    try:
        return str(phonenumbers.parse(e164, None).national_number)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in e164 if ch.isdigit())


def default_region(branch=None, tenant=None) -> str:
    """The country a lead's phone is read in when typed without a country code: the lead's branch's,
    if it has one, else the tenant's (``tenant``, else the one in scope). The API, the admin, the
    services and the importer all ask this (docs/architecture.md, Leads)."""
    if branch is not None and branch.country:
        return branch.country.upper()
    if tenant is None:
        from tenants.models import Tenant
        from tenants.scoping import current_tenant_id

        tenant = Tenant.objects.filter(pk=current_tenant_id()).only("country").first()
    return (tenant.country if tenant is not None else "").upper() or "US"


def try_normalize(raw: str, region: str = "US") -> str | None:
    try:
        return normalize(raw, region)
    except InvalidPhone:
        return None


@dataclass(frozen=True)
class NumberPlace:
    time_zones: tuple[str, ...]  # candidate zones; one when the number is certain
    region: str  # US state (e.g. "FL") where known, else ""


@lru_cache(maxsize=4096)
def _place_for_prefix(prefix: str) -> NumberPlace:
    # A representative number of the area code: the exchange does not change the zone or state.
    number = phonenumbers.parse(prefix + "5550100", None)
    zones = tuple(z for z in number_timezone.time_zones_for_number(number) if z != "Etc/Unknown")
    description = geocoder.description_for_number(number, "en")
    region = ""
    if description:
        tail = description.rsplit(",", 1)[-1].strip()
        region = tail if tail in _STATE_CODES else US_STATES.get(description.strip(), "")
    return NumberPlace(zones, region)


def place_of(e164: str) -> NumberPlace:
    """Where a number's area code puts its owner: candidate time zones and US state."""
    if e164.startswith("+1") and len(e164) == 12:
        return _place_for_prefix(e164[:5])  # +1 and the area code
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return NumberPlace((), "")
    zones = tuple(z for z in number_timezone.time_zones_for_number(number) if z != "Etc/Unknown")
    return NumberPlace(zones, "")


_PHONE_TERM = re.compile(r"^\+?[\d\s().\-/]+$")


@dataclass(frozen=True)
class PhoneSearch:
    """What a search term says about a number: the whole of it, or how it may start and end."""

    number: str = ""  # E.164, when the term is a whole valid number
    starts: str = ""  # the E.164 beginning ("+1305555" for "(305) 555-"), when it is not
    ends: str = ""  # its last digits (four or more), when the term may be the end of a number


def phone_search(term: str, region: str = "US") -> PhoneSearch | None:
    """If ``term`` is (part of) a phone number in any format, what to look for; else None.

    A national beginning is read in ``region``: "305 555" is "+1305555" in the US, "020 79" is
    "+4420 79" in the UK (the trunk 0 dropped). A term that starts with "+" or "(" is only a beginning."""
    text = (term or "").strip()
    if not _PHONE_TERM.match(text):
        return None
    digits = _NON_DIGITS.sub("", text)
    if len(digits) < 3:
        return None
    if len(digits) >= 7:
        number = try_normalize(text, region)
        if number is not None:
            return PhoneSearch(number=number)
    region = (region or "US").upper()
    if text.startswith("+"):
        starts = "+" + digits
    elif region in NANP_REGIONS and digits.startswith("011"):  # dialled abroad from North America
        starts = "+" + digits[3:]
    elif region in NANP_REGIONS:  # no area code starts with 0 or 1: a leading 1 is the country code
        starts = "+" + digits if digits[0] == "1" else "+1" + digits
    elif digits.startswith("00"):  # dialled abroad from most other countries
        starts = "+" + digits[2:]
    else:
        national = digits[1:] if digits[0] == "0" else digits
        starts = f"+{phonenumbers.country_code_for_region(region)}{national}"
    ends = digits if len(digits) >= 4 and not text.startswith(("+", "(")) else ""
    return PhoneSearch(starts=starts, ends=ends)
