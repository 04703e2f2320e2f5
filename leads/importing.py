"""CSV import of leads: one service behind the command, the admin page and the API.

``import_csv(file, options)`` streams the file, validates each row and writes
good rows in batches, each in its own transaction, so a crash loses at most the
batch in flight and running the same file again finds every earlier row as a
duplicate instead of creating it twice. A bad row is reported with its row
number, column, value and reason; the other rows still import. Rows whose value
is merely unusable (a malformed email, an unreadable date) import without that
value and the report says so as a warning.

Duplicates are people seen before, by phone (or by email): earlier in the file
or already in the database. ``on_duplicate`` decides: ``skip`` the row,
``update`` the existing lead with the row's values, or ``merge`` (fill in only
what the existing lead lacks). A dry run reads and checks everything and writes
nothing.

On PostgreSQL new rows are written with ``COPY`` (ids reserved from the
sequence first); elsewhere with ``bulk_create``. Either way the number of
queries per batch does not depend on the batch size.
"""

import csv
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from tenants.models import Branch, Tenant
from tenants.scoping import current_tenant_id

from . import phones, scoring
from .csv_source import CsvFileError, CsvSource
from .import_columns import (
    IGNORE,
    VEHICLE_FIELDS,
    map_headers,
    parse_consent,
    parse_date,
    parse_int,
    parse_source,
    parse_stage,
    split_tags,
)
from .models import (
    VIN_PATTERN,
    Consent,
    ConsentKind,
    ConsentSource,
    DuplicatePolicy,
    ErasureSuppression,
    Lead,
    LeadTag,
    Source,
    Vehicle,
    suppression_hash,
)
from .pipeline import Stage
from .schemas import CUSTOM_FIELDS
from .services import clean_name, is_email, tags_named
from .signals import import_finished

BATCH_SIZE = 2000
KEPT_ERRORS = 200


class SeenKeys:
    """Which phones and emails a dry run has met, kept on disk (a temporary SQLite file) so that
    memory stays bounded however long the file is."""

    def __init__(self):
        import sqlite3

        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite3")  # noqa: SIM115  (lives as long as the import)
        self._db = sqlite3.connect(self._file.name)
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY) WITHOUT ROWID")

    def seen_before(self, people: list[tuple[str, str]]) -> set[str]:
        """The phones (of ``(phone, email)`` pairs) met before, by phone or email; records them all."""
        keys = {phone: [phone] + ([f"@{email}"] if email else []) for phone, email in people}
        flat = [key for group in keys.values() for key in group]
        known: set[str] = set()
        for start in range(0, len(flat), 900):
            chunk = flat[start : start + 900]
            marks = ",".join("?" * len(chunk))
            known.update(k for (k,) in self._db.execute(f"SELECT key FROM seen WHERE key IN ({marks})", chunk))
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", [(k,) for k in flat])
        return {phone for phone, group in keys.items() if any(k in known for k in group)}


_VIN_RE = re.compile(VIN_PATTERN)


@dataclass
class ImportOptions:
    on_duplicate: str = DuplicatePolicy.SKIP
    dry_run: bool = False
    tags: list[str] = field(default_factory=list)
    branch_id: int | None = None
    source: str | None = None  # every row gets this source (else the file's column, else "import")
    mapping: dict[str, str] = field(default_factory=dict)  # header -> field, or "ignore"
    consent_disclosure_version: str = ""
    consent_purposes: list[str] = field(default_factory=list)
    vehicles: bool | None = None  # None: only for dealership tenants
    campaign_id: int | None = None  # uploaded for a campaign: the campaigns room adds the leads when done


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: int = 0
    warnings: int = 0
    first_errors: list[dict] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    failure: str = ""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class _Row:
    number: int
    lead: dict  # Lead column -> value
    tags: list[str]
    consent: tuple | None  # (consented, day)
    vehicle: dict | None


