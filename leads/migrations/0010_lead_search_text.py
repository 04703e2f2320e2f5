"""Leads are found by ``search_text`` (their name and email, folded: leads.search), filled here for the
leads that exist. On PostgreSQL only, the indexes that make every search form an index lookup: trigrams
on ``search_text`` (a word's start anywhere in it), and on the phone a pattern btree (a number's
beginning) and one on the reversed number (its last digits). On SQLite search is a plain scan."""

from django.db import migrations, models

BATCH = 5000

INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS lead_search_text_trgm ON leads_lead USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS lead_phone_prefix ON leads_lead (tenant_id, phone varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS lead_phone_reversed ON leads_lead (tenant_id, reverse(phone) text_pattern_ops)",
]
DROP_INDEXES = [
    "DROP INDEX IF EXISTS lead_phone_reversed",
    "DROP INDEX IF EXISTS lead_phone_prefix",
    "DROP INDEX IF EXISTS lead_search_text_trgm",
]


def fill_search_text(apps, schema_editor):
    from leads.search import search_text

    Lead = apps.get_model("leads", "Lead")
    rows = Lead._default_manager.order_by("pk").values_list("pk", "first_name", "last_name", "email")
    postgres = schema_editor.connection.vendor == "postgresql"
    after = 0
    while batch := list(rows.filter(pk__gt=after)[:BATCH]):
        after = batch[-1][0]
        texts = [(pk, search_text(first, last, email)) for pk, first, last, email in batch]
        if postgres:  # one statement per batch, whatever its size
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE leads_lead AS l SET search_text = v.t FROM unnest(%s::bigint[], %s::text[]) AS v(id, t) "
                    "WHERE l.id = v.id",
                    [[pk for pk, _ in texts], [text for _, text in texts]],
                )
        else:
            Lead._default_manager.bulk_update([Lead(pk=pk, search_text=text) for pk, text in texts], ["search_text"])


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0009_import_alive_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='lead',
            name='search_text',
            field=models.TextField(blank=True, db_default='', default='', editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(INDEXES), _on_postgresql(DROP_INDEXES)),
    ]
