"""名検索キー and 名フリガナ検索キー: search by the given name alone (issue 22 item 5). The columns are added,
filled for every resident already registered (in batches, before the indexes are built so that the fill does
not maintain them), then indexed for prefix search."""

from typing import Any

from django.db import migrations, models

from jichitai.common.text import given_name_key

BATCH = 5000


def _write(resident: Any, connection: Any, rows: list[tuple[str, str, str]]) -> None:
    """One batch: on PostgreSQL one UPDATE … FROM unnest(…) (bulk_update's CASE took 625 s for 200,000 rows on
    a loaded machine); elsewhere (the embedded SQLite) bulk_update."""
    if connection.vendor == "postgresql":
        table = resident._meta.db_table
        with connection.cursor() as cur:  # the table is the model's; the values are parameters
            cur.execute(f"UPDATE {table} AS r SET given_name_key = v.g, given_kana_key = v.k "  # noqa: S608
                        "FROM unnest(%s::text[], %s::text[], %s::text[]) AS v(a, g, k) WHERE r.atena_number = v.a",
                        [[a for a, _, _ in rows], [g for _, g, _ in rows], [k for _, _, k in rows]])
        return
    objs = [resident(atena_number=a, given_name_key=g, given_kana_key=k) for a, g, k in rows]
    resident.objects.bulk_update(objs, ["given_name_key", "given_kana_key"])


def fill(apps: Any, schema_editor: Any) -> None:
    resident = apps.get_model("registry", "Resident")
    connection = schema_editor.connection
    rows = resident.objects.using(connection.alias).values_list("atena_number", "name", "kana")
    batch: list[tuple[str, str, str]] = []
    for atena, name, kana in rows.iterator(chunk_size=BATCH):
        keys = (given_name_key(name)[:200], given_name_key(kana)[:200])
        if any(keys):
            batch.append((atena, *keys))
        if len(batch) >= BATCH:
            _write(resident, connection, batch)
            batch = []
    if batch:
        _write(resident, connection, batch)


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
