"""Import a do-not-call registry file for one business: the National Registry's area-code download, or a
state's list (docs/compliance.md#do-not-call-registries). A bad file changes nothing and says why, by line.

    python manage.py import_dnc_registry FILE --tenant SLUG --downloaded-on YYYY-MM-DD [--registry US|XX]
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from leads import registries
from tenants.models import Tenant
from tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = "Import a do-not-call registry file (National Registry area codes, or a state's list) for a business."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The flat text file: one number per line.")
        parser.add_argument("--tenant", required=True, help="The business's slug.")
        parser.add_argument("--downloaded-on", required=True, help="The day it was downloaded (YYYY-MM-DD).")
        parser.add_argument("--registry", default="US", help="US (the national registry) or a state's two letters.")

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No business with the slug {options['tenant']!r}.")
        try:
            downloaded_on = date.fromisoformat(options["downloaded_on"])
        except ValueError:
            raise CommandError(f"--downloaded-on {options['downloaded_on']!r} is not a date (YYYY-MM-DD).") from None
        try:
            with open(options["file"], encoding="utf-8-sig", errors="replace") as lines, tenant_scope(tenant.pk):
                imported = registries.import_file(
                    lines, registry=options["registry"], downloaded_on=downloaded_on, file_name=options["file"]
                )
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        except registries.RegistryFileError as error:
            raise CommandError("Nothing imported:\n" + "\n".join(error.messages)) from None
        self.stdout.write(f"Imported {imported.numbers:,} numbers: {imported}.")
