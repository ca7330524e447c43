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
