"""Projections from the standard zone to the pseudonymised lounge zone (:mod:`jichitai.lake.schemas`).

Identifiers become keyed HMAC pseudonyms for the purpose ``lounge``; names and 個人番号 are not in the standard
zone to begin with; addresses stop at 町字 (town code) and school district; birth dates become ``birth_ym``.
Movements are appended per landed batch; spells and the other lounge tables are recomputed from the standard
zone and replace the lounge table in one Iceberg commit (idempotent by construction).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jichitai.lake.pseudonym import Pseudonymiser
from jichitai.lake.schemas import arrow_schema

KIND_MAP = {
    "birth": "birth", "death": "death",
    "move_in_domestic": "move_in", "move_in_abroad": "move_in",
    "move_out_domestic": "move_out", "move_out_abroad": "move_out",
    "move_within": "move_within",
}


def _pids(p: Pseudonymiser, column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pa.array(p.many(column.to_pylist()), pa.string())


def _month_start(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pc.floor_temporal(column, unit="month")


def movement_kind(kind: str, is_subject: bool, ward_change: bool | None) -> str:
    if not is_subject:
        return "other"
    mapped = KIND_MAP.get(kind, "other")
    if mapped == "move_within" and ward_change:
        return "ward_change"
    return mapped


def movements(history: pa.Table, p: Pseudonymiser) -> pa.Table:
    """One lounge movement per standard resident_history row that has a birth date."""
    history = history.filter(pc.is_valid(history["birth_date"]))
    kinds = [movement_kind(k, s, w) for k, s, w in zip(history["kind"].to_pylist(), history["is_subject"].to_pylist(),
                                                       history["ward_change"].to_pylist(), strict=True)]
    blank = pa.scalar("", pa.string())
    out = pa.table({
        "event_id": history["event_id"],
        "pid": _pids(p, history["atena_number"]),
        "kind": pa.array(kinds, pa.string()),
        "event_date": history["occurred_on"],
        "sex": pc.fill_null(history["sex"], blank),
        "birth_ym": _month_start(history["birth_date"]),
        "ward_code": pc.fill_null(history["ward_code"], blank),
        "town_code": pc.fill_null(history["town_code"], blank),
        "school_district": history["school_district"],
        "origin_class": history["origin_class"],
        "destination_class": history["destination_class"],
    })
    return out.cast(arrow_schema("movements"))


SPELLS_SQL = """
WITH ordered AS (
  SELECT *, LEAD(occurred_on) OVER (PARTITION BY atena_number ORDER BY cursor) AS next_on
  FROM history
)
SELECT atena_number, coalesce(setai_number, '') AS setai_number, coalesce(sex, '') AS sex, birth_date,
       CASE WHEN lower(coalesce(resident_kind, '')) LIKE 'jap%' THEN 'JP' ELSE 'FOREIGN' END AS nationality,
       coalesce(ward_code, '') AS ward_code, coalesce(town_code, '') AS town_code, school_district,
       occurred_on AS valid_from, next_on AS valid_to
