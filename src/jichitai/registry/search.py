"""Resident search (2.1, j320–j340): name and kana folded by ``common.text.search_key`` (NFKC, katakana,
no variation selectors, no spaces), birth date, address and numbers. Prefix matches on indexed keys (on
PostgreSQL the key columns also carry ``varchar_pattern_ops`` indexes so ``LIKE 'key%'`` uses them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.common.text import search_key
from jichitai.registry.domain.person import ACTIVE
from jichitai.registry.models import Resident
from jichitai.registry.store import my_number_index

CANDIDATES = 2000  # matches sorted here rather than by the database (see the end of search)
SEARCH_COLUMNS = (
    "atena_number", "setai_number", "status", "name", "kana", "birth_date", "sex", "relationship", "town_code",
    "ward_code", "banchi", "katagaki", "removal_reason", "resident_kind",
)


def search(*, name: str = "", kana: str = "", birth_date: dt.date | None = None, town_code: str = "",
           banchi: str = "", atena_number: str = "", setai_number: str = "", my_number: str = "",
           juminhyo_code: str = "", include_removed: bool = False, limit: int = 50) -> list[dict[str, Any]]:
    """Residents matching every criterion given, ordered by kana and birth date. At least one is needed."""
    qs = Resident.objects.all()
    given = False
    if atena_number:
        qs, given = qs.filter(pk=atena_number.strip()), True
    if setai_number:
        qs, given = qs.filter(setai_number=setai_number.strip()), True
    if my_number:
        qs, given = qs.filter(my_number_index=my_number_index(my_number.strip())), True
    if juminhyo_code:
        qs, given = qs.filter(juminhyo_code=juminhyo_code.strip()), True
    if name and search_key(name):
        qs, given = qs.filter(name_key__startswith=search_key(name)), True
    if kana and search_key(kana):
        qs, given = qs.filter(kana_key__startswith=search_key(kana)), True
    if birth_date:
        qs, given = qs.filter(birth_date=birth_date), True
    if town_code:
        qs, given = qs.filter(town_code=town_code), True
        if banchi:
            qs = qs.filter(banchi__startswith=banchi.strip())
    if not given:
        return []
    if not include_removed:
        qs = qs.filter(status=ACTIVE)
    # First without ORDER BY, so that the database reads through the index of the most selective criterion: with
    # the ORDER BY, PostgreSQL may walk the kana index in order and filter a whole city's rows for a name whose
    # matches it misjudges (names and kana are correlated; measured 3.6 s at 1.5 M residents). A criterion that
    # matches more than CANDIDATES rows is broad enough for the ordered scan to find ``limit`` rows at once.
    rows = list(qs.values(*SEARCH_COLUMNS, "kana_key")[:CANDIDATES + 1])
    if len(rows) > CANDIDATES:
        return list(qs.order_by("kana_key", "birth_date", "atena_number").values(*SEARCH_COLUMNS)[:limit])
    rows.sort(key=lambda r: (r["kana_key"], r["birth_date"], r["atena_number"]))
    for r in rows:
        del r["kana_key"]
    return rows[:limit]
