"""Writing an import's batch: new leads (with ``COPY`` on PostgreSQL, ids reserved from the sequence
first; elsewhere ``bulk_create``), their tags, consents and vehicles, and the ``update`` or ``merge``
policy applied to the existing leads rows matched. The number of queries per batch does not depend
on the batch size."""

import json
import operator
from datetime import datetime, time
from types import SimpleNamespace

from django.db import IntegrityError, connection, models, transaction

from .. import scoring
from ..models import Consent, ConsentKind, ConsentSource, DuplicatePolicy, Lead, LeadTag, Source, Vehicle
from ..search import search_text
from ..services import tags_named
from ..vehicles import next_service_due
from .context import ImportContext
from .duplicates import Matches
from .rows import ParsedRow

# Every column of the lead table, in the model's order: COPY names them all, so none can be forgotten.
_FIELDS = Lead._meta.concrete_fields
COPY_COLUMNS = [f.column for f in _FIELDS]
_ATTNAMES = [f.attname for f in _FIELDS]
_JSON_POSITIONS = [i for i, f in enumerate(_FIELDS) if isinstance(f, models.JSONField)]
_VEHICLE_UPDATES = [
    "lead",
    "year",
    "make",
    "model",
    "mileage",
    "mileage_read_at",
    "last_service_date",
    "next_service_due",
]


class LeadRecord(SimpleNamespace):
    """A new lead as plain attributes (``Lead``'s attnames): 100,000 Lead() constructions cost more than the COPY."""

    @property
    def pk(self):
        return self.id


