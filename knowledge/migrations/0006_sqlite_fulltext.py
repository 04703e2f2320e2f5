"""SQLite only: the FTS5 full-text index of the chunks (``knowledge/fts5.py`` searches it).

``knowledge_chunk_fts`` holds each chunk's title, its entry's tags and its text (Porter stems, accents
folded) under the chunk's id as rowid, and the tenant's id unindexed, so every query names its tenant.
Triggers keep it in step with ``knowledge_chunk`` whatever writes there (services, cascades, bulk
inserts); the chunks already stored are indexed here. A no-op on PostgreSQL, which has its tsvector.

A later migration that makes Django rebuild ``knowledge_chunk`` on SQLite (it copies the table and drops
the old one, triggers included) must create these triggers again; the search tests fail otherwise.
"""

from django.db import migrations

TAGS = (
    "coalesce((SELECT group_concat(tag.value, ' ') FROM knowledge_knowledgeentry AS entry, json_each(entry.tags) AS tag"
    " WHERE entry.id = {chunk}.entry_id), '')"
)
FORWARD = [
    "CREATE VIRTUAL TABLE knowledge_chunk_fts USING fts5("
    " title, keywords, text, tenant_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER knowledge_chunk_fts_insert AFTER INSERT ON knowledge_chunk BEGIN"
    " INSERT INTO knowledge_chunk_fts (rowid, title, keywords, text, tenant_id)"
    f" VALUES (new.id, new.title, {TAGS.format(chunk='new')}, new.text, new.tenant_id); END",
    "CREATE TRIGGER knowledge_chunk_fts_update AFTER UPDATE OF title, text ON knowledge_chunk BEGIN"
    " UPDATE knowledge_chunk_fts SET title = new.title, text = new.text WHERE rowid = new.id; END",
    "CREATE TRIGGER knowledge_chunk_fts_delete AFTER DELETE ON knowledge_chunk BEGIN"
    " DELETE FROM knowledge_chunk_fts WHERE rowid = old.id; END",
    "INSERT INTO knowledge_chunk_fts (rowid, title, keywords, text, tenant_id)"
    f" SELECT id, title, {TAGS.format(chunk='knowledge_chunk')}, text, tenant_id FROM knowledge_chunk",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_chunk_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_chunk_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_chunk_fts_insert",
    "DROP TABLE IF EXISTS knowledge_chunk_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0005_queued_at")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
