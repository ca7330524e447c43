"""The bulk path for a 宛名 standard CSV (全件): CP932 or UTF-8, validated on whole columns, whole or nothing,
landed once per file content in ``standard.resident_extract``, recorded in the message log first (fail closed)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from jichitai.hub import bulk
from jichitai.hub.layouts import ATENA_COLUMNS
from jichitai.hub.models import MessageLogEntry

pytestmark = pytest.mark.django_db


def _row(i: int, **over: str) -> dict[str, str]:
    row = {"宛名番号": f"{100000000 + i}", "世帯番号": f"{200000000 + i // 2}", "住民状態": "active",
           "住民種別": "japanese", "氏名": "髙橋 﨑子" if i % 2 else "神戸 太郎", "氏名フリガナ": "タカハシ サキコ",
           "生年月日": "1980-02-29", "性別": "MF"[i % 2], "続柄": "世帯主", "区コード": "28110",
           "町字コード": "281100001", "番地": "1番地", "方書": "", "郵便番号": "6500001",
           "住民となった日": "2000-04-01", "異動事由": "move_in_domestic", "異動日": "2000-04-01"}
    row.update(over)
    return row


def _file(tmp_path: Path, rows: list[dict[str, str]], encoding: str = "cp932", name: str = "atena.csv") -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, [h for h, _ in ATENA_COLUMNS], lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_a_cp932_file_lands_once_and_is_logged(lake: Any, tmp_path: Path) -> None:
    path = _file(tmp_path, [_row(i) for i in range(50)])
    first = bulk.land_resident_csv(path, "cp932")
    assert first.landed and first.rows == 50 and first.problems == 0
    table = lake.load_table(bulk.TARGET).scan().to_arrow()
    assert table.num_rows == 50 and "name" not in table.column_names  # no names in the lake's standard zone
    assert str(table["birth_date"][0]) == "1980-02-29"
    again = bulk.land_resident_csv(path, "cp932")
    assert not again.landed and lake.load_table(bulk.TARGET).scan().to_arrow().num_rows == 50
    entries = list(MessageLogEntry.objects.filter(kind="file_in").order_by("seq"))
    assert len(entries) == 2 and entries[0].count == 50 and entries[0].payload_bytes == path.stat().st_size


def test_a_new_full_file_replaces_the_old_one(lake: Any, tmp_path: Path) -> None:
    bulk.land_resident_csv(_file(tmp_path, [_row(i) for i in range(10)], name="a.csv"), "cp932")
    bulk.land_resident_csv(_file(tmp_path, [_row(i) for i in range(3)], "utf-8", name="b.csv"), "utf-8")
    assert lake.load_table(bulk.TARGET).scan().to_arrow().num_rows == 3


def test_one_bad_row_refuses_the_whole_file_naming_line_and_item(lake: Any, tmp_path: Path) -> None:
    rows = [_row(i) for i in range(20)]
    rows[4] = _row(4, 生年月日="2023-02-29")          # no such day
    rows[9] = _row(9, 性別="X")
    rows[12] = _row(12, 宛名番号="12A")
    result = bulk.land_resident_csv(_file(tmp_path, rows), "cp932")
    assert not result.landed and result.problems == 3
    assert {(p["line"], p["item"]) for p in result.problem_list} == {(6, "生年月日"), (11, "性別"), (14, "宛名番号")}
    assert not lake.table_exists(bulk.TARGET) or lake.load_table(bulk.TARGET).scan().to_arrow().num_rows == 0
    assert MessageLogEntry.objects.filter(kind="file_quarantined").count() == 1


def test_nothing_lands_when_the_message_log_cannot_be_written(lake: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from jichitai.hub import messagelog

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise messagelog.MessageLogUnavailable(reason="OSError")

    monkeypatch.setattr(messagelog, "signing_key", broken)
    with pytest.raises(messagelog.MessageLogUnavailable):
        bulk.land_resident_csv(_file(tmp_path, [_row(1)]), "cp932")
    assert not lake.table_exists(bulk.TARGET)


def test_j440_a_full_file_lands_no_address_of_a_supported_household(
    lake: Any, tmp_path: Path, household: Any, protect: Any
) -> None:
    """Independent (住基法第12条の3, 標準仕様書 3.4 j440: the lake is a system without the right to supported
    addresses): 花子 is under 支援措置; in a 全件 file, her row and her co-resident 太郎's land without 区・町字・
    郵便番号 (audited); another household's row keeps its address."""
    taro, hanako = household.atena_numbers
    setai = household.setai_numbers[0]
    protect(hanako, "support")
    rows = [_row(1, 宛名番号=taro, 世帯番号=setai), _row(2, 宛名番号=hanako, 世帯番号=setai), _row(3)]
    bulk.land_resident_csv(_file(tmp_path, rows), "cp932")
    landed = {r["atena_number"]: r for r in lake.load_table(bulk.TARGET).scan().to_arrow().to_pylist()}
    for atena in (taro, hanako):
        assert not (landed[atena]["town_code"] or landed[atena]["ward_code"] or landed[atena]["postcode"])
    assert landed["100000003"]["town_code"] == "281100001"
    from jichitai.audit.models import AuditEntry

    assert AuditEntry.objects.filter(resource=f"resident:{taro}", action="lake.land", outcome="withheld").exists()