class Importer:
    def __init__(self, options: ImportOptions, *, source_import=None, error_sink=None):
        self.options = options
        self.source_import = source_import
        self.tenant = Tenant.objects.get(pk=current_tenant_id())
        self.branch = Branch.objects.get(pk=options.branch_id) if options.branch_id else None
        self.region = phones.default_region(self.branch, self.tenant)
        self.tz = ZoneInfo(self.branch.time_zone if self.branch else self.tenant.time_zone)
        self.vehicles = options.vehicles if options.vehicles is not None else self.tenant.vertical == "dealership"
        self.report = ImportReport()
        self.error_sink = error_sink
        self.import_tags = tags_named(options.tags) if options.tags and not options.dry_run else []
        self.rules = scoring.tenant_rules()
        self.owners = {
            email.lower(): pk
            for pk, email in get_user_model()
            ._default_manager.filter(memberships__tenant=self.tenant, memberships__is_active=True)
            .values_list("pk", "email")
        }
        # People seen in earlier batches of a dry run (a real run finds them in the database instead).
        self.dry_run_seen = SeenKeys() if options.dry_run else None
        self.now = timezone.now()

    # --- reporting --------------------------------------------------------------

    def _problem(self, level: str, row: int, column: str, value: str, reason: str) -> None:
        entry = {"row": row, "column": column, "value": value[:200], "reason": reason, "level": level}
        if level == "error":
            self.report.errors += 1
        else:
            self.report.warnings += 1
        if len(self.report.first_errors) < KEPT_ERRORS:
            self.report.first_errors.append(entry)
        if self.error_sink is not None:
            self.error_sink.writerow([entry["row"], column, entry["value"], reason, level])

    # --- parsing ----------------------------------------------------------------

    def _valid_custom_fields(self, number: int, custom: dict) -> dict:
        """Extra columns kept as custom fields, each checked against leads.schemas.CUSTOM_FIELDS."""
        kept = {}
        for header, value in custom.items():
            found = CUSTOM_FIELDS.entry_problems(header, value, header)
            if not found and len(kept) >= CUSTOM_FIELDS.max_items:
                found = [(header, f"Only {CUSTOM_FIELDS.max_items} extra columns are kept.")]
            if found:
                self._problem("warning", number, header, value[:200], f"{found[0][1]} Not kept.")
            else:
                kept[header] = value
        return kept

    def parse(self, number: int, values: list[str], headers: list[str], mapping: list[str | None]) -> _Row | None:
        if len(values) > len(headers) and any(v.strip() for v in values[len(headers) :]):
            self._problem(
                "error",
                number,
                "—",
                ",".join(values[len(headers) :]),
                f"This row has {len(values)} values but the header has {len(headers)} columns.",
            )
            return None
        lead: dict = {}
        custom: dict = {}
        vehicle: dict = {}
        tags: list[str] = []
        consent = None
        full_name = ""
        for index, header in enumerate(headers):
            raw = values[index] if index < len(values) else ""
            value = raw.strip()
            target = mapping[index]
            if not value or target == IGNORE:
                continue
            if target is None:
                custom[header] = value
            elif target in ("first_name", "last_name"):
                lead[target] = clean_name(value)[:100]
            elif target == "full_name":
                full_name = clean_name(value)
            elif target == "phone":
                lead["phone"] = value
            elif target == "email":
                email = value.lower()
                if is_email(email):
                    lead["email"] = email
                else:
                    self._problem("warning", number, header, value, "Not an email address; imported without it.")
            elif target == "source":
                source = parse_source(value)
                if source is None:
                    self._problem("warning", number, header, value, "Unknown source; recorded as “other”.")
                lead["source"] = source or Source.OTHER
            elif target == "created_at":
                day = parse_date(value)
                if day is None:
                    self._problem("warning", number, header, value, "Unreadable date; today's date was used.")
                else:
                    lead["created_at"] = datetime.combine(day, time(12), self.tz)
            elif target == "stage":
                stage = parse_stage(value)
                if stage is None:
                    self._problem("warning", number, header, value, "Unknown stage; imported as new.")
                else:
                    lead["stage"] = stage
            elif target == "tags":
                tags.extend(split_tags(value))
            elif target == "owner":
                owner = self.owners.get(value.lower())
                if owner is None:
                    self._problem("warning", number, header, value, "No staff member with this email; left unassigned.")
                lead["owner_id"] = owner
            elif target == "consent":
                consent = parse_consent(value)
                if consent is None:
                    self._problem("warning", number, header, value, "Unreadable consent value; no consent recorded.")
            elif target == "time_zone":
                lead["time_zone"] = value
            elif target in VEHICLE_FIELDS:
                vehicle[target] = (header, value)
            else:
                lead[target] = value[:10] if target == "region" else value
        if full_name and not lead.get("first_name") and not lead.get("last_name"):
            first, _, last = full_name.partition(" ")
            lead["first_name"], lead["last_name"] = first[:100], last[:100]
        if custom:
            lead["custom_fields"] = self._valid_custom_fields(number, custom)
        if "phone" not in lead:
            self._problem("error", number, self.phone_header, "", "No phone number.")
            return None
        try:
            lead["phone"] = phones.normalize(lead["phone"], self.region)
        except phones.InvalidPhone as exc:
            self._problem("error", number, self.phone_header, lead["phone"], str(exc))
            return None
        if lead.get("time_zone"):
            from tenants.validators import validate_time_zone

            try:
                validate_time_zone(lead["time_zone"])
            except ValidationError:
                self._problem("warning", number, "time zone", lead["time_zone"], "Unknown time zone; ignored.")
                del lead["time_zone"]
        return _Row(number, lead, tags, consent, self._vehicle(number, vehicle) if vehicle else None)

    def _vehicle(self, number: int, raw: dict) -> dict | None:
        if not self.vehicles:
            return None
        header, vin = raw.get("vin", ("VIN", ""))
        vin = vin.upper().replace(" ", "")
        if not _VIN_RE.match(vin):
            self._problem(
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
            year = parse_int(value, 1950, self.now.year + 1)
            if year is None:
                self._problem("warning", number, header, value, "Not a model year; left empty.")
            vehicle["year"] = year
        for name in ("make", "model"):
            if name in raw:
                vehicle[name] = raw[name][1][:60]
        if "mileage" in raw:
            header, value = raw["mileage"]
            mileage = parse_int(value, 0, 2_000_000)
            if mileage is None:
                self._problem("warning", number, header, value, "Not a mileage; left empty.")
            else:
                vehicle["mileage"], vehicle["mileage_read_at"] = mileage, self.now.date()
        if "last_service" in raw:
            header, value = raw["last_service"]
            day = parse_date(value)
            if day is None:
                self._problem("warning", number, header, value, "Unreadable date; left empty.")
            vehicle["last_service_date"] = day
        return vehicle

    # --- the batch -------------------------------------------------------------------

    def handle_batch(self, rows: list[_Row]) -> None:
        fresh: dict[str, _Row] = {}  # phone -> row to create
        repeats: list[tuple[_Row, str]] = []  # (row, phone or email of an earlier row of this batch)
        seen_emails: set[str] = set()
        for row in rows:
            phone, email = row.lead["phone"], row.lead.get("email", "")
            if phone in fresh or (email and email in seen_emails):
                self.report.duplicates += 1
                repeats.append((row, phone if phone in fresh else email))
                continue
            if email:
                seen_emails.add(email)
            fresh[phone] = row
        if self.dry_run_seen is not None:
            earlier = self.dry_run_seen.seen_before(
                [(phone, row.lead.get("email", "")) for phone, row in fresh.items()]
            )
            for phone in earlier:
                del fresh[phone]
            self.report.duplicates += len(earlier)

        erased = self._erased(list(fresh))
        for phone in erased:
            row = fresh.pop(phone)
            self._problem(
                "error", row.number, self.phone_header, phone, "This person asked to be erased; not imported."
            )

        existing_by_phone, existing_by_email = self._existing(fresh, repeats)
        to_create: list[_Row] = []
        to_change: dict[int, tuple[Lead, list[_Row]]] = {}
        for phone, row in fresh.items():
            lead = existing_by_phone.get(phone) or existing_by_email.get(row.lead.get("email", ""))
            if lead is None:
                to_create.append(row)
            else:
                self.report.duplicates += 1
                to_change.setdefault(lead.pk, (lead, []))[1].append(row)
        pending = {row.lead["phone"]: row for row in to_create}
        for row, key in repeats:
            lead = existing_by_phone.get(key) or existing_by_email.get(key)
            if lead is not None:
                to_change.setdefault(lead.pk, (lead, []))[1].append(row)
            else:
                target = pending.get(key) or next((r for r in to_create if r.lead.get("email") == key), None)
                if target is not None:
                    self._fold(target, row)

        if self.options.dry_run:
            self.report.created += len(to_create)
            if self.options.on_duplicate != DuplicatePolicy.SKIP:
                self.report.updated += len(to_change)
            return
        with transaction.atomic():
            created = self._create(to_create)
            updated = self._change(to_change) if self.options.on_duplicate != DuplicatePolicy.SKIP else 0
        self.report.created += created
        self.report.updated += updated

    def _erased(self, batch_phones: list[str]) -> set[str]:
        if not batch_phones:
            return set()
        hashes = {suppression_hash(self.tenant.pk, p): p for p in batch_phones}
        found = ErasureSuppression.objects.filter(phone_hash__any=list(hashes)).values_list("phone_hash", flat=True)
        return {hashes[h] for h in found}

    def _existing(self, fresh: dict, repeats: list) -> tuple[dict, dict]:
        batch_phones = set(fresh) | {key for _, key in repeats if key.startswith("+")}
        batch_emails = {row.lead["email"] for row in fresh.values() if row.lead.get("email")}
        batch_emails |= {key for _, key in repeats if not key.startswith("+")}
        match = Q(phone__any=list(batch_phones))
        if batch_emails:
            match |= Q(email__any=list(batch_emails))
        by_phone, by_email = {}, {}
        for lead in Lead.objects.filter(match):
            by_phone[lead.phone] = lead
            if lead.email:
                by_email.setdefault(lead.email, lead)
        return by_phone, by_email

    def _fold(self, target: _Row, row: _Row) -> None:
        """A repeat of a row created in this same batch: the policy applies to the pending values."""
        policy = self.options.on_duplicate
        if policy == DuplicatePolicy.SKIP:
            return
        for key, value in row.lead.items():
            if key == "phone":
                continue
            if policy == DuplicatePolicy.UPDATE or not target.lead.get(key):
                target.lead[key] = value
        target.tags.extend(row.tags)
        target.vehicle = target.vehicle or row.vehicle
        target.consent = target.consent or row.consent

    # --- writing ---------------------------------------------------------------------

    def _lead_values(self, row: _Row) -> dict:
        values = {
            "pk": None,
            "tenant_id": self.tenant.pk,
            "branch_id": self.options.branch_id,
            "first_name": "",
            "last_name": "",
            "email": "",
            "source": Source.IMPORT,
            "stage": Stage.NEW,
            "lost_reason": "",
            "owner_id": None,
            "interest": "",
            "time_zone": "",
            "region": "",
            "notes": "",
            "custom_fields": {},
            "created_at": self.now,
            "updated_at": self.now,
            "source_import_id": self.source_import.pk if self.source_import else None,
            "last_contacted_at": None,
            **row.lead,
        }
        if self.options.source:
            values["source"] = self.options.source
        values["interest"] = values["interest"][:120]
        return values

    def _create(self, rows: list[_Row]) -> int:
        if not rows:
            return 0
        # Plain records, not model instances: 100,000 Lead() constructions cost more than the COPY.
        leads = [SimpleNamespace(**self._lead_values(row)) for row in rows]
        scoring.apply_scores(leads, self.rules)
        try:
            with transaction.atomic():
                self._insert(leads)
        except IntegrityError:
            # Someone created one of these numbers meanwhile: take it as a duplicate and go on.
            taken = set(Lead.objects.filter(phone__any=[lead.phone for lead in leads]).values_list("phone", flat=True))
            kept = [(lead, row) for lead, row in zip(leads, rows, strict=True) if lead.phone not in taken]
            self.report.duplicates += len(rows) - len(kept)
            leads, rows = [lead for lead, _ in kept], [row for _, row in kept]
            for lead in leads:
                lead.pk = None
            self._insert(leads)
        self._attach(leads, rows)
        return len(leads)

    def _insert(self, leads: list[SimpleNamespace]) -> None:
        if connection.vendor == "postgresql":
            _copy_leads(leads)
            return
        instances = [Lead(**{k: v for k, v in vars(lead).items() if k != "last_contacted_at"}) for lead in leads]
        Lead.objects.bulk_create(instances, batch_size=500)
        for lead, instance in zip(leads, instances, strict=True):
            lead.pk = instance.pk

    def _attach(self, leads: list[Lead], rows: list[_Row]) -> None:
        """Tags, consents and vehicles of just-created leads."""
        row_tags = tags_named({name for row in rows for name in row.tags}) if any(r.tags for r in rows) else []
        by_name = {tag.name.lower(): tag for tag in row_tags}
        links = []
        for lead, row in zip(leads, rows, strict=True):
            links.extend(LeadTag(lead_id=lead.pk, tag_id=tag.pk) for tag in self.import_tags)
            links.extend(
                LeadTag(lead_id=lead.pk, tag_id=by_name[n.lower()].pk) for n in row.tags if n.lower() in by_name
            )
        if links:
            LeadTag.objects.bulk_create(links, ignore_conflicts=True, batch_size=5000)
        self._add_consents([(lead, row) for lead, row in zip(leads, rows, strict=True) if row.consent])
        self._add_vehicles([(lead, row) for lead, row in zip(leads, rows, strict=True) if row.vehicle])

    def _add_consents(self, pairs) -> None:
        consents = []
        for lead, row in pairs:
            agreed, day = row.consent
            if agreed:
                captured = datetime.combine(day, time(12), self.tz) if day else self.now
                consents.append(
                    Consent(
                        tenant_id=self.tenant.pk,
                        lead_id=lead.pk,
                        kind=ConsentKind.EXPRESS_WRITTEN,
                        purposes=self.options.consent_purposes,
                        phone=lead.phone,
                        captured_at=captured,
                        source=ConsentSource.IMPORT,
                        source_detail=self.source_import.original_name if self.source_import else "",
                        disclosure_version=self.options.consent_disclosure_version,
                    )
                )
        if consents:
            Consent.objects.bulk_create(consents, batch_size=2000)

    def _add_vehicles(self, pairs) -> None:
        if not pairs:
            return
        existing = {v.vin: v for v in Vehicle.objects.filter(vin__in=[row.vehicle["vin"] for _, row in pairs])}
        new, changed = [], []
        for lead, row in pairs:
            vehicle = existing.get(row.vehicle["vin"])
            if vehicle is None:
                vehicle = Vehicle(tenant_id=self.tenant.pk, lead_id=lead.pk, **row.vehicle)
                existing[vehicle.vin] = vehicle
                new.append(vehicle)
            else:  # the car changed hands, or the file repeats it: it belongs to this lead now
                vehicle.lead_id = lead.pk
                for key, value in row.vehicle.items():
                    if value is not None:
                        setattr(vehicle, key, value)
                changed.append(vehicle)
        from .vehicles import next_service_due

        for vehicle in new + changed:
            vehicle.next_service_due = next_service_due(vehicle)
        if new:
            Vehicle.objects.bulk_create(new, batch_size=2000)
        if changed:
            fields = [
                "lead",
                "year",
                "make",
                "model",
                "mileage",
                "mileage_read_at",
                "last_service_date",
                "next_service_due",
            ]
            Vehicle.objects.bulk_update(changed, fields, batch_size=2000)

    def _change(self, to_change: dict[int, tuple[Lead, list[_Row]]]) -> int:
        """Apply the update or merge policy to existing leads; returns how many actually changed."""
        policy = self.options.on_duplicate
        changed_leads, pairs_for_extras = [], []
        fields = {"updated_at", "score", "score_explanation"}
        for lead, rows in to_change.values():
            changed = False
            for row in rows:
                values = {k: v for k, v in row.lead.items() if k not in ("phone", "created_at")}
                if self.options.source and policy == DuplicatePolicy.UPDATE:
                    values["source"] = self.options.source
                if lead.phone != row.lead["phone"]:
                    values.pop("email", None)  # matched by email: the row's other number is not taken over
                for key, value in values.items():
                    current = getattr(lead, key)
                    if key == "custom_fields":
                        value = {**current, **value} if policy == DuplicatePolicy.UPDATE else {**value, **current}
                    elif key == "notes" and policy == DuplicatePolicy.MERGE and current and value not in current:
                        value = f"{current}\n\n{value}"
                    elif policy == DuplicatePolicy.MERGE and current and key != "notes":
                        continue
                    if value != current:
                        setattr(lead, key, value)
                        fields.add(key)
                        changed = True
                if row.tags or row.consent or row.vehicle or self.import_tags:
                    pairs_for_extras.append((lead, row))
            if changed:
                lead.updated_at = self.now
                changed_leads.append(lead)
        if changed_leads:
            scoring.apply_scores(changed_leads, self.rules)
            Lead.objects.bulk_update(changed_leads, sorted(fields), batch_size=1000)
        if pairs_for_extras:
            self._attach([lead for lead, _ in pairs_for_extras], [row for _, row in pairs_for_extras])
        return len(changed_leads)

    # --- the file --------------------------------------------------------------------

    def run(self, source: CsvSource, progress: Callable[[ImportReport, int], None] | None = None) -> ImportReport:
        report = self.report
        report.encoding, report.delimiter = source.encoding, source.delimiter
        mapping = map_headers(source.headers, self.options.mapping, vehicles=self.vehicles)
        report.columns = {h: (m or "custom field") for h, m in zip(source.headers, mapping, strict=True)}
        if "phone" not in mapping:
            raise CsvFileError(
                "No column holds phone numbers (looked for Phone, Mobile, Cell, Phone Number…). "
                f"The columns are: {', '.join(source.headers)}. Map one to “phone”."
            )
        self.phone_header = source.headers[mapping.index("phone")]
        batch: list[_Row] = []
        for number, values in source.rows():
            if not any(v.strip() for v in values):
                continue  # blank line
            report.rows += 1
            row = self.parse(number, values, source.headers, mapping)
            if row is not None:
                batch.append(row)
            if len(batch) >= BATCH_SIZE:
                self.handle_batch(batch)
                batch = []
                if progress:
                    progress(report, source.bytes_read)
        if batch:
            self.handle_batch(batch)
        if report.rows == 0:
            report.failure = "The file has column names but no rows to import."
        if progress:
            progress(report, source.bytes_total or source.bytes_read)
        return report


# --- PostgreSQL COPY ------------------------------------------------------------------

_COPY_COLUMNS = [
    "id",
    "tenant_id",
    "branch_id",
    "first_name",
    "last_name",
    "phone",
    "email",
    "source",
    "stage",
    "lost_reason",
    "owner_id",
    "score",
    "score_explanation",
    "interest",
    "time_zone",
    "region",
    "notes",
    "custom_fields",
    "created_at",
    "updated_at",
    "source_import_id",
]


def _copy_leads(leads: list[SimpleNamespace]) -> None:
    """Insert leads with COPY, ids reserved from the table's sequence first (one query each)."""
    import json

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('leads_lead', 'id')) FROM generate_series(1, %s)", [len(leads)]
        )
        for lead, (pk,) in zip(leads, cursor.fetchall(), strict=True):
            lead.pk = pk
        columns = ", ".join(_COPY_COLUMNS)
        explanations: dict[int, str] = {}  # leads scored alike share one explanation list
        with cursor.cursor.copy(f"COPY leads_lead ({columns}) FROM STDIN") as copy:
            for lead in leads:
                explanation = explanations.get(id(lead.score_explanation))
                if explanation is None:
                    explanation = explanations[id(lead.score_explanation)] = json.dumps(lead.score_explanation)
                copy.write_row(
                    (
                        lead.pk,
                        lead.tenant_id,
                        lead.branch_id,
                        lead.first_name,
                        lead.last_name,
                        lead.phone,
                        lead.email,
                        lead.source,
                        lead.stage,
                        lead.lost_reason,
                        lead.owner_id,
                        lead.score,
                        explanation,
                        lead.interest,
                        lead.time_zone,
                        lead.region,
                        lead.notes,
                        json.dumps(lead.custom_fields) if lead.custom_fields else "{}",
                        lead.created_at,
                        lead.updated_at,
                        lead.source_import_id,
                    )
                )


