from django.db import migrations

RETIRED = ["expire-stale-calls"]  # replaced by sweep-calls (calls.work); its task no longer exists


def retire(apps, schema_editor):
    """The database scheduler keeps rows of entries no longer in the schedule and keeps sending them."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=RETIRED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0009_work_owed_in_rows"),
        ("django_celery_beat", "0001_initial"),
    ]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
