"""The bulk path: a 宛名 standard CSV (全件, UTF-8 or CP932, millions of rows) validated column-wise with Arrow
and landed in ``standard.resident_extract`` in one Iceberg commit (a 全件 file replaces the table's rows).

Validation is the same whole-or-nothing rule as the row-by-row intake, computed on whole columns: a required
item empty, a date that does not parse, a 宛名番号 that is not 1–15 digits, a 性別 other than M/F — each problem
names the line (header = line 1) and the item, and one problem refuses the whole file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import transaction

from jichitai.hub import lakeshield, messagelog
from jichitai.hub.layouts import ATENA_COLUMNS
from jichitai.lake import catalog as lake_catalog
from jichitai.lake import landing
from jichitai.lake.tables import TABLES
from jichitai.registry import suppression

TARGET = "standard.resident_extract"
DATE_COLUMNS = ("birth_date", "became_resident_on", "occurred_on")
REQUIRED = ("atena_number", "setai_number", "status", "resident_kind", "birth_date", "sex", "ward_code", "town_code")
MAX_PROBLEMS = 1000


@dataclass
class BulkResult:
    rows: int
    seconds: float
    problems: int
    problem_list: list[dict[str, Any]] = field(default_factory=list)
    landed: bool = False


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def read(path: Path, encoding: str) -> pa.Table:
    """Read the CSV as text columns (header names mapped to attributes); a column the file lacks reads as empty
    (a file made before the layout gained it), so a required one is refused line by line as an empty item."""
    headers = [h for h, _ in ATENA_COLUMNS]
    names = {h: a for h, a in ATENA_COLUMNS}
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in headers},
                                             strings_can_be_null=True, include_columns=headers,
                                             include_missing_columns=True),
    )
    return table.rename_columns([names[c] for c in table.column_names])


def validate(table: pa.Table) -> tuple[pa.Table, list[dict[str, Any]]]:
    """(typed table, problems). Dates become date32; problems name line and item."""
    label = {a: h for h, a in ATENA_COLUMNS}
    problems: list[dict[str, Any]] = []

    def report(mask: pa.ChunkedArray | pa.Array, item: str, message: str) -> None:
        idx = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
        for i in idx[: MAX_PROBLEMS - len(problems)]:
            problems.append({"line": i + 2, "item": label[item], "message": message})

    for name in REQUIRED:
        report(pc.is_null(table[name]), name, "必須項目が空です")
    report(pc.invert(pc.match_substring_regex(table["atena_number"], r"^[0-9]{1,15}$")), "atena_number",
           "宛名番号は15桁以内の数字です")
    report(pc.invert(pc.is_in(table["sex"], pa.array(["M", "F"]))), "sex", "性別は M または F です")
    columns = {}
    for name in DATE_COLUMNS:
        raw = table[name]
        ok = pc.match_substring_regex(raw, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        report(pc.and_(pc.is_valid(raw), pc.invert(ok)), name, "日付は YYYY-MM-DD です")
        safe = pc.if_else(pc.fill_null(ok, False), raw, pa.scalar(None, pa.string()))
        parsed = pc.cast(pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32())
        # strptime rolls an impossible day over (2023-02-29 → 03-01): a real date prints back as it was written
        real = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), safe)
        columns[name] = pc.if_else(pc.fill_null(real, False), parsed, pa.scalar(None, pa.date32()))
        report(pc.and_(pc.fill_null(ok, False), pc.invert(pc.fill_null(real, False))), name, "存在しない日付です")
    for name, col in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, col)
    return table, problems


def land_resident_csv(path: str | Path, encoding: str = "cp932", cat: Any = None, sender: str = "juki") -> BulkResult:
    """Validate and land a 宛名 全件 CSV; whole or nothing. Idempotent per file content (sha256).

    The file is recorded in the hub's message log (hash, size, rows, sender) before anything is landed: if the
    log cannot be written, nothing is (fail closed); a refused file is logged as quarantined."""
    started = time.perf_counter()
    path = Path(path)
    digest = _sha256(path)
    typed, problems = validate(read(path, encoding))
    with transaction.atomic():
        messagelog.append(kind="file_quarantined" if problems else "file_in", direction="in", sender=sender,
                          receiver=messagelog.HUB, reference=f"bulk:{TARGET}:{path.name}", payload=b"",
                          digest=(digest, path.stat().st_size), count=typed.num_rows)
    if problems:
        return BulkResult(typed.num_rows, time.perf_counter() - started, len(problems), problems)
    batch = f"csv:{digest[:32]}"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    typed = typed.append_column("_batch", pa.array([batch] * typed.num_rows, pa.string()))
    typed = typed.append_column("_landed_at", pa.array([now] * typed.num_rows, pa.timestamp("us")))
    typed = typed.drop_columns([c for c in typed.column_names if c not in TABLES[TARGET].column_names])
    # the Shield, as for every other landing: no address of a person under 支援措置 or 照会抑止, of their
    # household or at their place (audited); what landed before a measure is redacted by hub.lakeshield
    guard = suppression.shield()
    typed, withheld = lakeshield.withhold_extract(typed, guard)
    if withheld:
        suppression.withheld_events(lakeshield.LAKE, "lake.land", suppression.records_of(withheld), guard,
                                    table=TARGET)
    table = lake_catalog.ensure_table(TARGET, TABLES[TARGET], cat)
    landed = landing.replace_once(table, typed, batch)
    return BulkResult(typed.num_rows, time.perf_counter() - started, 0, [], landed)
