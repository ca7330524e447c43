"""PostgreSQL: the sequence of 団体内統合宛名番号 (togo.services). SQLite uses the TogoSeries table instead."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS togo_number_seq;", params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS togo_number_seq;", params=None)


class Migration(migrations.Migration):
    dependencies = [("togo", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
