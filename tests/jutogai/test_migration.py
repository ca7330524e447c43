"""移行 (共通機能標準仕様書 §2.3): numbers kept as they were, duplicates found and reported first — in the file,
against the 住登外者 held and against the residents' 宛名番号 — and new numbers never equal a migrated one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from jichitai.jutogai import migration, numbering, services
from jichitai.jutogai.facts import checked
from jichitai.jutogai.models import ACTIVE, MERGED, Jutogaisha, JutogaishaHistory

pytestmark = pytest.mark.django_db

HEADER = "住登外者宛名番号,氏名,氏名フリガナ,生年月日,性別,郵便番号,住所,移行元システム\n"


def test_numbers_kept_duplicates_merged_residents_refused_errors_named(towns: Any, clerk: Any) -> None:
    """Independent of our numbering: the file's numbers are the ones stored; the second row of the same person
    (髙田/高田 folded) is kept as 統合済み pointing at the first; the resident is not loaded and is named; a
    resident's 宛名番号 used as a number is a collision; a bad date is reported with its item."""
    from jichitai.registry.domain import NewPerson
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    resident = apply(move_in_command(persons=(NewPerson("中村 修", "ナカムラ オサム", dt.date(1955, 5, 5), "M", "世帯主"),)),
                     actor=clerk).atena_numbers[0]
    own_range = numbering.serial_of  # a migrated number of our own range moves the sequence past it
    high = "900000000000500"[:-1]
    from jichitai.common.checkdigit import with_modulus11

    ours = with_modulus11(int(high), 15)
    assert own_range(ours) == int(high)
    csv_text = HEADER + "\n".join([
        "A0001,髙田 一,タカダ ハジメ,1970-01-01,男,1000001,東京都千代田区千代田1-1,固定資産税",
        "B0077,高田 一,タカダ ハジメ,19700101,1,,東京都千代田区千代田1-1,軽自動車税",
        "A0002,中村 修,ナカムラ オサム,1955-05-05,男,,大阪府大阪市北区1,固定資産税",
        f"{resident},別人 太郎,ベツジン タロウ,1990-01-01,男,,京都府京都市1,国保",
        "A0003,日付 誤り,ヒヅケ アヤマリ,1990-13-01,女,,京都府京都市1,国保",
        f"{ours},範囲 内,ハンイ ナイ,1991-02-03,女,,奈良県奈良市1,介護",
    ]) + "\n"
    report = migration.run(csv_text.encode("cp932"), actor="operator:test")
    assert report.counts == {"loaded": 2, "duplicate": 1, "resident": 1, "collision": 1, "already": 0, "invalid": 1}
    assert set(Jutogaisha.objects.values_list("number", flat=True)) == {"A0001", "B0077", ours}
    b = Jutogaisha.objects.get(pk="B0077")
    assert (b.status, b.merged_into) == (MERGED, "A0001")
    by_outcome = {line["outcome"]: line for line in report.lines}
    assert by_outcome["resident"]["other"] == resident and by_outcome["collision"]["number"] == resident
    assert by_outcome["invalid"]["line"] == 6 and "birth_date" in by_outcome["invalid"]["message"]
    assert JutogaishaHistory.objects.filter(reason="migrated").count() == 3
    fresh = services.number("s", checked("新規 花子", "", dt.date(2000, 1, 1), "F", "兵庫県姫路市1"), source="t").numbered
    assert fresh is not None and int(fresh.number[:-1]) > int(high)  # never one of the migrated numbers
    again = migration.run(csv_text.encode("utf-8"), actor="operator:test")
    assert again.counts["already"] == 3 and again.counts["loaded"] == 0  # a re-run changes nothing
    assert Jutogaisha.objects.filter(status=ACTIVE).count() == 3


def test_the_command_shows_progress_and_writes_the_report(tmp_path: Any, capsys: Any) -> None:
    """``jichitai jutogai import`` — consistency: the summary in words and the report of the rows not loaded."""
    src = tmp_path / "jutogai.csv"
    src.write_text(HEADER + "X1,山本 一,ヤマモト ハジメ,1960-01-01,男,,愛知県名古屋市1,固定\nX2,,,,,,,\n", encoding="utf-8")
    call_command("jutogai", "import", str(src), "--report", str(tmp_path / "report.csv"))
    out = capsys.readouterr().out
    assert "移行 1件" in out and "誤り 1件" in out
    assert "誤り（移行せず）" in (tmp_path / "report.csv").read_text(encoding="utf-8-sig")


def test_a_file_without_the_columns_is_refused_whole() -> None:
    with pytest.raises(Exception) as e:
        migration.run("番号,名前\n1,山田\n".encode(), actor="operator:test")
    assert "住登外者宛名番号" in str(e.value.message)  # type: ignore[attr-defined]
