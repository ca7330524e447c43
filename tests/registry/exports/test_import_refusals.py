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
