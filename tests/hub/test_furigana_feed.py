"""The 宛名 feed carries 氏名の振り仮名 only to systems granted that item (**independent** of our code: the grant
per data item of 共通機能標準仕様書 2.2's 庁内データ連携; the item itself from 住基法第7条 as amended)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.hub import feeds
from jichitai.registry.domain import NewPerson, RecordFuriganaNotification, RecordMoveIn
from jichitai.registry.services import SystemActor, apply, load_towns

pytestmark = pytest.mark.django_db


def test_granted_systems_get_it_others_do_not(make_system: Any) -> None:
    load_towns(
        [
            {
                "code": "281100001",
                "ward_code": "28110",
                "ward_name": "中央区",
                "name": "加納町",
                "kana": "カノウチョウ",
                "postcode": "6500001",
                "school_district": "",
            }
        ]
    )
    actor = SystemActor("test")
    moved = apply(
        RecordMoveIn(
            moved_on=dt.date(2026, 5, 1),
            town_code="281100001",
            banchi="1番地",
            previous_address="大阪府大阪市北区梅田1丁目",
            previous_municipality_code="27127",
            persons=(NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),),
        ),
        actor=actor,
    )
    apply(
        RecordFuriganaNotification(
            moved_on=dt.date(2026, 6, 1),
            atena_number=moved.atena_numbers[0],
            furigana_shi="アオキ",
            furigana_mei="タロウ",
        ),
        actor=actor,
    )
    feeds.relay_all()
    with_item, _ = make_system(feeds={"atena-delta": ["basic", "furigana"]})
    names_only, _ = make_system(feeds={"atena-delta": ["basic", "name"]})
    got = feeds.pull(with_item, "atena-delta").events[-1]["data"]
    assert (got["furigana_shi"], got["furigana_mei"]) == ("アオキ", "タロウ") and "kana" not in got
    other = feeds.pull(names_only, "atena-delta").events[-1]["data"]
    assert "furigana_shi" not in other and other["kana"] == "アオキ タロウ"
