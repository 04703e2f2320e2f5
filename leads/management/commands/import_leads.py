"""manage.py import_leads FILE --tenant SLUG [--dry-run] [--on-duplicate skip|update|merge] [--tag NAME]
[--branch NAME] [--consent-attested --consent-source form|paper|call --consent-given-on DATE
--consent-disclosure-version V --consent-purpose P …]: the command door into leads.importing."""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from leads import importing
from leads.importing import attestation
from leads.models import DuplicatePolicy, LeadImport
from leads.purposes import Purpose
from tenants.models import Branch, Tenant
from tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = "Import leads from a CSV file into a tenant, with a progress bar and a summary."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--tenant", required=True, help="Tenant slug.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument("--on-duplicate", choices=DuplicatePolicy.values, default=DuplicatePolicy.SKIP)
        parser.add_argument("--tag", action="append", default=[], help="Tag every imported lead (repeatable).")
        parser.add_argument("--branch", help="Branch name for every imported lead.")
        parser.add_argument("--source", help="Source for every imported lead (e.g. walk_in).")
        parser.add_argument("--errors", type=Path, help="Also write the error report CSV here.")
        consent = parser.add_argument_group(
            "consent", "A consent column's purposes and disclosure, or consent attested for the whole file."
        )
        consent.add_argument(
            "--consent-attested",
            action="store_true",
            help="Attest that every person in the file gave consent: each lead gets a consent record with the "
            "evidence below (all required). Audited.",
        )
        consent.add_argument("--consent-source", choices=[k for k, _ in attestation.HOW], help="How they gave it.")
        consent.add_argument("--consent-source-detail", default="", help="Which form or sheet.")
        consent.add_argument("--consent-given-on", default="", help="The day they gave it (YYYY-MM-DD).")
        consent.add_argument("--consent-disclosure-version", default="", help="The version of the text they agreed to.")
        consent.add_argument(
            "--consent-purpose", action="append", default=[], choices=Purpose.values, help="A purpose (repeatable)."
        )

    def handle(self, *args, file, tenant, dry_run, on_duplicate, tag, branch, source, errors, **options):
        consent = {
            "consent_attested": options["consent_attested"],
            "consent_source": options["consent_source"] or "",
            "consent_source_detail": options["consent_source_detail"],
            "consent_given_on": options["consent_given_on"],
            "consent_disclosure_version": options["consent_disclosure_version"],
            "consent_purposes": options["consent_purpose"],
        }
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None:
            raise CommandError(f"No tenant with slug “{tenant}”.")
        with tenant_scope(tenant_obj.pk):
            options = {"tags": tag, **{key: value for key, value in consent.items() if value}}
            if source:
                options["source"] = source
            if branch:
                branch_obj = Branch.objects.filter(name__iexact=branch).first()
                if branch_obj is None:
                    names = ", ".join(Branch.objects.values_list("name", flat=True))
                    raise CommandError(f"No branch “{branch}” in {tenant_obj.name} (branches: {names}).")
                options["branch_id"] = branch_obj.pk
            try:
                importing.check_options(options)
            except ValidationError as exc:
                problems = "; ".join(f"{name}: {' '.join(found)}" for name, found in exc.message_dict.items())
                raise CommandError(problems) from exc
            lead_import = LeadImport.objects.create(
                original_name=file.name,
                dry_run=dry_run,
                on_duplicate=on_duplicate,
                options=options,
                bytes_total=file.stat().st_size,
            )
            with file.open("rb") as handle:
                lead_import = importing.run_import(lead_import, binary_file=File(handle), on_progress=self._progress)
            self.stderr.write("")
            self._summary(lead_import, errors)

    def _progress(self, report, bytes_read):
        total = getattr(self, "_total", None)
        if total is None:
            return
        width = 30
        done = min(width, int(width * bytes_read / total)) if total else width
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {report.rows:>8} rows  {report.created:>8} new")
        sys.stderr.flush()

    def execute(self, *args, **options):
        file = options.get("file") or (args[0] if args else None)
        self._total = Path(file).stat().st_size if file and Path(file).is_file() else None
        return super().execute(*args, **options)

    def _summary(self, lead_import, errors_path):
        if lead_import.failure and lead_import.rows_read == 0:
            raise CommandError(lead_import.failure)
        verb = "Checked" if lead_import.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {lead_import.original_name}: {lead_import.rows_read} rows, {lead_import.created_count} new, "
            f"{lead_import.updated_count} updated, {lead_import.duplicate_count} already known, "
            f"{lead_import.error_count} errors, {lead_import.warning_count} warnings."
        )
        options = lead_import.options
        self.stdout.write(
            f"Callable afterwards: {options.get('callable', 0)}; without consent: {options.get('no_consent', 0)}; "
            f"on the do-not-call list: {options.get('on_dnc', 0)}."
        )
        if lead_import.failure:
            self.stdout.write(self.style.WARNING(lead_import.failure))
        problems = [e for e in lead_import.errors if e.get("level") != "duplicate"]
        duplicates = [e for e in lead_import.errors if e.get("level") == "duplicate"]
        for entry in problems[:20]:
            who = ", ".join(part for part in (entry.get("name"), entry.get("email")) if part)
            self.stdout.write(f"  row {entry['row']}, {entry['column']}: {entry['reason']}{f' ({who})' if who else ''}")
        for entry in duplicates[:20]:
            self.stdout.write(f"  row {entry['row']} ({entry['value']}): {entry['reason']}")
        if lead_import.error_count + lead_import.warning_count > 20 or lead_import.duplicate_count > 20:
            self.stdout.write("  … and more: see the error report.")
        if errors_path and lead_import.error_report:
            errors_path.write_bytes(lead_import.error_report.open("rb").read())
            self.stdout.write(f"Error report: {errors_path}")
