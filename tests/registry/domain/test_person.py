"""The resident snapshot (j10, j20: every item of the 住民票 for one person) is immutable: a change makes a new
snapshot with the changed items and every other item as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jichitai.registry.domain.person import PERSON_FIELDS, Person, from_fields, replace

TARO = Person(atena_number="000000000000019", setai_number="000000000000027", status="active",
              resident_kind="japanese", name="神戸 太郎", kana="コウベ タロウ", birth_date=dt.date(1980, 4, 1), sex="M",
              relationship="世帯主", town_code="281010001", ward_code="28101", banchi="1-2-3",
              became_resident_on=dt.date(2000, 4, 1), my_number="123456789018")


def test_replace_gives_what_dataclasses_replace_gives() -> None:
    moved = replace(TARO, town_code="281020005", banchi="4-5", address_set_on=dt.date(2026, 4, 1))
    assert moved == dataclasses.replace(TARO, town_code="281020005", banchi="4-5", address_set_on=dt.date(2026, 4, 1))
    assert moved.as_dict() == dataclasses.replace(TARO, town_code="281020005", banchi="4-5",
                                                  address_set_on=dt.date(2026, 4, 1)).as_dict()
    assert TARO.town_code == "281010001"  # the earlier snapshot is unchanged
    assert replace(TARO) == TARO
    with pytest.raises(dataclasses.FrozenInstanceError):
        moved.name = "x"  # type: ignore[misc]


def test_replace_refuses_an_item_the_record_does_not_have() -> None:
    with pytest.raises(TypeError, match="no item"):
        replace(TARO, adress="typo")


def test_from_fields_needs_every_item() -> None:
    items = {name: getattr(TARO, name) for name in PERSON_FIELDS}
    assert from_fields(dict(items)) == TARO
    assert list(from_fields(dict(items)).as_dict()) == list(PERSON_FIELDS)
    del items["note"]
    with pytest.raises(TypeError, match="note"):
        from_fields(items)
