"""Reading one row of an import: each cell through its column's parser (leads.import_columns) into a
lead's values, its tags, consent and vehicle. A row without a usable phone, or whose creation date cannot
be read or lies in the future, is an error and is left out; a value that is merely unusable is a warning
and the row imports without it. Every problem names the row's person (name and email) as the file wrote
them."""

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timezone

from django.core.exceptions import ValidationError

from tenants.validators import validate_time_zone

from .. import phones
from ..import_columns import (
    IGNORE,
    VEHICLE_FIELDS,
    parse_consent,
    parse_date,
    parse_int,
    parse_moment,
    parse_source,
    parse_stage,
    split_tags,
)
from ..models import VIN_PATTERN, Source
from ..schemas import CUSTOM_FIELDS
from ..services import clean_name, is_email
from . import history
from .context import ImportContext

_VIN_RE = re.compile(VIN_PATTERN)


@dataclass
class ParsedRow:
    number: int
    lead: dict  # Lead column -> value
    tags: list[str]
    consent: tuple | None  # (consented, day)
    vehicle: dict | None
    who: tuple[str, str] = ("", "")  # the name and email the file wrote, for the report
    lead_id: int | None = None  # the lead it created, once written


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
    refused: bool = False  # a cell made the whole row an error


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
        self.context.who = self._who(values, mapping)
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
        return None if cells.refused else self._checked(cells)

    @staticmethod
    def _who(values: list[str], mapping: list[str | None]) -> tuple[str, str]:
        """The person the row is about, as the file wrote them: for its problems and duplicates."""
        cell = {target: values[i].strip() for i, target in enumerate(mapping) if target and i < len(values)}
        name = " ".join(part for part in (cell.get("first_name"), cell.get("last_name")) if part)
        return clean_name(name or cell.get("full_name", "")), cell.get("email", "")

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
        return ParsedRow(number, lead, cells.tags, cells.consent, vehicle, who=self.context.who)

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
        """When the person arrived, in the business's time unless the file says otherwise: history, never slow
        speed to lead (leads.importing.history). Unreadable, or in the future: the row is an error."""
        context = self.context
        moment = parse_moment(value, day_first=context.day_first)
        if moment is None:
            example = "23/04/2026" if context.day_first else "04/23/2026"
            reason = f"Not a date (write it as {example} or 2026-04-23); the row was not imported."
            self.problem("error", cells.number, header, value, reason)
            cells.refused = True
            return
        zone = context.tz if moment.offset is None else timezone(moment.offset)
        created = datetime.combine(moment.day, moment.clock or time(12), zone)
        if moment.day > context.today or (moment.clock is not None and created > context.now):
            self.problem("error", cells.number, header, value, "This date is in the future; the row was not imported.")
            cells.refused = True
            return
        cells.lead.update(history.dated(min(created, context.now)))  # a time later today is now

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
        cells.consent = parse_consent(value, day_first=self.context.day_first)
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
            day = parse_date(value, day_first=self.context.day_first)
            if day is None:
                self.problem("warning", number, header, value, "Unreadable date; left empty.")
            vehicle["last_service_date"] = day
        return vehicle
