"""Import runs recorded as ``LeadImport``: an upload recorded (``create_import``), owed to a worker from
``queued_at`` (``queue_import``: woken after the commit, and again by beat's sweeper if that message was
lost), run from its stored file with its progress and outcome saved (``run_import``); ``import_finished``
(leads.signals) is sent after a real run."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from core import public_ids
from core.wakeup import wake
from tenants import audit
from tenants.models import Branch, Tenant
from tenants.scoping import current_tenant_id

from ..models import ImportStatus, LeadImport, Source
from ..signals import import_finished
from . import attestation
from .context import ImportOptions, ImportReport
from .importer import import_csv, new_error_report


def options_of(lead_import) -> ImportOptions:
    known = set(ImportOptions.__dataclass_fields__) - {"on_duplicate", "dry_run"}
    stored = {k: v for k, v in lead_import.options.items() if k in known}
    return ImportOptions(on_duplicate=lead_import.on_duplicate, dry_run=lead_import.dry_run, **stored)


def run_import(lead_import, *, binary_file=None, on_progress=None):
    """Run a recorded import (from its stored file, or ``binary_file``), saving progress and the outcome."""
    now = timezone.now()
    claimed = LeadImport.objects.filter(pk=lead_import.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=now, alive_at=now
    )
    if not claimed:
        return lead_import  # already run (a duplicate task delivery)
    lead_import.refresh_from_db()

    def progress(report: ImportReport, bytes_read: int) -> None:
        LeadImport.objects.filter(pk=lead_import.pk).update(
            alive_at=timezone.now(),
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
    lead_import.rows_read, lead_import.created_count = report.rows, report.created
    lead_import.updated_count, lead_import.duplicate_count = report.updated, report.duplicates
    lead_import.error_count, lead_import.warning_count = report.errors, report.warnings
    # The first problems, then the first duplicate rows (``level`` "duplicate", with the lead each matched).
    lead_import.errors = report.first_errors + report.duplicate_rows
    lead_import.options = {
        **lead_import.options,
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "columns": report.columns,
        "callable": report.callable,
        "no_consent": report.no_consent,
        "on_dnc": report.on_dnc,
    }
    if report.errors or report.warnings or report.duplicates:
        errors.flush()
        errors.buffer.seek(0)
        name = f"errors-{public_ids.of(lead_import)}.csv"
        lead_import.error_report.save(name, ContentFile(errors.buffer.read()), save=False)
    if lead_import.file:
        # The rows are in the leads now (or were only checked): the file would only hold people.
        lead_import.file.delete(save=False)
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
            "callable": report.callable,
        },
    )
    attested = attestation.of(options_of(lead_import))
    if attested is not None and not lead_import.dry_run:
        attestation.record(lead_import, attested, report.consents)
    return lead_import


MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # about two million rows: the limit of every door (admin, API, campaigns)


def check_upload(upload) -> None:
    """Refuse a file over MAX_UPLOAD_BYTES (ValidationError on ``file``), before anything is stored."""
    size = getattr(upload, "size", 0) or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": [f"The file is {size // 2**20} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB."]}
        )


def create_import(upload, *, actor=None, on_duplicate="skip", dry_run=False, queue=True, **options):
    """Record an uploaded file as an import; ``queue`` it to run in a Celery task after commit
    (the admin first shows a preview, then queues it with ``queue_import``)."""
    check_upload(upload)
    check_options(options)
    lead_import = LeadImport(
        tenant_id=current_tenant_id(),  # before the file is stored: its folder is the tenant's
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
    """The import is owed from now (``queued_at``): a worker is woken after the commit, and beat's sweeper
    wakes one again for an import still waiting a minute later (its message was lost)."""
    LeadImport.objects.filter(pk=lead_import.pk).update(queued_at=timezone.now())
    _wake(lead_import.tenant_id, lead_import.pk)


def _wake(tenant_id: int, import_id: int) -> None:
    from ..tasks import run_lead_import

    wake(run_lead_import, tenant_id=tenant_id, import_id=import_id)


STALLED_AFTER = timedelta(minutes=5)  # a run saves its progress every batch, a few seconds apart
UNCONFIRMED_FOR = timedelta(hours=24)  # a previewed upload nobody started is deleted after this


def sweep_waiting(now=None) -> int:
    """Beat: wake a worker for every import queued over a minute ago and still waiting, and start again every
    run silent for STALLED_AFTER (its worker died: it goes back to waiting, and the new run finds the rows
    the first one wrote as duplicates, so nobody is created twice). Any tenant."""
    now = now or timezone.now()
    imports = LeadImport.objects.unscoped()
    silent = Q(alive_at__lt=now - STALLED_AFTER) | Q(alive_at__isnull=True, started_at__lt=now - STALLED_AFTER)
    for import_id, alive_at in imports.filter(silent, status=ImportStatus.RUNNING).values_list("pk", "alive_at"):
        imports.filter(pk=import_id, status=ImportStatus.RUNNING, alive_at=alive_at).update(
            status=ImportStatus.PENDING, queued_at=now - timedelta(minutes=1, seconds=1)
        )
    waiting = imports.filter(status=ImportStatus.PENDING, queued_at__lt=now - timedelta(minutes=1))
    rows = list(waiting.values_list("tenant_id", "pk"))
    for tenant_id, import_id in rows:
        _wake(tenant_id, import_id)
    _drop_unconfirmed(imports, now)
    return len(rows)


def _drop_unconfirmed(imports, now) -> None:
    """A preview nobody started within UNCONFIRMED_FOR: its upload (people's data) is deleted, the import
    fails saying so, and it can no longer be started."""
    stale = imports.filter(status=ImportStatus.PENDING, queued_at__isnull=True, created_at__lt=now - UNCONFIRMED_FOR)
    for lead_import in stale.exclude(file=""):
        lead_import.file.delete(save=False)
        lead_import.status = ImportStatus.FAILED
        lead_import.failure = "Not started within 24 hours of the upload; the file was deleted. Upload it again."
        lead_import.finished_at = now
        lead_import.save(update_fields=["file", "status", "failure", "finished_at"])


def check_options(options: dict) -> None:
    """Refuse options that name another tenant's branch or an unknown field, or attest consent without its
    whole evidence (ValidationError, by option)."""
    from core.shapes import problems

    from ..schemas import CONSENT_PURPOSES, IMPORT_MAPPING

    errors = {}
    tenant = Tenant.objects.get(pk=current_tenant_id())
    today = timezone.localdate(timezone=ZoneInfo(tenant.time_zone))
    for name, message in attestation.problems(options, today).items():
        errors.setdefault(name, []).append(message)
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
