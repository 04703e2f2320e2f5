"""Seed the demo: two tenants (a gym and a dealership), their staff, and each room's demo data.

Idempotent: running it again changes nothing that is already there. Each room
adds its own demo data through a ``demo.py`` module with ``seed(tenant, stdout)``.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tenants import services
from tenants.models import Branch, Membership, Tenant
from tenants.roles import Role
from tenants.scoping import tenant_scope

DEMO_TENANTS = [
    {
        "slug": "iron-temple",
        "name": "Iron Temple Gym",
        "vertical": "gym",
        "legal_name": "Iron Temple Fitness LLC",
        "callback_phone": "+13055550100",
        "country": "US",
        "time_zone": "America/New_York",
        "branches": [
            {
                "name": "Downtown",
                "address": "120 Flagler St, Miami, FL 33130",
                "time_zone": "America/New_York",
                "phone": "+13055550101",
                "business_hours": {d: [["05:00", "23:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
                | {"sat": [["07:00", "20:00"]], "sun": [["08:00", "18:00"]]},
            },
            {
                "name": "Riverside",
                "address": "88 River Dr, Austin, TX 78701",
                "time_zone": "America/Chicago",
                "phone": "+15125550102",
                "business_hours": {d: [["06:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
                | {"sat": [["08:00", "18:00"]]},
            },
        ],
    },
    {
        "slug": "northside-motors",
        "name": "Northside Motors",
        "vertical": "dealership",
        "legal_name": "Northside Motors Inc.",
        "callback_phone": "+16175550100",
        "country": "US",
        "time_zone": "America/New_York",
        "branches": [
            {
                "name": "Main Rooftop",
                "address": "400 Commonwealth Ave, Boston, MA 02215",
                "time_zone": "America/New_York",
                "phone": "+16175550101",
                "business_hours": {d: [["08:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
                | {"sat": [["09:00", "17:00"]]},
            },
        ],
    },
]

DEMO_APPS = ["leads", "voice", "calls", "campaigns", "appointments", "knowledge"]


class Command(BaseCommand):
    help = "Create the demo tenants, users and data (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-pass-123", help="Password of every demo user.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with a known password; with DEBUG off, pass --force.")
        User = get_user_model()
        with transaction.atomic():
            admin = self._user(User, "admin@platform.test", password, superuser=True)
            for spec in DEMO_TENANTS:
                self._tenant(User, spec, password)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        self.stdout.write(f"  platform superuser  {admin.email:<32} {password}")
        for spec in DEMO_TENANTS:
            for role in ("owner", "agent"):
                self.stdout.write(f"  {spec['slug']:<18}  {role}@{spec['slug']}.test".ljust(54) + f" {password}")

    def _user(self, User, email, password, *, superuser=False):
        user = User._default_manager.filter(email__iexact=email).first()
        if user is None:
            user = User(username=email, email=email, is_staff=True, is_superuser=superuser)
            user.set_password(password)
            user.save()
        return user

    def _tenant(self, User, spec, password):
        spec = dict(spec)
        branches = spec.pop("branches")
        tenant = Tenant.objects.filter(slug=spec["slug"]).first()
        if tenant is None:
            tenant = services.create_tenant(**spec)
        with tenant_scope(tenant.pk):
            for branch in branches:
                Branch.objects.get_or_create(name=branch["name"], defaults=branch)
            for role in (Role.OWNER, Role.AGENT):
                user = self._user(User, f"{role}@{tenant.slug}.test", password)
                if user.first_name == "":
                    user.first_name, user.last_name = role.label, tenant.name.split()[0]
                    user.save(update_fields=["first_name", "last_name"])
                Membership.objects.get_or_create(user=user, defaults={"role": role})
            for app in DEMO_APPS:
                try:
                    demo = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                demo.seed(tenant, self.stdout)