# --- the service -----------------------------------------------------------------------


def import_csv(
    binary_file,
    options: ImportOptions,
    *,
    source_import=None,
    progress: Callable[[ImportReport, int], None] | None = None,
    error_report=None,
) -> ImportReport:
    """Import a CSV (a binary file object) into the tenant in scope. Never raises for bad content:
    a file that cannot be read at all comes back with ``failure`` set."""
    sink = csv.writer(error_report) if error_report is not None else None
    if sink is not None:
        sink.writerow(["row", "column", "value", "reason", "level"])
    importer = Importer(options, source_import=source_import, error_sink=sink)
    try:
        source = CsvSource(binary_file)
    except CsvFileError as exc:
        importer.report.failure = str(exc)
        return importer.report
    try:
        importer.run(source, progress)
    except CsvFileError as exc:
        importer.report.failure = str(exc)
    finally:
        source.detach()
    return importer.report


def new_error_report():
    """A text file for the error report CSV (on disk past 1 MB)."""
    return io.TextIOWrapper(tempfile.SpooledTemporaryFile(max_size=1024 * 1024), encoding="utf-8", newline="")


# --- runs recorded as LeadImport ----------------------------------------------------------


def options_of(lead_import) -> ImportOptions:
    known = set(ImportOptions.__dataclass_fields__) - {"on_duplicate", "dry_run"}
    stored = {k: v for k, v in lead_import.options.items() if k in known}
    return ImportOptions(on_duplicate=lead_import.on_duplicate, dry_run=lead_import.dry_run, **stored)


