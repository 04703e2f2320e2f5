"""What one import run knows and tells: its options, what it reads once about the tenant (the phone
region, the date order, the zone, the staff, the scoring rules), and its report with each problem found
and each duplicate row with the lead it matched."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from core import public_ids
from core.spreadsheets import safe_cell
from tenants.models import Branch, Tenant
from tenants.scoping import current_tenant_id

from .. import phones, scoring
from ..import_columns import day_first_in
from ..models import DuplicatePolicy, Lead
from ..services import tags_named
from . import attestation

KEPT_ERRORS = 200  # the first problems kept with the import (all are in the error report)
KEPT_DUPLICATES = 200  # and the first duplicate rows
REPORT_HEADER = ["row", "column", "value", "reason", "level", "name", "email", "matched lead"]


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
    # Consent attested for the whole file (leads.importing.attestation): off unless asked for.
    consent_attested: bool = False
    consent_source: str = ""  # how they gave it: form, paper or call
    consent_source_detail: str = ""  # which form, which sheet
    consent_given_on: str = ""  # ISO date
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
    duplicate_rows: list[dict] = field(default_factory=list)  # the first KEPT_DUPLICATES, with whom they matched
    callable: int = 0  # leads created or updated that will hold consent and are not on the do-not-call list
    no_consent: int = 0  # … that will hold no consent
    on_dnc: int = 0  # … whose number is on the do-not-call list
    consents: int = 0  # consent rows recorded
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    failure: str = ""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class ImportContext:
    """The tenant in scope, as one import sees it from start to end."""

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
        self.now = timezone.now()
        self.today = self.now.astimezone(self.tz).date()
        # A date of the file is read in the order of the branch's country, else the tenant's.
        self.day_first = day_first_in(self.region)
        self.attestation = attestation.of(options)
        self.phone_header = "Phone"  # the file's phone column, once its headers are read
        self.who = ("", "")  # the name and email of the row being read, for its problems
        self._duplicates: list[tuple] = []  # (row, what it matched), told once the batch is written

    def problem(self, level: str, row: int, column: str, value: str, reason: str, *, who=None) -> None:
        """Count an ``error`` (the row is not imported) or a ``warning`` (imported without the value)."""
        name, email = self.who if who is None else who
        entry = {
            "row": row,
            "column": column,
            "value": value[:200],
            "reason": reason,
            "level": level,
            "name": name[:200],
            "email": email[:200],
        }
        if level == "error":
            self.report.errors += 1
        else:
            self.report.warnings += 1
        if len(self.report.first_errors) < KEPT_ERRORS:
            self.report.first_errors.append(entry)
        self._to_report(entry)

    def _to_report(self, entry: dict, matched: str = "") -> None:
        if self.error_sink is not None:
            row = [entry["row"], entry["column"], entry["value"], entry["reason"], entry["level"]]
            row += [entry["name"], entry["email"], matched]
            self.error_sink.writerow([safe_cell(cell) for cell in row])

    # --- duplicates ---------------------------------------------------------------------------

    def duplicate(self, row, match) -> None:
        """Count a row as a duplicate of ``match``: an existing ``Lead``, an earlier row of this batch (a
        ``ParsedRow``, whose lead exists once the batch is written), the number of an earlier row of the file,
        or None (an earlier row that was not imported). Listed by ``tell_duplicates`` after the write."""
        self.report.duplicates += 1
        self._duplicates.append((row, match))

    def tell_duplicates(self) -> None:
        """List the batch's duplicates, each with the lead (or the row) it matched."""
        for row, match in self._duplicates:
            entry = self._duplicate_entry(row, match)
            if len(self.report.duplicate_rows) < KEPT_DUPLICATES:
                self.report.duplicate_rows.append(entry)
            lead = entry["lead"]
            self._to_report(entry, public_ids.encode(Lead, lead) if lead else "")
        self._duplicates = []

    def _duplicate_entry(self, row, match) -> dict:
        lead_id, lead_name, of_row = None, "", None
        if isinstance(match, Lead):
            lead_id, lead_name = match.pk, match.full_name or match.phone
        elif isinstance(match, int):
            of_row = match
        elif match is not None:  # an earlier row of the batch
            lead_id, of_row = match.lead_id, match.number
            lead_name = f"{match.lead.get('first_name', '')} {match.lead.get('last_name', '')}".strip()
            lead_name = lead_name or match.lead["phone"]
        if of_row is not None:
            whom = f"Same person as row {of_row} of this file"
        elif lead_id is not None:
            whom = f"Already a lead: {lead_name}"
        else:
            whom = "Same person as an earlier row that was not imported"
        name, email = row.who
        return {
            "row": row.number,
            "column": self.phone_header,
            "value": row.lead["phone"],
            "reason": f"{whom}; {_POLICY_WORDS[self.options.on_duplicate]}",
            "level": "duplicate",
            "name": name[:200],
            "email": email[:200],
            "lead": lead_id,
            "lead_name": lead_name[:200],
            "of_row": of_row,
        }


_POLICY_WORDS = {
    DuplicatePolicy.SKIP: "skipped.",
    DuplicatePolicy.UPDATE: "the row updated it.",
    DuplicatePolicy.MERGE: "the row filled in what it lacked.",
}
