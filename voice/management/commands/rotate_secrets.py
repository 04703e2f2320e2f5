from django.core.management.base import BaseCommand

from voice.services import rotate_secrets


class Command(BaseCommand):
    help = "Re-encrypt provider secrets with the first key of FIELD_ENCRYPTION_KEYS (after adding a new key first)."

    def handle(self, *args, **options):
        rotated, unreadable = rotate_secrets()
        self.stdout.write(f"Re-encrypted the secrets of {rotated} provider accounts.")
        if unreadable:
            ids = ", ".join(str(pk) for pk in unreadable)
            self.stderr.write(
                f"{len(unreadable)} accounts hold a secret no key decrypts (ids {ids}): left as they are; "
                "enter their secrets again in the admin."
            )
