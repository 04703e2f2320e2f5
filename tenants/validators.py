"""Validators shared by every app: E.164 phones, IANA time zones, ISO countries, opening hours."""

import zoneinfo
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
    """``{"mon": [["06:00", "22:00"]], ...}``: the shape tenants.schemas.BUSINESS_HOURS (named by old migrations)."""
    from core.shapes import ShapeValidator

    ShapeValidator("tenants.schemas.BUSINESS_HOURS")(value)
