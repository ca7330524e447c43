"""Recompute the stored 氏名検索キー of every resident whose name holds a 異体字 of common/itaiji.csv: the key is
now built with the variants folded (髙→高, 𠮷→吉), and a row written before would not be found by the common
form. Only those rows are read (a LIKE per variant; one pass over the table) and rewritten in batches."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import migrations
from django.db.models import Q

from jichitai.common.text import ITAIJI, search_key

BATCH = 2000


def refold(apps: Any, schema_editor: Any) -> None:
    resident = apps.get_model("registry", "Resident")
    has_variant = reduce(or_, (Q(name__contains=chr(cp)) for cp in ITAIJI))
    rows = resident.objects.using(schema_editor.connection.alias).filter(has_variant).only("atena_number", "name",
                                                                                             "name_key")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        key = search_key(row.name)[:200]
        if key != row.name_key:
            row.name_key = key
            changed.append(row)
        if len(changed) >= BATCH:
            resident.objects.bulk_update(changed, ["name_key"])
            changed = []
    if changed:
        resident.objects.bulk_update(changed, ["name_key"])


class Migration(migrations.Migration):

    dependencies = [("registry", "0006_support_requests_and_overdue_alerts")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=False)]
