"""PostgreSQL: sequences for 宛名番号 / 世帯番号 / 発行番号 serials (no hot counter row), and history rows that
can never be updated or deleted (j200: nothing is deleted). SQLite uses the NumberSeries table instead."""

from django.db import migrations

from jichitai.audit.append_only import postgres_append_only


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        postgres_append_only(
            ("registry_atena_seq", "registry_setai_seq", "registry_issue_seq"),
            {"registry_history_append_only": "registry_residenthistory"},
        )
    ]
