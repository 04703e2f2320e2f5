"""Reading one row of an import: each cell through its column's parser (leads.import_columns) into a
lead's values, its tags, consent and vehicle. A row without a usable phone is an error and is left
out; a value that is merely unusable is a warning and the row imports without it."""

import re
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import ValidationError

from tenants.validators import validate_time_zone

from .. import phones
from ..import_columns import (
    IGNORE,
    VEHICLE_FIELDS,
    parse_consent,
    parse_date,
    parse_int,
    parse_source,
    parse_stage,
    split_tags,
)
from ..models import VIN_PATTERN, Source
from ..schemas import CUSTOM_FIELDS
from ..services import clean_name, is_email
from .context import ImportContext

_VIN_RE = re.compile(VIN_PATTERN)


@dataclass
class ParsedRow:
    number: int
    lead: dict  # Lead column -> value
    tags: list[str]
    consent: tuple | None  # (consented, day)
    vehicle: dict | None


@dataclass
class _Cells:
    """What the cells of one row said, before the row is checked as a whole."""

    number: int
    lead: dict = field(default_factory=dict)
    custom: dict = field(default_factory=dict)
    vehicle: dict = field(default_factory=dict)  # field -> (header, value)
    tags: list[str] = field(default_factory=list)
    consent: tuple | None = None
    full_name: str = ""


