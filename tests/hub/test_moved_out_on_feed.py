"""The 宛名 feed tells the systems granted 「住民の状態・世帯・異動事由」 the 転出年月日 a 転入通知 moved earlier
(住民記録システム標準仕様書 1.1.5 j50: 「転出予定年月日又は転入通知に記載された転入日のいずれか早い日で消除すること」), the
転出予定年月日 unchanged beside it (j680). Independent of our code for the dates (from j50's rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.hub import feeds
from jichitai.registry.domain import ApplyMoveInNoticeDay, NewPerson, RecordMoveIn, RecordMoveOut
from jichitai.registry.services import SystemActor, apply, load_towns

pytestmark = pytest.mark.django_db


def test_the_corrected_move_out_day_reaches_the_granted_systems(make_system: Any) -> None:
    load_towns([{"code": "281100001", "ward_code": "28110", "ward_name": "中央区", "name": "加納町",
                 "kana": "カノウチョウ", "postcode": "6500001", "school_district": ""}])
    actor = SystemActor("test")
    moved = apply(RecordMoveIn(moved_on=dt.date(2026, 5, 1), town_code="281100001", banchi="1番地",
                               previous_address="大阪府大阪市北区梅田1丁目", previous_municipality_code="27127",
                               persons=(NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),)),
                  actor=actor)
    atena = moved.atena_numbers[0]
    apply(RecordMoveOut(moved_on=dt.date(2026, 6, 10), notified_on=dt.date(2026, 6, 1), atena_numbers=(atena,),
                        destination_address="京都府京都市中京区", destination_municipality_code="26104"), actor=actor)
    apply(ApplyMoveInNoticeDay(moved_on=dt.date(2026, 6, 5), atena_number=atena), actor=actor)
    feeds.relay_all()
    system, _ = make_system(feeds={"atena-delta": ["basic"]})
    got = feeds.pull(system, "atena-delta").events[-1]["data"]
    assert got["reason"] == "move_out_day_by_notice"
    assert (got["moved_out_on"], got["removed_on"]) == ("2026-06-05", "2026-06-10")
