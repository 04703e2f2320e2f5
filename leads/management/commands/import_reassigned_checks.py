"""Import the answers of a Reassigned Numbers Database query for one business (docs/compliance.md#reassigned-numbers).
A file with a bad row changes nothing and names the row and column.

    python manage.py import_reassigned_checks FILE --tenant SLUG
"""

from django.core.management.base import BaseCommand, CommandError

from leads import reassigned
from tenants.models import Tenant
from tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = "Import Reassigned Numbers Database answers (CSV: phone, date, result[, checked on]) for a business."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--tenant", required=True, help="The business's slug.")

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No business with the slug {options['tenant']!r}.")
        try:
            with open(options["file"], encoding="utf-8-sig", errors="replace") as lines, tenant_scope(tenant.pk):
                count = reassigned.import_results(lines)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        except reassigned.ReassignedFileError as error:
            raise CommandError("Nothing imported:\n" + "\n".join(error.messages)) from None
        self.stdout.write(f"Imported {count:,} answers.")
