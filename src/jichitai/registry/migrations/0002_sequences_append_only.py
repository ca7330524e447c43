"""PostgreSQL: sequences for 宛名番号 / 世帯番号 / 発行番号 serials (no hot counter row), and history rows that
can never be updated or deleted (j200: nothing is deleted). SQLite uses the NumberSeries table instead."""

from django.db import migrations

SEQUENCES = ("registry_atena_seq", "registry_setai_seq", "registry_issue_seq")
PG = "\n".join(f"CREATE SEQUENCE IF NOT EXISTS {s};" for s in SEQUENCES) + """
CREATE TRIGGER registry_history_append_only BEFORE UPDATE OR DELETE ON registry_residenthistory
  FOR EACH ROW EXECUTE FUNCTION jichitai_append_only();
"""
PG_REVERSE = "DROP TRIGGER IF EXISTS registry_history_append_only ON registry_residenthistory;\n" + "\n".join(
    f"DROP SEQUENCE IF EXISTS {s};" for s in SEQUENCES
)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG, params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
