"""``Lead.imported_history``: a lead an import dated from its file is history, not an arrival, and takes no part
in speed to lead (leads.importing.history). The dashboard's cohort index carries it, so speed to lead stays an
index-only scan. Leads imported before: those of an import dated before that import was uploaded."""

from django.db import migrations, models
from django.db.models import F


def mark_imported_history(apps, schema_editor):
    Lead = apps.get_model("leads", "Lead")
    dated = Lead._default_manager.filter(source_import__isnull=False, created_at__lt=F("source_import__created_at"))
    dated.update(imported_history=True)


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0010_lead_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="lead",
            name="imported_history",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                help_text="Dated by its import file: it arrived before it was imported, and takes no part in speed "
                "to lead (leads.importing.history).",
            ),
        ),
        migrations.RemoveIndex(
            model_name="lead",
            name="lead_tenant_created_kpi",
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                fields=["tenant", "created_at"],
                include=("stage", "funnel_step", "first_contacted_at", "imported_history", "branch", "owner"),
                name="lead_tenant_created_kpi",
            ),
        ),
        migrations.RunPython(mark_imported_history, migrations.RunPython.noop),
    ]
