"""PostgreSQL: the sequence of new 住登外者宛名番号 (jutogai.numbering) and a history that can never be updated or
deleted. SQLite uses the JutogaiSeries table instead."""

from django.db import migrations

PG = """
CREATE SEQUENCE IF NOT EXISTS jutogai_number_seq;
CREATE TRIGGER jutogai_history_append_only BEFORE UPDATE OR DELETE ON jutogai_jutogaishahistory
  FOR EACH ROW EXECUTE FUNCTION jichitai_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS jutogai_history_append_only ON jutogai_jutogaishahistory;
DROP SEQUENCE IF EXISTS jutogai_number_seq;
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG, params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("jutogai", "0001_initial"), ("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
