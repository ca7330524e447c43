"""Storing accepted report files: the hub's file intake validates a file with :mod:`jichitai.tax.reports` and
hands the parsed rows of the whole file here (:func:`store_rows`); they are stored in its transaction, all or
none."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone

from jichitai.common import vault as _vault
from jichitai.dbcopy import copy_new_rows
from jichitai.tax import reports
from jichitai.tax.models import ReceivedReport


@lru_cache(maxsize=1)
def vault() -> _vault.Vault:
    cfg = settings.CONFIG
    return _vault.load_or_create(cfg.mynumber_key_file, create=not cfg.is_production)


def _jsonable(row: dict[str, Any], v: _vault.Vault, numbers: tuple[str, ...] | None = None,
              recipient_index: str = "") -> dict[str, Any]:
    """The row as stored in ``data``: dates in ISO form, every 個人番号 replaced by ``bi:`` and its blind index.
    ``numbers`` names the row's 個人番号 items (default: every item whose name ends in ``my_number``);
    ``recipient_index`` is the recipient's index when the caller has it already."""
    out = {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}
    for key in (numbers if numbers is not None else [k for k in row if k.endswith("my_number")]):
        value = row.get(key)
        if value:
            out[key] = "bi:" + (recipient_index if key == "my_number" and recipient_index else v.blind_index(value))
    return out


def store_file(layout_name: str, data: bytes, source: str) -> tuple[int, int]:
    """Validate and store a report file whole (raises ReportFileError listing every problem); see
    :func:`store_rows`."""
    return store_rows(layout_name, reports.read_file(reports.LAYOUTS[layout_name], data), source)


def store_rows(layout_name: str, rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Store the rows of one accepted report file (parsed and checked whole by :func:`reports.parse_rows`, none
    with a problem): the 給与支払報告書 (地方税法第317条の6第1項) or 公的年金等支払報告書 (同条第4項) each recipient's
    employer or pension payer sends. All rows at once (on PostgreSQL one COPY and one INSERT, see
    :func:`jichitai.dbcopy.copy_new_rows`) in the caller's transaction, so the file is stored whole or not at all. Idempotent per (kind, year, payer, recipient,
    source) — the constraint ``tax_report_once_per_file``: a row already stored from the same source, or twice
    in the file, is stored once (the first). Returns (rows stored, rows already there)."""
    layout = reports.LAYOUTS[layout_name]
    v = vault()
    amount_attr = "salary_paid" if layout_name == "salary_report" else "pension_paid"
    numbers = tuple(c.attr for c in layout.columns if c.attr.endswith("my_number"))
    now = timezone.now()
    new: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in rows:
        index = v.blind_index(row["my_number"])
        key = (row["income_year"], row["payer_number"], index)
        if key in new:
            continue
        new[key] = {
            "kind": layout_name, "income_year": row["income_year"], "payer_number": row["payer_number"],
            "payer_name": row["payer_name"], "recipient_index": index, "recipient_my_number": v.encrypt(row["my_number"]),
            "source": source, "line": row["line"], "amount": row[amount_attr], "data": _jsonable(row, v, numbers, index),
            "received_at": now, "superseded_by_id": None,
        }
    stored = copy_new_rows(ReceivedReport, list(new.values()), batch_size=2000)
    return stored, len(rows) - stored


def reports_for(my_number: str, income_year: int, kind: str | None = None) -> list[ReceivedReport]:
    """The current (not superseded) reports received for a person and year."""
    qs = ReceivedReport.objects.filter(recipient_index=vault().blind_index(my_number), income_year=income_year,
                                       superseded_by__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))
