"""The shapes of the tenants room's structured JSON fields (core.shapes), and the ones other rooms build on:
weekly hours (a branch's opening hours, a campaign's calling windows) and phone numbers."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core.shapes import ListOf, MapOf, Shape, Text, TimeSpan

from .validators import WEEKDAYS, validate_e164


def weekly_hours(span: TimeSpan) -> MapOf:
    """Per weekday (mon…sun), a list of open-close pairs: ``{"mon": [["06:00", "22:00"]]}``."""
    return MapOf(Text(choices=WEEKDAYS), ListOf(span, max_items=24), max_items=len(WEEKDAYS))


BUSINESS_HOURS = weekly_hours(TimeSpan())


@dataclass(frozen=True)
class Phone(Shape):
    """A valid phone number in E.164 form, "+13055550123" (tenants.validators.validate_e164)."""

    def check(self, value, path):
        if not isinstance(value, str):
            return [(path, "Enter the phone number in international form, e.g. +13055550123.")]
        try:
            validate_e164(value)
        except ValidationError as exc:
            return [(path, exc.messages[0])]
        return []

    def json_schema(self):
        return {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$", "example": "+13055550123"}
