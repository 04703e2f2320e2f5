"""One import of a CSV file: its rows read, parsed (``rows``), sorted against duplicates
(``duplicates``) and written (``writer``) a batch at a time, each batch in its own transaction.
``import_csv`` runs it; ``preview`` runs the same loop over the first rows without writing. Each batch also
counts how many of the leads it creates or updates will be callable afterwards (consent, do-not-call)."""

import csv
import io
import tempfile
from collections.abc import Callable

from django.db import transaction

from ..csv_source import CsvFileError, CsvSource
from ..import_columns import map_headers
from ..models import Consent, DoNotCall, DuplicatePolicy
from .context import REPORT_HEADER, ImportContext, ImportOptions, ImportReport
from .duplicates import Duplicates
from .rows import RowParser
from .writer import LeadWriter

BATCH_SIZE = 2000

Progress = Callable[[ImportReport, int], None]


class Importer:
    def __init__(self, options: ImportOptions, *, source_import=None, error_sink=None):
        self.options = options
        self.context = ImportContext(options, source_import=source_import, error_sink=error_sink)
        self.report = self.context.report
        self.vehicles = self.context.vehicles
        self.parser = RowParser(self.context)
        self.duplicates = Duplicates(self.context)
        self.writer = LeadWriter(self.context)

    def map_columns(self, source: CsvSource) -> list[str | None]:
        """What each column of the file holds (the options' mapping first); notes the phone column."""
        mapping = map_headers(source.headers, self.options.mapping, vehicles=self.vehicles)
        if "phone" in mapping:
            self.context.phone_header = source.headers[mapping.index("phone")]
        return mapping

    def handle_batch(self, rows: list) -> None:
        to_create, to_change = self.duplicates.sort(rows)
        updating = self.options.on_duplicate != DuplicatePolicy.SKIP
        self.count_callable(to_create, to_change if updating else {})
        if self.options.dry_run:
            self.report.created += len(to_create)
            if updating:
                self.report.updated += len(to_change)
            self.context.tell_duplicates()
            return
        with transaction.atomic():
            created = self.writer.create(to_create)
            updated = self.writer.change(to_change) if updating else 0
        self.report.created += created
        self.report.updated += updated
        self.context.tell_duplicates()

    def count_callable(self, to_create: list, to_change: dict) -> None:
        """Of the people a batch creates or updates: how many will hold consent afterwards (their row's consent
        column, the attestation, or a consent the lead already holds for its number) and are not on the
        do-not-call list. The gate's other rules (hours, frequency) are about when, not whether."""
        attested = self.context.attestation is not None

        def consents(row) -> bool:
            return row.consent[0] if row.consent else attested

        people = {row.lead["phone"]: consents(row) for row in to_create}
        if to_change:
            held = set(
                Consent.objects.filter(lead_id__any=list(to_change), revoked_at__isnull=True).values_list(
                    "lead_id", "phone"
                )
            )
            for lead, rows in to_change.values():
                people[lead.phone] = (lead.pk, lead.phone) in held or any(consents(row) for row in rows)
        if not people:
            return
        on_dnc = set(DoNotCall.objects.filter(phone__any=list(people)).values_list("phone", flat=True))
        for phone, consented in people.items():
            if phone in on_dnc:
                self.report.on_dnc += 1
            elif consented:
                self.report.callable += 1
            else:
                self.report.no_consent += 1

    def read(
        self,
        source: CsvSource,
        mapping: list[str | None],
        *,
        progress: Progress | None = None,
        on_row: Callable[[list[str]], None] | None = None,
        limit: int | None = None,
    ) -> None:
        """Every non-blank row of the file (or the first ``limit``), parsed and handled a batch at a time."""
        batch = []
        for number, values in source.rows():
            if not any(v.strip() for v in values):
                continue  # blank line
            self.report.rows += 1
            if on_row is not None:
                on_row(values)
            row = self.parser.parse(number, values, source.headers, mapping)
            if row is not None:
                batch.append(row)
            if len(batch) >= BATCH_SIZE:
                self.handle_batch(batch)
                batch = []
                if progress:
                    progress(self.report, source.bytes_read)
            if limit is not None and self.report.rows >= limit:
                break
        if batch or limit is not None:
            self.handle_batch(batch)

    def run(self, source: CsvSource, progress: Progress | None = None) -> ImportReport:
        report = self.report
        report.encoding, report.delimiter = source.encoding, source.delimiter
        mapping = self.map_columns(source)
        report.columns = {h: (m or "custom field") for h, m in zip(source.headers, mapping, strict=True)}
        if "phone" not in mapping:
            raise CsvFileError(
                "No column holds phone numbers (looked for Phone, Mobile, Cell, Phone Number…). "
                f"The columns are: {', '.join(source.headers)}. Map one to “phone”."
            )
        self.read(source, mapping, progress=progress)
        if report.rows == 0:
            report.failure = "The file has column names but no rows to import."
        if progress:
            progress(report, source.bytes_total or source.bytes_read)
        return report


def import_csv(
    binary_file,
    options: ImportOptions,
    *,
    source_import=None,
    progress: Progress | None = None,
    error_report=None,
) -> ImportReport:
    """Import a CSV (a binary file object) into the tenant in scope. Never raises for bad content:
    a file that cannot be read at all comes back with ``failure`` set."""
    sink = csv.writer(error_report) if error_report is not None else None
    if sink is not None:
        sink.writerow(REPORT_HEADER)
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


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def preview(upload, *, sample_rows: int = 500, **options) -> dict:
    """What an import would do with the first rows, without writing: the column mapping, the first
    rows as read, the problems found, the duplicate rows with the lead each matched, and how many of the
    leads will be callable afterwards."""
    known = set(ImportOptions.__dataclass_fields__) - {"dry_run"}
    importer = Importer(ImportOptions(dry_run=True, **{k: v for k, v in options.items() if k in known}))
    try:
        source = CsvSource(upload)
    except CsvFileError as exc:
        return {"failure": str(exc)}
    first_rows = []

    def keep_first(values: list[str]) -> None:
        if len(first_rows) < 10:
            first_rows.append(values)

    try:
        mapping = importer.map_columns(source)
        importer.read(source, mapping, on_row=keep_first, limit=sample_rows)
    except CsvFileError as exc:
        return {"failure": str(exc)}
    finally:
        source.detach()
    report = importer.report
    return {
        "failure": "" if "phone" in mapping else "No column holds phone numbers; map one to “phone”.",
        "encoding": source.encoding,
        "delimiter": _DELIMITER_NAMES.get(source.delimiter, source.delimiter),
        "headers": source.headers,
        "columns": [(h, m or "custom field") for h, m in zip(source.headers, mapping, strict=True)],
        "first_rows": first_rows,
        "sampled_rows": report.rows,
        "would_create": report.created,
        "duplicates": report.duplicates,
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": report.first_errors[:50],
        "duplicate_rows": report.duplicate_rows[:50],
        "callable": report.callable,
        "no_consent": report.no_consent,
        "on_dnc": report.on_dnc,
        "attested": importer.context.attestation is not None,
    }
