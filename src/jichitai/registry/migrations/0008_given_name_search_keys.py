"""名検索キー and 名フリガナ検索キー: search by the given name alone (issue 22 item 5). The columns are added,
filled for every resident already registered (in batches, before the indexes are built so that the fill does
not maintain them), then indexed for prefix search."""

from typing import Any

from django.db import migrations, models

from jichitai.common.text import given_name_key

BATCH = 5000


def fill(apps: Any, schema_editor: Any) -> None:
    resident = apps.get_model("registry", "Resident")
    rows = resident.objects.using(schema_editor.connection.alias).only("atena_number", "name", "kana")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        row.given_name_key, row.given_kana_key = given_name_key(row.name)[:200], given_name_key(row.kana)[:200]
        if row.given_name_key or row.given_kana_key:
            changed.append(row)
        if len(changed) >= BATCH:
            resident.objects.bulk_update(changed, ["given_name_key", "given_kana_key"])
            changed = []
    if changed:
        resident.objects.bulk_update(changed, ["given_name_key", "given_kana_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_fold_itaiji_in_search_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='resident',
            name='given_kana_key',
            field=models.CharField(db_default='', default='', max_length=200, verbose_name='名フリガナ検索キー'),
        ),
        migrations.AddField(
            model_name='resident',
            name='given_name_key',
            field=models.CharField(db_default='', default='', max_length=200, verbose_name='名検索キー'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name='resident',
            index=models.Index(fields=['given_name_key'], name='reg_res_given_prefix', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='resident',
            index=models.Index(fields=['given_kana_key'], name='reg_res_given_kana_prefix', opclasses=['varchar_pattern_ops']),
        ),
    ]
