"""Land a 1,500,000-row 宛名 standard CSV (全件, CP932) into the lake's standard zone through the hub's bulk path
(``jichitai.hub.bulk.land_resident_csv``: read, validate every column, log the file, one Iceberg commit), and
read the same file with DuckDB's own ``read_csv`` in the same run as the ceiling.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_hubcsv JICHITAI_MODE=test \\
    JICHITAI_VAR=var/hubcsv .venv/bin/python bench/hub_land_csv.py [--rows 1500000]

Target: < 60 s. Generating the file is timed apart. Prints one row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from benchdb import bench_database

SURNAMES = ["佐藤", "鈴木", "髙橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "山﨑"]
GIVEN = ["太郎", "花子", "一郎", "美咲", "翔", "陽菜", "大輔", "結衣"]


def write_csv(path: Path, rows: int, seed: int = 11) -> None:
    """A 全件 file in the hub's 宛名 layout (CP932, CRLF), written column-wise with NumPy and Arrow."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from jichitai.hub.layouts import ATENA_COLUMNS

    rng = np.random.default_rng(seed)
    i = np.arange(rows)
    born = np.datetime64("1930-01-01") + rng.integers(0, 33000, rows).astype("timedelta64[D]")
    came = np.maximum(born, np.datetime64("1990-01-01") + rng.integers(0, 12000, rows).astype("timedelta64[D]"))
    wards = np.array(["28101", "28102", "28110", "28105", "28109", "28106", "28107", "28108", "28111"])
    w = rng.integers(0, 9, rows)
    names = np.char.add(np.char.add(np.array(SURNAMES)[i % 10], "　"), np.array(GIVEN)[(i // 10) % 8])
    columns = {
        "宛名番号": np.char.zfill((100000000 + i).astype(str), 15), "世帯番号": np.char.zfill((200000000 + i // 2).astype(str), 15),
        "住民状態": np.full(rows, "active"), "住民種別": np.where(i % 40 == 0, "foreign", "japanese"),
        "氏名": names, "氏名フリガナ": np.full(rows, "サトウ タロウ"), "生年月日": born.astype(str),
        "性別": np.where(i % 2 == 0, "M", "F"), "続柄": np.where(i % 2 == 0, "世帯主", "妻"),
        "区コード": wards[w], "町字コード": np.char.add(wards[w], np.char.zfill((i % 300).astype(str), 4)),
        "番地": np.char.add((i % 40 + 1).astype(str), "番地"), "方書": np.full(rows, ""),
        "郵便番号": np.full(rows, "6500001"), "住民となった日": came.astype(str),
        "異動事由": np.full(rows, "move_in_domestic"), "異動日": came.astype(str),
    }
    table = pa.table({h: pa.array(columns[h]) for h, _ in ATENA_COLUMNS})
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as tmp:
        pacsv.write_csv(table, tmp.name, pacsv.WriteOptions(quoting_style="none"))
    text = Path(tmp.name).read_text(encoding="utf-8")
    os.unlink(tmp.name)
    path.write_bytes(text.replace("\n", "\r\n").encode("cp932"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_500_000)
    args = ap.parse_args()
    with bench_database():
        import duckdb
        from django.conf import settings

        from jichitai.hub import bulk
        from jichitai.lake import catalog

        work = Path(tempfile.mkdtemp(prefix="hub-land-csv-"))
        settings.CONFIG = dataclasses.replace(settings.CONFIG, lake_path=str(work / "lake"),
                                              lake_catalog_url=f"sqlite:///{work / 'lake' / 'catalog.sqlite3'}")
        catalog.forget_catalogs()
        path = work / "atena_zenken.csv"
        t0 = time.perf_counter()
        write_csv(path, args.rows)
        gen_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6

        t0 = time.perf_counter()
        result = bulk.land_resident_csv(path, "cp932")
        land_s = time.perf_counter() - t0
        assert result.landed and result.problems == 0 and result.rows == args.rows, result
        landed = catalog.catalog().load_table(bulk.TARGET).scan().to_arrow().num_rows
        assert landed == args.rows, landed

        # DuckDB's own reader on the same bytes: CP932 needs its encodings extension, which is fetched from the
        # internet (closed network here), so DuckDB reads the UTF-8 twin of the file — a ceiling that gives it
        # the transcoding for free.
        utf8 = work / "atena_zenken_utf8.csv"
        utf8.write_bytes(path.read_bytes().decode("cp932").encode("utf-8"))
        con = duckdb.connect()
        t0 = time.perf_counter()
        n = con.execute(f"SELECT count(*) FROM read_csv('{utf8}', header=true, all_varchar=true)").fetchone()
        duck_s = time.perf_counter() - t0
        assert n is not None and n[0] == args.rows
        t0 = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{utf8}', header=true, all_varchar=true)")
        duck_table_s = time.perf_counter() - t0
        print(f"file {size_mb:.0f} MB CP932, generated in {gen_s:.1f} s")
        print(f"bulk landing (read CP932, validate, log, one Iceberg commit): {land_s:.1f} s "
              f"({args.rows / land_s:,.0f} rows/s)")
        print(f"DuckDB read_csv (UTF-8 twin): count {duck_s:.1f} s, materialised {duck_table_s:.1f} s")
        print(f"| hub: land a {args.rows:,}-row 宛名 standard CSV (CP932, {size_mb:.0f} MB) into standard.resident_extract "
              f"| {land_s:.1f} s (DuckDB read_csv of the same rows, same run: {duck_table_s:.1f} s) | < 60 s | "
              f"`.venv/bin/python bench/hub_land_csv.py --rows {args.rows}` | {dt.date.today()} | "
              "2 cores, 24 GiB, python-svc |")


if __name__ == "__main__":
    main()
