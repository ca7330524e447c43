"""Storing accepted report files: the hub's file intake validates a file with :mod:`jichitai.tax.reports` and
hands the whole file here; it is stored in one transaction or not at all."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction

from jichitai.common import vault as _vault
from jichitai.tax import reports
from jichitai.tax.models import ReceivedReport


@lru_cache(maxsize=1)
def vault() -> _vault.Vault:
    cfg = settings.CONFIG
    return _vault.load_or_create(cfg.mynumber_key_file, create=not cfg.is_production)


def _jsonable(row: dict[str, Any], v: _vault.Vault) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("my_number") and value:
            out[key] = "bi:" + v.blind_index(value)
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def store_file(layout_name: str, data: bytes, source: str) -> list[ReceivedReport]:
    """Validate and store a report file whole (raises ReportFileError listing every problem); idempotent per
    (kind, year, payer, recipient, source): a file delivered twice is stored once."""
    layout = reports.LAYOUTS[layout_name]
    rows = reports.read_file(layout, data)
    v = vault()
    amount_attr = "salary_paid" if layout_name == "salary_report" else "pension_paid"
    stored = []
    with transaction.atomic():
        for row in rows:
            index = v.blind_index(row["my_number"])
            obj, _ = ReceivedReport.objects.get_or_create(
                kind=layout_name, income_year=row["income_year"], payer_number=row["payer_number"],
                recipient_index=index, source=source,
                defaults={
                    "payer_name": row["payer_name"], "recipient_my_number": v.encrypt(row["my_number"]),
                    "line": row["line"], "amount": row[amount_attr], "data": _jsonable(row, v),
                },
            )
            stored.append(obj)
    return stored


def reports_for(my_number: str, income_year: int, kind: str | None = None) -> list[ReceivedReport]:
    """The current (not superseded) reports received for a person and year."""
    qs = ReceivedReport.objects.filter(recipient_index=vault().blind_index(my_number), income_year=income_year,
                                       superseded_by__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))