def run_import(lead_import, *, binary_file=None, on_progress=None):
    """Run a recorded import (from its stored file, or ``binary_file``), saving progress and the outcome."""
    from django.core.files.base import ContentFile

    from tenants import audit

    from .models import ImportStatus, LeadImport

    claimed = LeadImport.objects.filter(pk=lead_import.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return lead_import  # already run (a duplicate task delivery)
    lead_import.refresh_from_db()

    def progress(report: ImportReport, bytes_read: int) -> None:
        LeadImport.objects.filter(pk=lead_import.pk).update(
            bytes_read=bytes_read,
            rows_read=report.rows,
            created_count=report.created,
            updated_count=report.updated,
            duplicate_count=report.duplicates,
            error_count=report.errors,
            warning_count=report.warnings,
        )
        if on_progress:
            on_progress(report, bytes_read)

    errors = new_error_report()
    owned = binary_file is None
    binary_file = binary_file or lead_import.file.open("rb")
    try:
        report = import_csv(
            binary_file, options_of(lead_import), source_import=lead_import, progress=progress, error_report=errors
        )
    except Exception as exc:
        LeadImport.objects.filter(pk=lead_import.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), failure=f"Unexpected error: {exc}"
        )
        raise
    finally:
        if owned:
            binary_file.close()
    lead_import.refresh_from_db()
    lead_import.status = ImportStatus.FAILED if report.failure and report.rows == 0 else ImportStatus.DONE
    lead_import.failure = report.failure
    lead_import.finished_at = timezone.now()
    lead_import.errors = report.first_errors
    lead_import.rows_read, lead_import.created_count = report.rows, report.created
    lead_import.updated_count, lead_import.duplicate_count = report.updated, report.duplicates
    lead_import.error_count, lead_import.warning_count = report.errors, report.warnings
    lead_import.options = {
        **lead_import.options,
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "columns": report.columns,
    }
    if report.errors or report.warnings:
        errors.flush()
        errors.buffer.seek(0)
        name = f"errors-{lead_import.pk}.csv"
        lead_import.error_report.save(name, ContentFile(errors.buffer.read()), save=False)
    lead_import.save()
    if not lead_import.dry_run:
        # The campaigns room adds a campaign's upload to it (leads.signals).
        import_finished.send(sender=LeadImport, lead_import=lead_import)
    audit.record(
        "leads.imported" if not lead_import.dry_run else "leads.import_checked",
        lead_import,
        changes={
            "created": report.created,
            "updated": report.updated,
            "duplicates": report.duplicates,
            "errors": report.errors,
        },
    )
    return lead_import


