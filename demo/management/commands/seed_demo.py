"""Seed the demo: two tenants (a gym and a dealership), their staff, and each room's demo data (``demo.seed``).

Idempotent: running it again changes nothing that is already there.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import seed, tenants


class Command(BaseCommand):
    help = "Create the demo tenants, users and data (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-pass-123", help="Password of every demo user.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with a known password; with DEBUG off, pass --force.")
        admin = seed.seed(self.stdout, password)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        self.stdout.write(f"  platform superuser  {admin.email:<32} {password}")
        for spec in tenants.TENANTS:
            for role in ("owner", "agent"):
                self.stdout.write(f"  {spec['slug']:<18}  {role}@{spec['slug']}.test".ljust(54) + f" {password}")
