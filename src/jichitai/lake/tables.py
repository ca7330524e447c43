"""The raw and standard zones' tables (the lounge zone's are in :mod:`jichitai.lake.schemas`).

raw: as received, one row per event or file line, the payload kept as text.
standard: typed and validated, one table per business entity, append-only with the batch and landing time, so
the table is its own history (and Iceberg snapshots give it "as of"). Standard tables hold identifiers
(宛名番号) but no names and no 個人番号 (tax reports keep the registry's keyed blind index instead).
"""

from __future__ import annotations

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


def _schema(*cols: tuple[str, object, bool]) -> Schema:
    return Schema(*(NestedField(i, name, typ, required=req) for i, (name, typ, req) in enumerate(cols, 1)))  # type: ignore[arg-type]


S, D, L, B, T, N = StringType(), DateType(), LongType(), BooleanType(), TimestampType(), IntegerType()
LINEAGE = (("_batch", S, True), ("_landed_at", T, True))

RAW_ATENA_EVENTS = _schema(
    ("cursor", L, True), ("event_id", S, True), ("kind", S, True), ("atena_number", S, True),
    ("setai_number", S, False), ("occurred_on", D, True), ("created_at", T, True), ("payload", S, True), *LINEAGE)

RAW_FILE_ROWS = _schema(
    ("file_id", L, True), ("layout", S, True), ("sender", S, True), ("sha256", S, True), ("line", N, True),
    ("cells", S, True), *LINEAGE)

STANDARD_RESIDENT_HISTORY = _schema(
    ("cursor", L, True), ("event_id", S, True), ("atena_number", S, True), ("setai_number", S, False),
    ("kind", S, True), ("is_subject", B, True), ("occurred_on", D, True), ("status", S, True),
    ("resident_kind", S, False), ("sex", S, False), ("birth_date", D, False), ("ward_code", S, False),
    ("town_code", S, False), ("school_district", S, False), ("postcode", S, False), ("relationship", S, False),
    ("previous_ward_code", S, False), ("previous_town_code", S, False), ("origin_class", S, False),
    ("destination_class", S, False), ("ward_change", B, False), ("support_measure", B, False), *LINEAGE)

STANDARD_KOKUHO = _schema(
    ("file_id", L, True), ("line", N, True), ("atena_number", S, True), ("setai_number", S, True),
    ("acquired_on", D, True), ("lost_on", D, False), *LINEAGE)

STANDARD_JIDO_TEATE = _schema(
    ("file_id", L, True), ("line", N, True), ("atena_number", S, True), ("child_atena_number", S, True),
    ("from_month", D, True), ("to_month", D, False), ("monthly_amount", L, True), *LINEAGE)

STANDARD_KAIGO = _schema(
    ("file_id", L, True), ("line", N, True), ("atena_number", S, True), ("level", S, True),
    ("valid_from", D, True), ("valid_to", D, False), *LINEAGE)

STANDARD_TAX_REPORT = _schema(
    ("file_id", L, True), ("line", N, True), ("income_year", N, True), ("payer_number", S, True),
    ("recipient_index", S, True), ("amount", L, True), ("withholding_tax", L, True), ("social_insurance", L, False),
    *LINEAGE)

# The 宛名 standard CSV (全件) landed whole: the bulk path (bench/hub_land_csv.py, ``jichitai hub land-csv``).
STANDARD_RESIDENT_EXTRACT = _schema(
    ("atena_number", S, True), ("setai_number", S, True), ("status", S, True), ("resident_kind", S, True),
    ("birth_date", D, True), ("sex", S, True), ("relationship", S, False), ("ward_code", S, True),
    ("town_code", S, True), ("postcode", S, False), ("became_resident_on", D, False), ("kind", S, False),
    ("occurred_on", D, False), *LINEAGE)

TABLES: dict[str, Schema] = {
    "raw.atena_events": RAW_ATENA_EVENTS,
    "raw.file_rows": RAW_FILE_ROWS,
    "standard.resident_history": STANDARD_RESIDENT_HISTORY,
    "standard.kokuho_shikaku": STANDARD_KOKUHO,
    "standard.jido_teate": STANDARD_JIDO_TEATE,
    "standard.kaigo_nintei": STANDARD_KAIGO,
    "standard.salary_report": STANDARD_TAX_REPORT,
    "standard.pension_report": STANDARD_TAX_REPORT,
    "standard.resident_extract": STANDARD_RESIDENT_EXTRACT,
}
