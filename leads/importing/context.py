"""What one import run knows and tells: its options, what it reads once about the tenant (the phone
region, the zone, the staff, the scoring rules), and its report with each problem found."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.spreadsheets import safe_cell
from tenants.models import Branch, Tenant
from tenants.scoping import current_tenant_id

from .. import phones, scoring
from ..models import DuplicatePolicy
from ..services import tags_named

KEPT_ERRORS = 200


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
        self.phone_header = "Phone"  # the file's phone column, once its headers are read

    def problem(self, level: str, row: int, column: str, value: str, reason: str) -> None:
        """Count an ``error`` (the row is not imported) or a ``warning`` (imported without the value)."""
        entry = {"row": row, "column": column, "value": value[:200], "reason": reason, "level": level}
        if level == "error":
            self.report.errors += 1
        else:
            self.report.warnings += 1
        if len(self.report.first_errors) < KEPT_ERRORS:
            self.report.first_errors.append(entry)
        if self.error_sink is not None:
            self.error_sink.writerow([entry["row"], column, safe_cell(entry["value"]), reason, level])
