"""Other systems receive a 不詳日 生年月日 「不詳」のまま beside its internal day (住民記録システム標準仕様書 1.1.8, j80:
「他システムとは「不詳」のまま連携し…内部的には日付を保有しておくこと」): the 宛名 feed and the hub's extract file carry
both, to a system granted 「生年月日」. Independent (j80's 「令和○○年頃」 form; 昭和20年 = 1945)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from jichitai.hub import extracts, feeds
from jichitai.registry.domain import NewPerson, RecordDeath, RecordMoveIn
from jichitai.registry.services import SystemActor, apply, load_towns

pytestmark = pytest.mark.django_db


def _move_in() -> str:
    load_towns([{"code": "281100001", "ward_code": "28110", "ward_name": "中央区", "name": "加納町",
                 "kana": "カノウチョウ", "postcode": "6500001", "school_district": ""}])
    return apply(RecordMoveIn(moved_on=dt.date(2026, 5, 1), town_code="281100001", banchi="1番地",
                       previous_address="大阪府大阪市北区梅田1丁目", previous_municipality_code="27127",
                       persons=(NewPerson("青木 太郎", "アオキ タロウ", dt.date(1945, 1, 1), "M", "世帯主",
                                          birth_date_text="昭和20年頃"),)), actor=SystemActor("test")).atena_numbers[0]


def test_the_feed_and_the_extract_carry_the_words_beside_the_day(make_system: Any) -> None:
    _move_in()
    feeds.relay_all()
    system, _ = make_system(feeds={"atena-delta": ["birth_date"], "atena-extract": ["birth_date"]})
    got = feeds.pull(system, "atena-delta").events[-1]["data"]
    assert (got["birth_date"], got["birth_date_text"]) == ("1945-01-01", "昭和20年頃")
    out = io.BytesIO()
    extracts.render(system, out, "full")
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"))))
    assert (rows[0]["生年月日"], rows[0]["生年月日_不詳表記"]) == ("1945-01-01", "昭和20年頃")
    other, _ = make_system(feeds={"atena-delta": ["sex"]})  # not granted 生年月日: neither goes
    assert "birth_date_text" not in feeds.pull(other, "atena-delta").events[-1]["data"]


def test_a_death_day_in_words_goes_beside_its_internal_day(make_system: Any) -> None:
    """Independent (j80: the 死亡 異動日 as a 不詳日 「推定令和○○年○月」, sent 「不詳」のまま to a system granted
    「住民の状態・世帯・異動事由」)."""
    atena = _move_in()
    apply(RecordDeath(moved_on=dt.date(2026, 6, 1), atena_number=atena, moved_on_text="推定令和8年6月"),
          actor=SystemActor("test"))
    feeds.relay_all()
    system, _ = make_system(feeds={"atena-delta": ["basic"]})
    sent = [e["data"] for e in feeds.pull(system, "atena-delta").events if e["data"].get("reason") == "death"]
    assert [(d["removed_on"], d["removed_on_text"]) for d in sent] == [("2026-06-01", "推定令和8年6月")]


def test_the_catalogue_sends_every_worded_date_beside_its_day() -> None:
    """Consistency (our catalogue against the registry's list of j80 dates): each day's words travel in the item
    that carries the day, so no system granted a day misses its words."""
    from jichitai.hub.catalogue import ATENA_ITEMS
    from jichitai.registry.domain.person import WORDED_DATES

    for day, words in WORDED_DATES.items():
        items = [code for code, _label, keys, _s in ATENA_ITEMS if day in keys]
        assert items and all(words in keys for code, _l, keys, _s in ATENA_ITEMS if code in items), day
