"""The other business systems' rows the review reads: 障害者手帳 (障害者福祉) and 国民健康保険税 paid (国保),
received through the hub's file feeds ``shogai-techo`` and ``kokuho-zei`` and stored here, keyed by 宛名番号.

The hub calls :func:`store_rows` in the transaction that accepts the file, so a file is stored whole or not at
all; a file sent twice (same hub file) is not stored twice (a unique constraint on source and line).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jichitai.declarations.domain.facts import DisabilityRecord
from jichitai.declarations.models import CityRecord

SYSTEM_OF = {"shogai_techo": "disability", "kokuho_zei": "kokuho_tax"}


def is_special(kind: str, grade: str) -> bool:
    """特別障害者 by the 手帳 (所得税法施行令第10条第2項): 身体障害者手帳 1・2級, 精神障害者保健福祉手帳 1級,
    療育手帳 A (重度; 「A1」「A2」 and 「1度」「2度」 as some 都道府県 write it)."""
    g = grade.strip().upper()
    if kind == "身体":
        return g in ("1級", "2級", "1", "2")
    if kind == "精神":
        return g in ("1級", "1")
    if kind == "療育":
        return g.startswith("A") or g in ("1度", "2度")
    return False


def store_rows(layout_name: str, rows: list[dict[str, Any]], source: str) -> int:
    """Store one accepted file's rows (checked by the hub's layout); returns the rows stored."""
    system = SYSTEM_OF[layout_name]
    objs = [CityRecord(
        system=system, atena_number=r["atena_number"], year=r.get("year"), amount=int(r.get("amount") or 0),
        kind=r.get("kind") or "", grade=r.get("grade") or "", valid_from=r.get("valid_from"),
        valid_to=r.get("valid_to"), source=source, line=int(r["line"]),
    ) for r in rows]
    CityRecord.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True)
    return len(objs)


def disability_record(kind: str, grade: str, valid_from: Any, valid_to: Any) -> DisabilityRecord:
    return DisabilityRecord(kind=kind, grade=grade, special=is_special(kind, grade), valid_from=valid_from,
                            valid_to=valid_to)


def load(atena_numbers: Iterable[str], income_year: int) -> tuple[dict[str, list[DisabilityRecord]], dict[str, int], bool]:
    """(手帳 by 宛名番号, 国保税 paid in ``income_year`` by 宛名番号, whether the 障害者福祉 system sent anything at
    all). Only the rows of these people."""
    wanted = sorted({a for a in atena_numbers if a})
    disabilities: dict[str, list[DisabilityRecord]] = {}
    kokuho: dict[str, int] = {}
    for i in range(0, len(wanted), 5000):
        rows = CityRecord.objects.filter(atena_number__in=wanted[i:i + 5000]).values_list(
            "system", "atena_number", "year", "amount", "kind", "grade", "valid_from", "valid_to")
        for system, atena, year, amount, kind, grade, valid_from, valid_to in rows:
            if system == "disability":
                disabilities.setdefault(atena, []).append(disability_record(kind, grade, valid_from, valid_to))
            elif year == income_year:
                kokuho[atena] = kokuho.get(atena, 0) + int(amount)
    consulted = CityRecord.objects.filter(system="disability").exists()
    return disabilities, kokuho, consulted
