"""PostgreSQL: the sequence of new 住登外者宛名番号 (jutogai.numbering) and a history that can never be updated or
deleted. SQLite uses the JutogaiSeries table instead."""

from django.db import migrations

from jichitai.audit.append_only import postgres_append_only


class Migration(migrations.Migration):
    dependencies = [("jutogai", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        postgres_append_only(("jutogai_number_seq",), {"jutogai_history_append_only": "jutogai_jutogaishahistory"})
    ]
