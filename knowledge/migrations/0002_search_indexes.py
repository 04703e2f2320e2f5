"""PostgreSQL only: pg_trgm, a GIN index on the chunks' tsvector, and trigram GIN indexes on chunk
text and title for the typo fallback. SQLite has its own full-text index instead (migration 0006)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS knowledge_chunk_search ON knowledge_chunk USING gin (search)",
    "CREATE INDEX IF NOT EXISTS knowledge_chunk_text_trgm ON knowledge_chunk USING gin (text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS knowledge_chunk_title_trgm ON knowledge_chunk USING gin (title gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_chunk_title_trgm",
    "DROP INDEX IF EXISTS knowledge_chunk_text_trgm",
    "DROP INDEX IF EXISTS knowledge_chunk_search",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
