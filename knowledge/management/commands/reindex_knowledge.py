"""manage.py reindex_knowledge [--tenant SLUG]: cut and index every entry and ready document again
(after a change of the tenant's language, or of the chunking rules)."""

from django.core.management.base import BaseCommand, CommandError

from knowledge import services
from tenants.models import Tenant
from tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = "Re-index the knowledge base of one tenant (or of every tenant)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Tenant slug; default every tenant.")

    def handle(self, *args, tenant, **options):
        tenants = Tenant.objects.filter(slug=tenant) if tenant else Tenant.objects.all()
        if tenant and not tenants.exists():
            raise CommandError(f"No tenant with slug “{tenant}”.")
        for each in tenants:
            with tenant_scope(each.pk):
                chunks = services.reindex_all()
            self.stdout.write(f"{each.name}: {chunks} chunks indexed.")