FROM ordered
WHERE status = 'active' AND birth_date IS NOT NULL AND (next_on IS NULL OR next_on > occurred_on)
ORDER BY atena_number, valid_from
"""


def resident_spells(history: pa.Table, p: Pseudonymiser) -> pa.Table:
    """Each person's spells of residence: the state after an event holds until the person's next event."""
    con = duckdb.connect()
    con.register("history", history)
    rows: pa.Table = con.sql(SPELLS_SQL).to_arrow_table()
    con.close()
    out = pa.table({
        "pid": _pids(p, rows["atena_number"]),
        "household_pid": _pids(p, rows["setai_number"]),
        "sex": rows["sex"], "birth_ym": _month_start(rows["birth_date"]), "nationality": rows["nationality"],
        "ward_code": rows["ward_code"], "town_code": rows["town_code"], "school_district": rows["school_district"],
        "valid_from": rows["valid_from"], "valid_to": rows["valid_to"],
    })
    return out.cast(arrow_schema("resident_spells"))


# The 続柄 of a newborn's mother, by the newborn's 続柄 (住民基本台帳事務処理要領: 続柄 to the 世帯主): a child (子)
# of the 世帯主 is born to the 世帯主 herself or to the 妻; a grandchild (孫) to a daughter (子) or a 子の妻.
MOTHER_RELATIONS: dict[str, tuple[str, ...]] = {
    "子": ("世帯主", "妻", "妻（未届）"),
    "孫": ("子", "子の妻"),
}
MOTHER_BANDS = ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49")
UNKNOWN_BAND = "不明"


def mother_band(age: int | None) -> str:
    """The five-year band of a mother's age at the birth (under 15 with 15–19, 50–54 with 45–49)."""
    if age is None or age < 10 or age > 54:
        return UNKNOWN_BAND
    return MOTHER_BANDS[min(max(age, 15), 49) // 5 - 3]


BIRTHS_SQL = """
WITH states AS (
  SELECT atena_number, setai_number, sex, birth_date, relationship, status, occurred_on AS valid_from,
         LEAD(occurred_on) OVER (PARTITION BY atena_number ORDER BY cursor) AS valid_to
  FROM history
), births AS (
  SELECT event_id, atena_number, setai_number, sex, relationship, occurred_on, coalesce(ward_code, '') AS ward_code
  FROM history WHERE kind = 'birth' AND is_subject AND birth_date IS NOT NULL
), candidates AS (
  SELECT b.event_id, date_diff('year', s.birth_date, b.occurred_on)
           - CASE WHEN strftime(b.occurred_on, '%m%d') < strftime(s.birth_date, '%m%d') THEN 1 ELSE 0 END AS age
  FROM births b JOIN states s
    ON s.setai_number = b.setai_number AND s.atena_number <> b.atena_number AND s.status = 'active'
   AND s.valid_from <= b.occurred_on AND (s.valid_to IS NULL OR s.valid_to > b.occurred_on)
   AND s.sex = 'F' AND s.birth_date IS NOT NULL
  JOIN mother_relations r ON r.child = b.relationship AND r.mother = s.relationship
)
SELECT b.occurred_on AS event_date, b.ward_code, coalesce(b.sex, '') AS sex,
       CASE WHEN count(c.age) = 1 THEN min(c.age) END AS mother_age
FROM births b LEFT JOIN candidates c ON c.event_id = b.event_id AND c.age BETWEEN 10 AND 54
GROUP BY b.event_id, b.occurred_on, b.ward_code, b.sex
ORDER BY b.occurred_on, b.event_id
"""


def births(history: pa.Table) -> pa.Table:
    """Each birth with the age band of its mother: the one woman of the newborn's household at the birth date
    whose 続柄 makes her its mother (:data:`MOTHER_RELATIONS`), aged 10–54; 不明 when none or more than one is
    (the mother lives elsewhere, or two daughters of the 世帯主 could be). Only the band reaches the lounge."""
    con = duckdb.connect()
    con.register("history", history)
    pairs = [(c, m) for c, ms in MOTHER_RELATIONS.items() for m in ms]
    con.register("mother_relations", pa.table({"child": [c for c, _ in pairs], "mother": [m for _, m in pairs]}))
    rows: pa.Table = con.sql(BIRTHS_SQL).to_arrow_table()
    con.close()
    out = pa.table({
        "event_date": rows["event_date"], "ward_code": rows["ward_code"], "sex": rows["sex"],
        "mother_band": pa.array([mother_band(a) for a in rows["mother_age"].to_pylist()], pa.string()),
    })
    return out.cast(arrow_schema("births"))


def towns(rows: list[tuple[str, str, str, str, str]]) -> pa.Table:
    """The lounge zone's 町字 master from the registry's 住所辞書 rows (code, ward code, ward name, name, kana),
    in code order (the dictionary's own order)."""
    rows = sorted(rows)
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    names = ("town_code", "ward_code", "ward_name", "town_name", "town_kana")
    return pa.table({n: pa.array(list(c), pa.string()) for n, c in zip(names, cols, strict=True)}).cast(
        arrow_schema("towns"))


def latest_places(history: pa.Table) -> dict[str, tuple[str, str | None]]:
    """宛名番号 → (ward_code, school_district) of each person's latest state (for file-based lounge tables)."""
    con = duckdb.connect()
    con.register("history", history)
    rows = con.execute(
        "SELECT atena_number, arg_max(ward_code, cursor), arg_max(school_district, cursor) "
        "FROM history GROUP BY atena_number").fetchall()
    con.close()
    return {a: (w or "", s) for a, w, s in rows}


def _places(atenas: list[str], places: dict[str, tuple[str, str | None]]) -> tuple[pa.Array, pa.Array]:
    got = [places.get(a, ("", None)) for a in atenas]
    return pa.array([w for w, _ in got], pa.string()), pa.array([s for _, s in got], pa.string())


def child_allowance(jido: pa.Table, places: dict[str, tuple[str, str | None]], p: Pseudonymiser) -> pa.Table:
    ward, _ = _places(jido["atena_number"].to_pylist(), places)
    _, school = _places(jido["child_atena_number"].to_pylist(), places)
    return pa.table({
        "pid": _pids(p, jido["atena_number"]), "child_pid": _pids(p, jido["child_atena_number"]),
        "ward_code": ward, "school_district": school, "from_month": jido["from_month"],
        "to_month": jido["to_month"], "monthly_amount": jido["monthly_amount"],
    }).cast(arrow_schema("child_allowance"))


def ltc_certification(kaigo: pa.Table, places: dict[str, tuple[str, str | None]], p: Pseudonymiser) -> pa.Table:
    ward, _ = _places(kaigo["atena_number"].to_pylist(), places)
    return pa.table({
        "pid": _pids(p, kaigo["atena_number"]), "level": kaigo["level"], "ward_code": ward,
        "valid_from": kaigo["valid_from"], "valid_to": kaigo["valid_to"],
    }).cast(arrow_schema("ltc_certification"))


def nhi_enrolment(kokuho: pa.Table, places: dict[str, tuple[str, str | None]], p: Pseudonymiser) -> pa.Table:
    ward, _ = _places(kokuho["atena_number"].to_pylist(), places)
    return pa.table({
        "pid": _pids(p, kokuho["atena_number"]), "household_pid": _pids(p, kokuho["setai_number"]),
        "ward_code": ward, "valid_from": kokuho["acquired_on"], "valid_to": kokuho["lost_on"],
    }).cast(arrow_schema("nhi_enrolment"))
