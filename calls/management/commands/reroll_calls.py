"""manage.py reroll_calls [--tenant SLUG]: the command door into calls.rollups.forget, after calls
were written around the ORM's signals (a raw SQL fix, a restore): the dashboard's day rollups are made
again from the calls at the next read."""

from django.core.management.base import BaseCommand, CommandError

from calls import rollups
from tenants.models import Tenant
from tenants.scoping import tenant_scope


class Command(BaseCommand):
    help = "Forget the dashboard's day rollups of calls (of one tenant, or all): the next view rolls them up again."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Tenant slug (default: every tenant).")

    def handle(self, *args, tenant=None, **options):
        tenants = Tenant.objects.all()
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant with slug “{tenant}”.")
        forgotten = 0
        for each in tenants:
            with tenant_scope(each.pk):
                forgotten += rollups.forget()
        self.stdout.write(f"Forgot {forgotten} rolled-up days; they are rolled up again when next viewed.")