def create_import(upload, *, actor=None, on_duplicate="skip", dry_run=False, queue=True, **options):
    """Record an uploaded file as an import; ``queue`` it to run in a Celery task after commit
    (the admin first shows a preview, then queues it with ``queue_import``)."""
    from .models import LeadImport

    check_options(options)
    lead_import = LeadImport(
        original_name=getattr(upload, "name", "upload.csv").rsplit("/", 1)[-1][:255],
        created_by=actor if actor is not None and actor.is_authenticated else None,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        options=options,
        bytes_total=getattr(upload, "size", 0) or 0,
    )
    lead_import.file.save(lead_import.original_name, upload, save=False)
    lead_import.save()
    if queue:
        queue_import(lead_import)
    return lead_import


def queue_import(lead_import) -> None:
    from .tasks import run_lead_import

    tenant_id, import_id = lead_import.tenant_id, lead_import.pk
    transaction.on_commit(lambda: run_lead_import.delay(tenant_id=tenant_id, import_id=import_id))


def check_options(options: dict) -> None:
    """Refuse options that name another tenant's branch or an unknown field (ValidationError)."""
    from core.shapes import problems

    from .schemas import CONSENT_PURPOSES, IMPORT_MAPPING

    errors = {}
    branch_id = options.get("branch_id")
    if branch_id is not None and (not isinstance(branch_id, int) or not Branch.objects.filter(pk=branch_id).exists()):
        errors["branch"] = ["No such branch."]
    for name, shape in (("mapping", IMPORT_MAPPING), ("consent_purposes", CONSENT_PURPOSES)):
        for path, message in problems(shape, options.get(name) or ([] if shape is CONSENT_PURPOSES else {})):
            errors.setdefault(f"{name}.{path}" if path else name, []).append(message)
    if options.get("source") and options["source"] not in Source.values:
        errors["source"] = ["Unknown source."]
    unknown_options = set(options) - set(ImportOptions.__dataclass_fields__) - {"branch_id"}
    if unknown_options:
        errors["non_field_errors"] = [f"Unknown import option(s): {', '.join(sorted(unknown_options))}."]
    if errors:
        raise ValidationError(errors)