def copy_leads(leads: list[LeadRecord]) -> None:
    """Insert leads with COPY, ids reserved from the table's sequence first (one query each)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('leads_lead', 'id')) FROM generate_series(1, %s)", [len(leads)]
        )
        for lead, (pk,) in zip(leads, cursor.fetchall(), strict=True):
            lead.id = pk
        values_of = operator.attrgetter(*_ATTNAMES)
        as_json: dict[int, str] = {}  # leads scored alike share one explanation list: encoded once
        with cursor.cursor.copy(f"COPY leads_lead ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for lead in leads:
                row = list(values_of(lead))
                for position in _JSON_POSITIONS:
                    value = row[position]
                    encoded = as_json.get(id(value))
                    if encoded is None:
                        encoded = as_json[id(value)] = json.dumps(value)
                    row[position] = encoded
                copy.write_row(row)


class LeadWriter:
    def __init__(self, context: ImportContext):
        self.context = context
        self.options = context.options
        self.new_lead = {
            **{f.attname: f.get_default() for f in _FIELDS},
            "tenant_id": context.tenant.pk,
            "branch_id": self.options.branch_id,
            "source": Source.IMPORT,
            "created_at": context.now,
            "updated_at": context.now,
            "source_import_id": context.source_import.pk if context.source_import else None,
        }

    # --- new leads ----------------------------------------------------------------------

    def _record(self, row: ParsedRow) -> LeadRecord:
        values = {**self.new_lead, "custom_fields": {}, **row.lead}
        if self.options.source:
            values["source"] = self.options.source
        values["interest"] = values["interest"][:120]
        # COPY bypasses Lead.save and the manager's bulk writes, which fill it elsewhere.
        values["search_text"] = search_text(values["first_name"], values["last_name"], values["email"])
        return LeadRecord(**values)

    def create(self, rows: list[ParsedRow]) -> int:
        if not rows:
            return 0
        leads = [self._record(row) for row in rows]
        scoring.apply_scores(leads, self.context.rules)
        try:
            with transaction.atomic():
                self._insert(leads)
        except IntegrityError:
            # Someone created one of these numbers meanwhile: take it as a duplicate of that lead and go on.
            taken = {lead.phone: lead for lead in Lead.objects.filter(phone__any=[lead.phone for lead in leads])}
            kept = [(lead, row) for lead, row in zip(leads, rows, strict=True) if lead.phone not in taken]
            for row in rows:
                if row.lead["phone"] in taken:
                    self.context.duplicate(row, taken[row.lead["phone"]])
            leads, rows = [lead for lead, _ in kept], [row for _, row in kept]
            for lead in leads:
                lead.id = None
            self._insert(leads)
        for lead, row in zip(leads, rows, strict=True):
            row.lead_id = lead.pk  # the report links the row's repeats to it
        self._attach(leads, rows)
        return len(leads)

    def _insert(self, leads: list[LeadRecord]) -> None:
        if connection.vendor == "postgresql":
            copy_leads(leads)
            return
        instances = [Lead(**{name: getattr(lead, name) for name in _ATTNAMES}) for lead in leads]
        Lead.objects.bulk_create(instances, batch_size=500)
        for lead, instance in zip(leads, instances, strict=True):
            lead.id = instance.pk

    def _attach(self, leads: list, rows: list[ParsedRow]) -> None:
        """Tags, consents and vehicles of just-created (or just-matched) leads."""
        row_tags = tags_named({name for row in rows for name in row.tags}) if any(r.tags for r in rows) else []
        by_name = {tag.name.lower(): tag for tag in row_tags}
        links = []
        for lead, row in zip(leads, rows, strict=True):
            links.extend(LeadTag(lead_id=lead.pk, tag_id=tag.pk) for tag in self.context.import_tags)
            links.extend(
                LeadTag(lead_id=lead.pk, tag_id=by_name[n.lower()].pk) for n in row.tags if n.lower() in by_name
            )
        if links:
            LeadTag.objects.bulk_create(links, ignore_conflicts=True, batch_size=5000)
        attested = self.context.attestation is not None
        self._add_consents([(lead, row) for lead, row in zip(leads, rows, strict=True) if row.consent or attested])
        self._add_vehicles([(lead, row) for lead, row in zip(leads, rows, strict=True) if row.vehicle])

    def _add_consents(self, pairs) -> None:
        """The consent of each row whose consent column says yes, or of every row but those saying no when the
        file's consent is attested (leads.importing.attestation: that evidence, recorded by the importer)."""
        context, consents = self.context, []
        attested, source_import = context.attestation, context.source_import
        file_name = source_import.original_name if source_import else ""
        attested_leads: set[int] = set()  # one attested consent per lead, however many rows repeat the person
        for lead, row in pairs:
            agreed, day = row.consent or (True, None)
            if not agreed or lead.pk in attested_leads:
                continue
            if attested is not None:
                attested_leads.add(lead.pk)
                consent = Consent(
                    kind=attested.kind,
                    purposes=list(attested.purposes),
                    captured_at=attested.captured_at(context.tz, day),
                    source=attested.source,
                    source_detail=attested.source_detail(file_name),
                    disclosure_version=attested.disclosure_version,
                    recorded_by_id=source_import.created_by_id if source_import else None,
                )
            else:
                consent = Consent(
                    kind=ConsentKind.EXPRESS_WRITTEN,
                    purposes=self.options.consent_purposes,
                    captured_at=datetime.combine(day, time(12), context.tz) if day else context.now,
                    source=ConsentSource.IMPORT,
                    source_detail=file_name,
                    disclosure_version=self.options.consent_disclosure_version,
                )
            consent.tenant_id, consent.lead_id, consent.phone = context.tenant.pk, lead.pk, lead.phone
            consents.append(consent)
        if consents:
            Consent.objects.bulk_create(consents, batch_size=2000)
        context.report.consents += len(consents)

    def _add_vehicles(self, pairs) -> None:
        if not pairs:
            return
        existing = {v.vin: v for v in Vehicle.objects.filter(vin__in=[row.vehicle["vin"] for _, row in pairs])}
        new, changed = [], []
        for lead, row in pairs:
            vehicle = existing.get(row.vehicle["vin"])
            if vehicle is None:
                vehicle = Vehicle(tenant_id=self.context.tenant.pk, lead_id=lead.pk, **row.vehicle)
                existing[vehicle.vin] = vehicle
                new.append(vehicle)
            else:  # the car changed hands, or the file repeats it: it belongs to this lead now
                vehicle.lead_id = lead.pk
                for key, value in row.vehicle.items():
                    if value is not None:
                        setattr(vehicle, key, value)
                changed.append(vehicle)
        for vehicle in new + changed:
            vehicle.next_service_due = next_service_due(vehicle)
        if new:
            Vehicle.objects.bulk_create(new, batch_size=2000)
        if changed:
            Vehicle.objects.bulk_update(changed, _VEHICLE_UPDATES, batch_size=2000)

    # --- existing leads -------------------------------------------------------------------

    def change(self, matches: Matches) -> int:
        """Apply the update or merge policy to existing leads; returns how many actually changed."""
        changed_leads, pairs_for_extras = [], []
        fields = {"updated_at", "score", "score_explanation"}
        for lead, rows in matches.values():
            changed = False
            for row in rows:
                found = self._apply(lead, row)
                fields |= found
                changed = changed or bool(found)
                if row.tags or row.consent or row.vehicle or self.context.import_tags or self.context.attestation:
                    pairs_for_extras.append((lead, row))
            if changed:
                lead.updated_at = self.context.now
                changed_leads.append(lead)
        if changed_leads:
            scoring.apply_scores(changed_leads, self.context.rules)
            Lead.objects.bulk_update(changed_leads, sorted(fields), batch_size=1000)
        if pairs_for_extras:
            self._attach([lead for lead, _ in pairs_for_extras], [row for _, row in pairs_for_extras])
        return len(changed_leads)

    def _apply(self, lead: Lead, row: ParsedRow) -> set[str]:
        """One row's values onto the lead it matched, under the policy; the fields it changed."""
        policy = self.options.on_duplicate
        values = {k: v for k, v in row.lead.items() if k not in ("phone", "created_at", "imported_history")}
        if self.options.source and policy == DuplicatePolicy.UPDATE:
            values["source"] = self.options.source
        if lead.phone != row.lead["phone"]:
            values.pop("email", None)  # matched by email: the row's other number is not taken over
        changed = set()
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
                changed.add(key)
        return changed
