from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models


def drop_household_pattern_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    """PostgreSQL: the varchar_pattern_ops twin Django adds to the 世帯番号 primary key (looked up only whole)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_household_setai_number_9dcc9628_like")


def restore_household_pattern_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX registry_household_setai_number_9dcc9628_like ON registry_household "
                              "(setai_number varchar_pattern_ops)")


class Migration(migrations.Migration):
    """Indexes every 異動 paid for and no search used. 個人番号's blind index was indexed twice (a plain index and
    the partial unique one; look-ups by number use the unique one: their queries name a number, or
    ``my_number_index <> ''``). Households were indexed by ward (with a pattern twin) and their 世帯番号 had a
    pattern twin; they are only ever read by 世帯番号. The outbox is read only in ``id`` order (the hub's relay; the DR
    check's anti-join over the whole outbox hashes it): no index by 異動ID or 宛名番号."""

    dependencies = [
        ("registry", "0003_fewer_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="resident", name="reg_res_mynumber"),
        migrations.AlterField(
            model_name="household",
            name="ward_code",
            field=models.CharField(max_length=5, verbose_name="行政区コード"),
        ),
        migrations.RunPython(drop_household_pattern_index, restore_household_pattern_index),
        migrations.RemoveIndex(model_name="outboxevent", name="reg_outbox_atena"),
        migrations.AlterField(model_name="outboxevent", name="change_id", field=models.UUIDField()),
        # no SQL: the payload's dates are written as ISO text by the column's encoder
        migrations.AlterField(model_name="outboxevent", name="payload",
                              field=models.JSONField(default=dict, encoder=DjangoJSONEncoder)),
    ]
