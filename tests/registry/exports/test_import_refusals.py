"""The migration import refuses what no entry point accepts (issue 18, item 5): a date after the migration's
day (nothing recorded can have happened later, except the end of a period of stay), a control or format
character (ESC, the bidirectional override U+202E: 文字要件, 住民記録システム標準仕様書 1.4), a value longer than
its item, a 住民票コード whose check digit is wrong (住民基本台帳法施行規則 第1条). The file loads nothing and
every fault is listed with its line and item. Independent: each refusal follows from the rule cited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.exports import csvfile, services
from jichitai.registry.exports.layout import HEADER
from jichitai.registry.models import Resident, ResidentHistory
from tests.registry.exports.test_roundtrip import OPERATOR, city, empty_registry  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_import_refuses_future_dates_control_characters_over_long_values_and_bad_codes(city: Any) -> None:  # noqa: F811
    table = csvfile.decode(services.export(actor=OPERATOR, include_my_number=True, include_protected=True).data)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    col = HEADER.index
    table[1][col("生年月日")] = tomorrow
    table[2][col("氏名")] = "青木\x1b[31m 太郎"
    table[3][col("住所_方書")] = "ハイツ\u202e101"
    table[4][col("本籍")] = "兵" * 201
    table[5][col("住民票コード")] = "12345678901"  # check digit should be 3
    data = csvfile.encode(table[0], table[1:])
    empty_registry()
    with pytest.raises(services.ImportRejected) as exc:
        services.import_csv(data, actor=OPERATOR)
    found = {(e.line, e.item): e.message for e in exc.value.errors}
    assert "未来の日付" in found[(2, "生年月日")]
    assert "U+001B" in found[(3, "氏名")] and "U+202E" in found[(4, "住所_方書")]
    assert "200文字以内" in found[(5, "本籍")]
    assert "住民票コード" in found[(6, "住民票コード")]
    assert Resident.objects.count() == 0 and ResidentHistory.objects.count() == 0


def test_import_accepts_a_period_of_stay_ending_in_the_future(city: Any) -> None:  # noqa: F811
    table = csvfile.decode(services.export(actor=OPERATOR, include_my_number=True, include_protected=True).data)
    col = HEADER.index
    foreign = next(r for r in table[1:] if r[col("在留期間の満了の日")])
    foreign[col("在留期間の満了の日")] = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    empty_registry()
    assert services.import_csv(csvfile.encode(table[0], table[1:]), actor=OPERATOR).residents == len(table) - 1


def test_import_lists_every_character_outside_the_standard_set_for_identification(city: Any) -> None:  # noqa: F811
    """文字要件 (標準仕様書 1.4, 行政事務標準文字; issue 22 item 3). Independent: U+E000/U+E001 are private use (legacy
    外字), 葛 U+E0100 is an Adobe-Japan1 sequence, not the MJ's; each is reported with its line, column and position
    for 文字同定 and nothing is stored — as for every other refusal of the import (all or nothing). Once identified
    to MJ characters (葛 U+E0102 = MJ022335) the same file loads, the sequences kept as written."""
    table = csvfile.decode(services.export(actor=OPERATOR, include_my_number=True, include_protected=True).data)
    col = HEADER.index
    name = table[1][col("氏名")]
    table[1][col("氏名")] = "山\ue000 太\ue001"
    table[3][col("住所_方書")] = "葛\U000E0100ハイツ"
    empty_registry()
    with pytest.raises(services.ImportRejected) as exc:
        services.import_csv(csvfile.encode(table[0], table[1:]), actor=OPERATOR)
    characters = [e for e in exc.value.errors if e.column]  # (the 世帯主's row out, its household is reported too)
    found = [(e.line, e.column, e.item, e.message.split(" ")[0]) for e in characters]
    name_at, katagaki_at = col("氏名") + 1, col("住所_方書") + 1
    assert found == [(2, name_at, "氏名", "2文字目"), (2, name_at, "氏名", "5文字目"),
                     (4, katagaki_at, "住所_方書", "1文字目")]
    assert str(characters[0]).startswith(f"2行目{name_at}列「氏名」: 2文字目 氏名の『\ue000』(U+E000) は行政事務標準文字")
    assert "『葛\U000E0100』(U+845B U+E0100)" in characters[2].message
    assert Resident.objects.count() == 0 and ResidentHistory.objects.count() == 0
    table[1][col("氏名")] = name
    for row in table[1:]:  # one household, one address: its 方書 identified for every member
        if row[col("世帯番号")] == table[3][col("世帯番号")]:
            row[col("住所_方書")] = "葛\U000E0102ハイツ"
    assert services.import_csv(csvfile.encode(table[0], table[1:]), actor=OPERATOR).residents == len(table) - 1
    assert Resident.objects.filter(katagaki="葛\U000E0102ハイツ").exists()
