"""Iceberg schemas of the lounge zone (namespace ``lounge``): the contract between lake and EBPM lounge.

Every table is pseudonymised: ``pid`` (and ``household_pid``, ``child_pid``, ``declaration_pid``) is the
keyed HMAC-SHA256 of the 宛名番号 (or declaration reference) for the purpose ``lounge``, hex, first 32
characters (:func:`jichitai.lake.pseudonym.pseudonymise`). No names, no 個人番号, no street address below
町字; birth dates are reduced to the first day of the birth month (``birth_ym``).

Conventions
- dates are Iceberg ``date``; ``valid_to`` / ``to_month`` are exclusive (the first day no longer covered) and
  null while open.
- timestamps (``submitted_at``, ``decided_at``) are Iceberg ``timestamp`` without zone, holding UTC. A
  zoneless type keeps DuckDB and Spark from shifting them to a session time zone (ibis time-zone issues, see
  docs/hub.md).
- money is ``long`` yen.
- required (non-null) columns are marked ``required=True``; write Arrow tables built from
  :func:`arrow_schema`.

Source: docs/team-interfaces (lake lounge zone), agreed between the hub/lake and lounge engineers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyiceberg.schema import Schema
from pyiceberg.types import (
    BooleanType,
    DateType,
    IntegerType,
    LongType,
    NestedField,
    StringType,
    TimestampType,
)

if TYPE_CHECKING:
    import pyarrow as pa

LOUNGE_NAMESPACE = "lounge"

# 異動 kinds as they appear in lounge.movements.kind
MOVEMENT_KINDS = ("birth", "death", "move_in", "move_out", "move_within", "ward_change", "other")
# origin_class / destination_class values
MOVE_CLASSES = ("市内", "県内", "県外", "国外")
# declarations.outcome values
DECLARATION_OUTCOMES = ("auto_accepted", "returned", "clerk_accepted", "clerk_corrected", "pending")
# ltc_certification.level values (介護保険法 第7条・第19条)
LTC_LEVELS = ("要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5")


def _s(field_id: int, name: str, *, required: bool = True) -> NestedField:
    return NestedField(field_id, name, StringType(), required=required)


def _d(field_id: int, name: str, *, required: bool = True) -> NestedField:
    return NestedField(field_id, name, DateType(), required=required)


RESIDENT_SPELLS = Schema(
    _s(1, "pid"),
    _s(2, "household_pid"),
    _s(3, "sex"),
    _d(4, "birth_ym"),
    _s(5, "nationality"),
    _s(6, "ward_code"),
    _s(7, "town_code"),
    _s(8, "school_district", required=False),
    _d(9, "valid_from"),
    _d(10, "valid_to", required=False),
)

MOVEMENTS = Schema(
    _s(1, "event_id"),
    _s(2, "pid"),
    _s(3, "kind"),
    _d(4, "event_date"),
    _s(5, "sex"),
    _d(6, "birth_ym"),
    _s(7, "ward_code"),
    _s(8, "town_code"),
    _s(9, "school_district", required=False),
    _s(10, "origin_class", required=False),
    _s(11, "destination_class", required=False),
)

# Births with the mother's age band (linked through the household and 続柄 in the standard zone before
# pseudonymisation; the mother's identity does not reach the lounge zone). mother_band "15-19" … "45-49" or "不明".
BIRTHS = Schema(
    _d(1, "event_date"),
    _s(2, "ward_code"),
    _s(3, "sex"),
    _s(4, "mother_band"),
)

CHILD_ALLOWANCE = Schema(
    _s(1, "pid"),
    _s(2, "child_pid"),
    _s(3, "ward_code"),
    _s(4, "school_district", required=False),
    _d(5, "from_month"),
    _d(6, "to_month", required=False),
    NestedField(7, "monthly_amount", LongType(), required=True),
)

LTC_CERTIFICATION = Schema(
    _s(1, "pid"),
    _s(2, "level"),
    _s(3, "ward_code"),
    _d(4, "valid_from"),
    _d(5, "valid_to", required=False),
)

NHI_ENROLMENT = Schema(
    _s(1, "pid"),
    _s(2, "household_pid"),
    _s(3, "ward_code"),
    _d(4, "valid_from"),
    _d(5, "valid_to", required=False),
)

TAX_ASSESSMENT = Schema(
    _s(1, "pid"),
    NestedField(2, "fiscal_year", IntegerType(), required=True),
    NestedField(3, "version", IntegerType(), required=True),
    _s(4, "ward_code"),
    NestedField(5, "taxable", BooleanType(), required=True),
    NestedField(6, "total_income", LongType(), required=True),
    NestedField(7, "taxable_income", LongType(), required=True),
    NestedField(8, "income_levy", LongType(), required=True),
    NestedField(9, "per_capita", LongType(), required=True),
    # the 課税分離所得金額 summed (optional: added to tables landed before it; an older row reads as null)
    NestedField(10, "taxable_separate", LongType(), required=False),
)

DECLARATIONS = Schema(
    _s(1, "declaration_pid"),
    _s(2, "pid"),
    NestedField(3, "fiscal_year", IntegerType(), required=True),
    _s(4, "channel"),
    _s(5, "pattern"),
    _s(6, "outcome"),
    NestedField(7, "submitted_at", TimestampType(), required=True),
    NestedField(8, "decided_at", TimestampType(), required=False),
    NestedField(9, "clerk_minutes", IntegerType(), required=False),
)

# A reference table, not about people: the city's 町字 master (住所辞書) with its names and kana, so the lounge
# names a 町字 (「中央区 三宮町一丁目」) rather than showing its code. Place names are public; nothing here
# places a person. Replaced whole by the landing when the registry's dictionary changes.
TOWNS = Schema(
    _s(1, "town_code"),
    _s(2, "ward_code"),
    _s(3, "ward_name"),
    _s(4, "town_name"),
    _s(5, "town_kana", required=False),
)

# table name (without namespace) -> schema
LOUNGE_TABLES: dict[str, Schema] = {
    "resident_spells": RESIDENT_SPELLS,
    "movements": MOVEMENTS,
    "births": BIRTHS,
    "child_allowance": CHILD_ALLOWANCE,
    "ltc_certification": LTC_CERTIFICATION,
    "nhi_enrolment": NHI_ENROLMENT,
    "tax_assessment": TAX_ASSESSMENT,
    "declarations": DECLARATIONS,
    "towns": TOWNS,
}
# lounge tables about places, not people: no pseudonymous person in them, so no person-level query and no
# 支援措置 redaction applies (the analysts' SQL refuses them; their names reach the pages as labels)
REFERENCE_TABLES = frozenset({"towns"})


def identifier(table: str) -> str:
    """The full Iceberg identifier of a lounge table, e.g. ``lounge.movements``."""
    if table not in LOUNGE_TABLES:
        raise KeyError(table)
    return f"{LOUNGE_NAMESPACE}.{table}"


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema matching a lounge table (nullability included), for building batches to append."""
    return LOUNGE_TABLES[table].as_arrow()