def preview(upload, *, sample_rows: int = 500, **options) -> dict:
    """What an import would do with the first rows, without writing: the column mapping, the first
    rows as read, and the problems found."""
    known = set(ImportOptions.__dataclass_fields__) - {"dry_run"}
    opts = ImportOptions(dry_run=True, **{k: v for k, v in options.items() if k in known})
    importer = Importer(opts)
    try:
        source = CsvSource(upload)
    except CsvFileError as exc:
        return {"failure": str(exc)}
    try:
        mapping = map_headers(source.headers, opts.mapping, vehicles=importer.vehicles)
        importer.phone_header = source.headers[mapping.index("phone")] if "phone" in mapping else "Phone"
        first_rows, batch = [], []
        for number, values in source.rows():
            if not any(v.strip() for v in values):
                continue
            importer.report.rows += 1
            if len(first_rows) < 10:
                first_rows.append(values)
            row = importer.parse(number, values, source.headers, mapping)
            if row is not None:
                batch.append(row)
            if importer.report.rows >= sample_rows:
                break
        importer.handle_batch(batch)
    except CsvFileError as exc:
        return {"failure": str(exc)}
    finally:
        source.detach()
    report = importer.report
    return {
        "failure": "" if "phone" in mapping else "No column holds phone numbers; map one to “phone”.",
        "encoding": source.encoding,
        "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(source.delimiter, source.delimiter),
        "headers": source.headers,
        "columns": [(h, m or "custom field") for h, m in zip(source.headers, mapping, strict=True)],
        "first_rows": first_rows,
        "sampled_rows": report.rows,
        "would_create": report.created,
        "duplicates": report.duplicates,
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": report.first_errors[:50],
    }
