from django.core.management.base import BaseCommand

from tenants.backends import forget_role_permissions
from tenants.roles import sync_roles


class Command(BaseCommand):
    help = "Set the role groups' permissions from tenants/roles.py (also runs after every migrate)."

    def handle(self, *args, **options):
        counts = sync_roles()
        forget_role_permissions()
        for role, count in counts.items():
            self.stdout.write(f"{role}: {count} permissions")
