"""住登外者 through the one Shield (issue 18 item 2): a 住登外者 who is a protected person, or who is recorded at a
protected household's address, is answered as a protected resident is.

Sources (stored pages): 総務省「住民基本台帳事務におけるDV等支援措置」
(https://www.soumu.go.jp/main_sosiki/jichi_gyousei/daityo/dv_shien.html: the measure covers 住民基本台帳法第11条・
第11条の2・第12条・第12条の2・第12条の3・第20条, and 「申出者と同一の住所を有する方についても、申出者と併せて
DV等支援措置を実施することを求めることができます」 — the household); さぬき市 (city.sanuki.kagawa.jp/life/registration/
dvsien: 「転出先…の住所等が加害者である配偶者等に明らかになることはありません」 — the measure follows the person).

Independent: 住民基本台帳法第12条の3 and the 支援措置 通知 (the protected address is given to no one who may not see
it; the measure is the person's and follows them after a 転出), 住民記録システム標準仕様書 3.4 (j440) and 3.1 (j410:
照会抑止 hides the record from staff; 「検索結果の表示の際、抑止対象であることが明らかとなること」).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.jutogai import services
from jichitai.jutogai.facts import checked

pytestmark = pytest.mark.django_db

# the protected household lives at 中央区加納町 1番地 (tests.registry.conftest); the 住登外者 writes it as text
AT_THE_PROTECTED_PLACE = "兵庫県神戸市中央区加納町１番地　コウベハイツ２０１"


def _search(client: Any, key: str, kana: str) -> list[dict[str, Any]]:
    r = client.post(
        "/api/jutogai/search",
        {"kana": kana, "match": "partial", "include_residents": True},
        content_type="application/json",
        HTTP_X_HUB_KEY=key,
    )
    assert r.status_code == 200, r.content
    return r.json()["candidates"]


def test_j440_a_jutogai_recorded_at_a_supported_households_address_is_answered_by_number_only(
    household: Any, protect: Any, jutogai: Callable[..., Any], make_system: Any, client: Any
) -> None:
    """Independent (j440, 住基法第12条の3): 花子 is under 支援措置; a 住登外者 recorded at her address (another
    flat of the same 番地, written as text) is answered to any system by number only, marked, audited."""
    person = jutogai("鈴木 一郎", "スズキ イチロウ", address=AT_THE_PROTECTED_PLACE)
    elsewhere = jutogai("鈴木 二郎", "スズキ ジロウ", address="大阪府大阪市北区梅田1丁目")
    protect(household.atena_numbers[1], "support")
    _, key = make_system(feeds={"jutogai": None}, supported=True)
    rows = {c["number"]: c for c in _search(client, key, "スズキ")}
    assert rows[person.number]["suppressed"] and not rows[person.number].get("address")
    assert not rows[person.number].get("name")
    assert rows[elsewhere.number]["address"] == "大阪府大阪市北区梅田1丁目"
    entry = AuditEntry.objects.get(action="jutogai.search", outcome="refused", detail__number=person.number)
    assert household.atena_numbers[1] in entry.detail["protected_by"]


def test_j440_a_supported_person_who_moved_out_is_protected_as_a_jutogai(
    household: Any, protect: Any, clerk: Any, make_system: Any, client: Any
) -> None:
    """Independent (支援措置 follows the person, 住基法第12条の3): 花子 moves out under 支援措置 and is numbered as
    a 住登外者 at her new address; the 住登外者 search (API) gives neither her name nor her new address."""
    from jichitai.registry.domain import RecordMoveOut
    from jichitai.registry.services import apply

    hanako = household.atena_numbers[1]
    protect(hanako, "support")
    apply(
        RecordMoveOut(
            moved_on=dt.date.today(),
            atena_numbers=(hanako,),
            destination_address="大阪府堺市堺区南瓦町3-1",
            destination_municipality_code="27141",
        ),
        actor=clerk,
    )
    numbered = services.number(
        "staff:test",
        checked("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "大阪府堺市堺区南瓦町3-1"),
        source="test",
        former_atena_number=hanako,
    )
    assert numbered.numbered is not None, numbered.candidates
    _, key = make_system(feeds={"jutogai": None})
    rows = [c for c in _search(client, key, "アオキ ハナコ") if c["number"] == numbered.numbered.number]
    assert rows and rows[0]["suppressed"] and not rows[0].get("address") and not rows[0].get("name")
    assert AuditEntry.objects.filter(resource=f"resident:{hanako}", action="jutogai.search", outcome="refused").exists()


def test_j410_a_jutogai_at_a_place_under_view_suppression_is_refused_on_the_staff_page(
    household: Any, protect: Any, jutogai: Callable[..., Any], login_as: Callable[..., Any]
) -> None:
    """Independent (j410 3.1): 照会抑止 on 太郎 covers his place; the 住登外者 page of someone recorded there is
    refused to staff (a Japanese reason, 403), audited; the page of a 住登外者 elsewhere still opens."""
    person = jutogai("鈴木 一郎", "スズキ イチロウ", address=AT_THE_PROTECTED_PLACE)
    other = jutogai("鈴木 二郎", "スズキ ジロウ", address="大阪府大阪市北区梅田1丁目")
    protect(household.atena_numbers[0], "view")
    client = login_as("tax_reviewer", department="shiminzei")
    r = client.get(f"/jutogai/{person.number}/")
    assert r.status_code == 403 and "照会抑止" in r.content.decode()
    assert AT_THE_PROTECTED_PLACE not in r.content.decode()
    assert AuditEntry.objects.filter(action="jutogai.view", outcome="refused", detail__number=person.number).exists()
    assert client.get(f"/jutogai/{other.number}/").status_code == 200


def test_consistency_a_jutogai_at_a_place_whose_measure_ended_is_answered_in_full(
    household: Any, protect: Any, jutogai: Callable[..., Any], make_system: Any, client: Any
) -> None:
    """Consistency (our Shield: a lifted measure covers nothing): after 照会抑止 is lifted the 住登外者 at that
    address is answered with name and address again."""
    from jichitai.registry import suppression

    person = jutogai("鈴木 一郎", "スズキ イチロウ", address=AT_THE_PROTECTED_PLACE)
    row = protect(household.atena_numbers[0], "view")
    _, key = make_system(feeds={"jutogai": None})
    assert next(c for c in _search(client, key, "スズキ") if c["number"] == person.number)["suppressed"]
    suppression.lift(row.set_by, row.pk)
    again = next(c for c in _search(client, key, "スズキ") if c["number"] == person.number)
    assert not again["suppressed"] and again["address"] == AT_THE_PROTECTED_PLACE
