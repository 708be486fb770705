"""PostgreSQL search: trigram index on name words, full-text index on intelligence text."""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS intel_nametoken_token_trgm ON intel_nametoken USING gin (token gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS intel_intel_fts ON intel_intelligencerecord USING gin "
    "((setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(text, '')), 'B')))",
]
PG_DOWN = ["DROP INDEX IF EXISTS intel_nametoken_token_trgm", "DROP INDEX IF EXISTS intel_intel_fts"]


def run(statements):
    def op(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)

    return op


class Migration(migrations.Migration):
    dependencies = [("intel", "0002_initial")]
    operations = [migrations.RunPython(run(PG_UP), run(PG_DOWN))]