class RowParser:
    def __init__(self, context: ImportContext):
        self.context = context
        self.problem = context.problem
        self._readers = {
            "first_name": self._name,
            "last_name": self._name,
            "full_name": self._full_name,
            "email": self._email,
            "source": self._source,
            "created_at": self._created_at,
            "stage": self._stage,
            "tags": self._tags,
            "owner": self._owner,
            "consent": self._consent,
            "region": self._region,
        }

    def parse(self, number: int, values: list[str], headers: list[str], mapping: list[str | None]) -> ParsedRow | None:
        """The row's values, or None (an error was reported) if it cannot be imported."""
        if len(values) > len(headers) and any(v.strip() for v in values[len(headers) :]):
            self.problem(
                "error",
                number,
                "—",
                ",".join(values[len(headers) :]),
                f"This row has {len(values)} values but the header has {len(headers)} columns.",
            )
            return None
        cells = _Cells(number)
        for index, header in enumerate(headers):
            value = (values[index] if index < len(values) else "").strip()
            if value and mapping[index] != IGNORE:
                self._read(cells, mapping[index], header, value)
        return self._checked(cells)

    def _read(self, cells: _Cells, target: str | None, header: str, value: str) -> None:
        if target is None:
            cells.custom[header] = value
        elif target in VEHICLE_FIELDS:
            cells.vehicle[target] = (header, value)
        else:
            self._readers.get(target, self._as_is)(cells, target, header, value)

    def _checked(self, cells: _Cells) -> ParsedRow | None:
        lead, number = cells.lead, cells.number
        if cells.full_name and not lead.get("first_name") and not lead.get("last_name"):
            first, _, last = cells.full_name.partition(" ")
            lead["first_name"], lead["last_name"] = first[:100], last[:100]
        if cells.custom:
            lead["custom_fields"] = self._valid_custom_fields(number, cells.custom)
        if "phone" not in lead:
            self.problem("error", number, self.context.phone_header, "", "No phone number.")
            return None
        try:
            lead["phone"] = phones.normalize(lead["phone"], self.context.region)
        except phones.InvalidPhone as exc:
            self.problem("error", number, self.context.phone_header, lead["phone"], str(exc))
            return None
        if lead.get("time_zone"):
            try:
                validate_time_zone(lead["time_zone"])
            except ValidationError:
                self.problem("warning", number, "time zone", lead["time_zone"], "Unknown time zone; ignored.")
                del lead["time_zone"]
        vehicle = self._vehicle(number, cells.vehicle) if cells.vehicle else None
        return ParsedRow(number, lead, cells.tags, cells.consent, vehicle)

    # --- one cell ----------------------------------------------------------------------

    def _as_is(self, cells, target, header, value):
        cells.lead[target] = value

    def _region(self, cells, target, header, value):
        cells.lead[target] = value[:10]

    def _name(self, cells, target, header, value):
        cells.lead[target] = clean_name(value)[:100]

    def _full_name(self, cells, target, header, value):
        cells.full_name = clean_name(value)

    def _email(self, cells, target, header, value):
        email = value.lower()
        if is_email(email):
            cells.lead["email"] = email
        else:
            self.problem("warning", cells.number, header, value, "Not an email address; imported without it.")

    def _source(self, cells, target, header, value):
        source = parse_source(value)
        if source is None:
            self.problem("warning", cells.number, header, value, "Unknown source; recorded as “other”.")
        cells.lead["source"] = source or Source.OTHER

    def _created_at(self, cells, target, header, value):
        day = parse_date(value)
        if day is None:
            self.problem("warning", cells.number, header, value, "Unreadable date; today's date was used.")
        else:
            cells.lead["created_at"] = datetime.combine(day, time(12), self.context.tz)

    def _stage(self, cells, target, header, value):
        stage = parse_stage(value)
        if stage is None:
            self.problem("warning", cells.number, header, value, "Unknown stage; imported as new.")
        else:
            cells.lead["stage"] = stage

    def _tags(self, cells, target, header, value):
        cells.tags.extend(split_tags(value))

    def _owner(self, cells, target, header, value):
        owner = self.context.owners.get(value.lower())
        if owner is None:
            self.problem("warning", cells.number, header, value, "No staff member with this email; left unassigned.")
        cells.lead["owner_id"] = owner

    def _consent(self, cells, target, header, value):
        cells.consent = parse_consent(value)
        if cells.consent is None:
            self.problem("warning", cells.number, header, value, "Unreadable consent value; no consent recorded.")

    # --- what the cells make together -------------------------------------------------------

    def _valid_custom_fields(self, number: int, custom: dict) -> dict:
        """Extra columns kept as custom fields, each checked against leads.schemas.CUSTOM_FIELDS."""
        kept = {}
        for header, value in custom.items():
            found = CUSTOM_FIELDS.entry_problems(header, value, header)
            if not found and len(kept) >= CUSTOM_FIELDS.max_items:
                found = [(header, f"Only {CUSTOM_FIELDS.max_items} extra columns are kept.")]
            if found:
                self.problem("warning", number, header, value[:200], f"{found[0][1]} Not kept.")
            else:
                kept[header] = value
        return kept

    def _vehicle(self, number: int, raw: dict) -> dict | None:
        if not self.context.vehicles:
            return None
        header, vin = raw.get("vin", ("VIN", ""))
        vin = vin.upper().replace(" ", "")
        if not _VIN_RE.match(vin):
            self.problem(
                "warning",
                number,
                header,
                vin,
                "A VIN has 17 letters and digits, without I, O or Q; no vehicle recorded.",
            )
            return None
        vehicle = {"vin": vin}
        if "year" in raw:
            header, value = raw["year"]
            year = parse_int(value, 1950, self.context.now.year + 1)
            if year is None:
                self.problem("warning", number, header, value, "Not a model year; left empty.")
            vehicle["year"] = year
        for name in ("make", "model"):
            if name in raw:
                vehicle[name] = raw[name][1][:60]
        if "mileage" in raw:
            header, value = raw["mileage"]
            mileage = parse_int(value, 0, 2_000_000)
            if mileage is None:
                self.problem("warning", number, header, value, "Not a mileage; left empty.")
            else:
                vehicle["mileage"], vehicle["mileage_read_at"] = mileage, self.context.now.date()
        if "last_service" in raw:
            header, value = raw["last_service"]
            day = parse_date(value)
            if day is None:
                self.problem("warning", number, header, value, "Unreadable date; left empty.")
            vehicle["last_service_date"] = day
        return vehicle
