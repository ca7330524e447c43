"""Bulk insertion for the paths that write hundreds of thousands of rows (the synthetic city's base load, the
hub's relay): PostgreSQL ``COPY`` in the caller's transaction, ``bulk_create`` on the embedded SQLite.

Rows are dicts by attribute name and carry every column the table needs (those without a database default);
a dict value goes into a JSON column. COPY inserts rows in the order given, so serial keys follow that order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection


def copy_rows(model: Any, rows: Sequence[dict[str, Any]], batch_size: int = 500) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row([json.dumps(r[f.attname], ensure_ascii=False) if isinstance(r[f.attname], dict)
                                else r[f.attname] for f in fields])
    else:
        model.objects.bulk_create([model(**r) for r in rows], batch_size=batch_size)
