"""manage.py import_knowledge DIR --tenant SLUG [--category C] [--branch NAME]: the command door into
knowledge.services.import_folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge import services
from knowledge.models import Category
from tenants.models import Branch, Tenant
from tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = (
        "Load a folder of Markdown or text files as knowledge entries (title from the first heading; "
        "a file whose title exists updates that entry). Files in a folder named after a category "
        "(pricing, hours, classes, …) get that category."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--tenant", required=True, help="Tenant slug.")
        parser.add_argument("--category", choices=Category.values, help="Category of every file.")
        parser.add_argument("--branch", help="Branch name: the entries are that branch's own.")

    def handle(self, *args, folder, tenant, category, branch, **options):
        if not folder.is_dir():
            raise CommandError(f"No such folder: {folder}")
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None:
            raise CommandError(f"No tenant with slug “{tenant}”.")
        with tenant_scope(tenant_obj.pk):
            branch_obj = None
            if branch:
                branch_obj = Branch.objects.filter(name__iexact=branch).first()
                if branch_obj is None:
                    raise CommandError(f"{tenant_obj.name} has no branch named “{branch}”.")
            report = services.import_folder(folder, category=category, branch=branch_obj)
        self.stdout.write(
            f"{tenant_obj.name}: {report['created']} created, {report['updated']} updated, "
            f"{report['unchanged']} unchanged, {len(report['errors'])} not imported."
        )
        for name, reason in report["errors"]:
            self.stdout.write(f"  {name}: {reason}")
        if report["errors"] and not (report["created"] or report["updated"] or report["unchanged"]):
            raise CommandError("Nothing could be imported.")
