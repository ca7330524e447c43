"""Births linked to their mothers through the household and 続柄 (lake/lounge.births), before pseudonymisation:
only the mother's five-year age band reaches the lounge zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from jichitai.lake.lounge import births, mother_band
from jichitai.lake.tables import TABLES

D = dt.date


def history(rows: list[dict[str, Any]]) -> pa.Table:
    cols = TABLES["standard.resident_history"].column_names
    base = {"is_subject": True, "status": "active", "ward_code": "28101", "_batch": "b",
            "_landed_at": dt.datetime(2025, 1, 1)}
    full = [{c: {**base, **r, "cursor": i + 1, "event_id": f"e{i + 1}"}.get(c) for c in cols} for i, r in enumerate(rows)]
    return pa.Table.from_pylist(full, schema=TABLES["standard.resident_history"].as_arrow())


def person(atena: str, setai: str, sex: str, born: dt.date, rel: str, on: dt.date, kind: str = "move_in_domestic",
           **kw: Any) -> dict[str, Any]:
    return {"atena_number": atena, "setai_number": setai, "sex": sex, "birth_date": born, "relationship": rel,
            "occurred_on": on, "kind": kind, **kw}


def test_the_mother_is_the_one_woman_whose_relationship_makes_her_the_mother():
    """Independent: 続柄 to the 世帯主 (住民基本台帳事務処理要領): a 子 of the 世帯主 is born to the 世帯主 herself or
    to the 妻; a 孫 to a 子 or 子の妻. Ages at the birth by the birthday rule (the day before the birthday still
    the younger age): 32 → 30-34; 29 the day before her 30th birthday → 25-29."""
    h = history([
        # household A: 世帯主 (man), 妻 born 1992-06-10, the 世帯主's mother (母)
        person("1", "A", "M", D(1990, 1, 1), "世帯主", D(2020, 1, 1)),
        person("2", "A", "F", D(1992, 6, 10), "妻", D(2020, 1, 1)),
        person("3", "A", "F", D(1960, 1, 1), "母", D(2020, 1, 1)),
        person("4", "A", "M", D(2024, 7, 1), "子", D(2024, 7, 1), kind="birth"),
        # household B: a woman 世帯主 living with her daughter (子) who has a baby (孫); the daughter turns 30 on
        # 2025-03-02, the baby is born on 2025-03-01
        person("5", "B", "F", D(1970, 1, 1), "世帯主", D(2020, 1, 1)),
        person("6", "B", "F", D(1995, 3, 2), "子", D(2020, 1, 1)),
        person("7", "B", "F", D(2025, 3, 1), "孫", D(2025, 3, 1), kind="birth"),
        # household C: a 世帯主 father alone with a newborn 子: the mother lives elsewhere → 不明
        person("8", "C", "M", D(1985, 1, 1), "世帯主", D(2020, 1, 1)),
        person("9", "C", "F", D(2025, 5, 1), "子", D(2025, 5, 1), kind="birth"),
        # household D: two daughters (子) of the 世帯主 and a 孫: either could be the mother → 不明
        person("10", "D", "M", D(1965, 1, 1), "世帯主", D(2020, 1, 1)),
        person("11", "D", "F", D(1993, 1, 1), "子", D(2020, 1, 1)),
        person("12", "D", "F", D(1996, 1, 1), "子", D(2020, 1, 1)),
        person("13", "D", "M", D(2025, 6, 1), "孫", D(2025, 6, 1), kind="birth"),
    ])
    out = births(h).to_pylist()
    assert [(r["event_date"], r["sex"], r["mother_band"]) for r in out] == [
        (D(2024, 7, 1), "M", "30-34"),
        (D(2025, 3, 1), "F", "25-29"),
        (D(2025, 5, 1), "F", "不明"),
        (D(2025, 6, 1), "M", "不明"),
    ]
    assert set(births(h).schema.names) == {"event_date", "ward_code", "sex", "mother_band"}  # no identities


def test_a_woman_who_left_the_household_before_the_birth_is_not_the_mother():
    """Independent: the household on the birth date counts: a 妻 who moved out before it is not linked."""
    h = history([
        person("1", "A", "M", D(1990, 1, 1), "世帯主", D(2020, 1, 1)),
        person("2", "A", "F", D(1992, 6, 10), "妻", D(2020, 1, 1)),
        person("2", "A", "F", D(1992, 6, 10), "妻", D(2024, 1, 10), kind="move_out_domestic", status="moved_out"),
        person("4", "A", "M", D(2024, 7, 1), "子", D(2024, 7, 1), kind="birth"),
    ])
    assert births(h).to_pylist()[0]["mother_band"] == "不明"


def test_bands_at_their_edges():
    assert [mother_band(a) for a in (None, 9, 14, 15, 19, 20, 49, 52, 55)] == [
        "不明", "不明", "15-19", "15-19", "15-19", "20-24", "45-49", "45-49", "不明"]
