from django.core.management.base import BaseCommand

from voice.services import rotate_secrets


class Command(BaseCommand):
    help = "Re-encrypt provider secrets with the first key of FIELD_ENCRYPTION_KEYS (after adding a new key first)."

    def handle(self, *args, **options):
        self.stdout.write(f"Re-encrypted the secrets of {rotate_secrets()} provider accounts.")
