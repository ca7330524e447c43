"""As-of queries answered from history (j200): who lived where on a given day.

A person's state on day *d* is their history row with the highest 履歴番号 among rows whose 異動日 ≤ *d*,
leaving out rows of a 異動 that was later cancelled and the cancelling rows themselves (a 取消し restores the
earlier state, j980, so the cancelled change never happened for the purpose of "as of").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection

from jichitai.registry.domain.person import ACTIVE
from jichitai.registry.models import ResidentHistory

_COLUMNS = (
    "atena_number", "history_no", "setai_number", "status", "resident_kind", "name", "kana", "birth_date", "sex",
    "relationship", "household_order", "kyuuji", "tsusho", "became_resident_on", "town_code", "ward_code",
    "banchi", "katagaki", "postcode", "address_set_on", "nationality", "residence_status", "residence_until",
    "reason", "moved_on", "removal_reason", "removed_on",
)


def cancelled_ids() -> set[Any]:
    return set(ResidentHistory.objects.filter(cancels_change_id__isnull=False)
               .values_list("cancels_change_id", flat=True).distinct())


def _latest_rows(on: dt.date, atena_numbers: list[str] | None = None) -> Iterator[dict[str, Any]]:
    cancelled = cancelled_ids()
    rows = ResidentHistory.objects.filter(moved_on__lte=on, cancels_change_id__isnull=True)
    if cancelled:
        rows = rows.exclude(change_id__in=cancelled)
    if atena_numbers is not None:
        rows = rows.filter(atena_number__in=atena_numbers)
    if connection.vendor == "postgresql":  # the server keeps each person's newest row: a third of them travel
        yield from (rows.order_by("atena_number", "-history_no").distinct("atena_number").values(*_COLUMNS)
                    .iterator(chunk_size=10000))
        return
    current: dict[str, Any] | None = None
    for row in rows.order_by("atena_number", "history_no").values(*_COLUMNS).iterator(chunk_size=10000):
        if current is not None and current["atena_number"] != row["atena_number"]:
            yield current
        current = row
    if current is not None:
        yield current


def residents_as_of(on: dt.date, *, include_removed: bool = False) -> Iterator[dict[str, Any]]:
    """Snapshot dicts (no 個人番号) of everyone who was a resident on ``on``."""
    for row in _latest_rows(on):
        if include_removed or row["status"] == ACTIVE:
            yield row


def household_as_of(setai_number: str, on: dt.date) -> list[dict[str, Any]]:
    """The members of household ``setai_number`` on ``on``, in 並び順."""
    atenas = list(ResidentHistory.objects.filter(setai_number=setai_number, moved_on__lte=on)
                  .values_list("atena_number", flat=True).distinct())
    members = [r for r in _latest_rows(on, atenas) if r["status"] == ACTIVE and r["setai_number"] == setai_number]
    return sorted(members, key=lambda r: (r["household_order"], r["atena_number"]))


def households_as_of(setai_numbers: list[str], on: dt.date) -> Iterator[dict[str, Any]]:
    """The members of these households on ``on`` (one set-based read: who was ever in them up to that day,
    then each one's state that day; those who had left by then are left out)."""
    wanted = set(setai_numbers)
    for start in range(0, len(setai_numbers), 5000):
        part = setai_numbers[start:start + 5000]
        atenas = list(ResidentHistory.objects.filter(setai_number__in=part, moved_on__lte=on)
                      .values_list("atena_number", flat=True).distinct())
        for row in _latest_rows(on, atenas):
            if row["status"] == ACTIVE and row["setai_number"] in wanted:
                yield row


def person_history(atena_number: str) -> list[ResidentHistory]:
    """異動履歴照会 (j350): every row of one person, oldest first."""
    return list(ResidentHistory.objects.filter(atena_number=atena_number).order_by("history_no"))
