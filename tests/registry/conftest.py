"""Registry fixtures: a small address dictionary (Kobe wards), a clerk and a supervisor, and a household."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.registry.domain import NewPerson, RecordMoveIn

TOWNS = [
    {"code": "281100001", "ward_code": "28110", "ward_name": "中央区", "name": "加納町", "kana": "カノウチョウ",
     "postcode": "6500001", "school_district": "こうべ小学校"},
    {"code": "281100002", "ward_code": "28110", "ward_name": "中央区", "name": "三宮町", "kana": "サンノミヤチョウ",
     "postcode": "6500021", "school_district": "こうべ小学校"},
    {"code": "281010001", "ward_code": "28101", "ward_name": "東灘区", "name": "住吉宮町", "kana": "スミヨシミヤマチ",
     "postcode": "6580051", "school_district": "住吉小学校"},
]


@pytest.fixture
def towns(db: Any) -> list[dict[str, str]]:
    from jichitai.registry.services import load_towns

    load_towns(TOWNS)
    return TOWNS


@pytest.fixture
def clerk(make_staff: Callable[..., Any]) -> Any:
    return make_staff(roles=["counter"])


@pytest.fixture
def supervisor(make_staff: Callable[..., Any]) -> Any:
    return make_staff(roles=["supervisor"])


@pytest.fixture
def officer(make_staff: Callable[..., Any]) -> Any:
    """The 支援措置責任者 (a 市民課 決裁者 the city names): the only one who sets, extends, ends and lifts
    suppressions for a while (j410: 「抑止・解除、又は一時解除できる権限は個別に設定できること」)."""
    return make_staff(roles=["supervisor", "support_officer"])


def move_in_command(**overrides: Any) -> RecordMoveIn:
    values: dict[str, Any] = dict(
        moved_on=dt.date(2026, 11, 1), notified_on=dt.date(2026, 11, 5),
        persons=(
            NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主", my_number="123456789018"),
            NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"),
        ),
        town_code="281100001", banchi="1番地", previous_address="大阪府大阪市北区梅田1丁目",
        previous_municipality_code="27127",
    )
    values.update(overrides)
    return RecordMoveIn(**values)


@pytest.fixture
def household(towns: Any, clerk: Any) -> Any:
    from jichitai.registry.services import apply

    return apply(move_in_command(), actor=clerk, terminal="T01")


@pytest.fixture
def protect(make_staff: Callable[..., Any]) -> Callable[..., Any]:
    """``protect(atena, kind="support")``: a 支援措置 applied for by a clerk and approved by a supervisor (the only
    way one is set); other kinds are set by a supervisor directly. Returns the Suppression."""
    from jichitai.registry import support, suppression

    drafter, approver = make_staff(roles=["counter"]), make_staff(roles=["supervisor", "support_officer"])

    def make(atena: str, kind: str = "support", starts_on: dt.date | None = None,
             ends_on: dt.date | None = None) -> Any:
        starts_on = starts_on or dt.date.today()
        if kind != "support":
            return suppression.set_suppression(approver, atena, kind, "テスト", starts_on, ends_on)
        req = support.propose(drafter, "set", atena_number=atena, reason="DV等支援措置の申出", starts_on=starts_on,
                              ends_on=ends_on)
        return support.approve(approver, req.pk).suppression

    return make


def move_in_many(clerk: Any, count: int, name: str = "髙橋", kana: str = "タカハシ") -> list[str]:
    """One household of ``count`` people of the same surname (born on successive days from 1950-01-01, so that
    the search's order, kana then birth date, is their order here); their 宛名番号 in that order."""
    from jichitai.registry.services import apply

    start = dt.date(1950, 1, 1)
    persons = tuple(NewPerson(f"{name} {i:03d}", f"{kana} タロウ", start + dt.timedelta(days=i), "M",
                              "世帯主" if i == 0 else "同居人") for i in range(count))
    return list(apply(move_in_command(persons=persons), actor=clerk).atena_numbers)
