"""Validators shared by every app: E.164 phones, IANA time zones, ISO countries, opening hours."""

import re
import zoneinfo
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(f"“{value}” is not a known time zone (use an IANA name such as America/New_York).")


def validate_country(value: str) -> None:
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(f"“{value}” is not a two-letter country code (ISO 3166-1, e.g. US).")


def validate_e164(value: str) -> None:
    """A phone number already in E.164 form (+ and digits) that is a valid number."""
    if not value or not value.startswith("+"):
        raise ValidationError("Enter the phone number in international form, e.g. +13055550123.")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"“{value}” is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"“{value}” is not a valid phone number.")
    if phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != value:
        raise ValidationError("Enter the phone number in E.164 form, e.g. +13055550123.")


def validate_business_hours(value) -> None:
    """``{"mon": [["06:00", "22:00"]], ...}``: per weekday, a list of open-close pairs."""
    if not isinstance(value, dict):
        raise ValidationError("Business hours must map weekdays (mon…sun) to lists of [open, close] pairs.")
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise ValidationError(f"“{day}” is not a weekday; use one of {', '.join(WEEKDAYS)}.")
        if not isinstance(spans, list):
            raise ValidationError(f"Hours for {day} must be a list of [open, close] pairs.")
        for span in spans:
            if (
                not isinstance(span, list | tuple)
                or len(span) != 2
                or not all(isinstance(t, str) and _HHMM.match(t) for t in span)
            ):
                raise ValidationError(f'Hours for {day} must be ["HH:MM", "HH:MM"] pairs; got {span!r}.')
            if span[0] >= span[1]:
                raise ValidationError(f"On {day}, opening time {span[0]} must be before closing time {span[1]}.")
