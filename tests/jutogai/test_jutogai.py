"""住登外者宛名番号管理 (地方公共団体情報システム共通機能標準仕様書 第2.7版 §2.3, as summarised in
../shared/reference/standards-2026.md §1): search by the 基本4情報 (exact and partial), numbering only when
nobody matches, no duplicate against the residents' 宛名番号, history of every change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from jichitai.common.checkdigit import is_valid_modulus11
from jichitai.jutogai import numbering, services
from jichitai.jutogai.errors import JutogaiError
from jichitai.jutogai.facts import Facts, checked
from jichitai.jutogai.models import Jutogaisha, JutogaishaHistory

pytestmark = pytest.mark.django_db


def test_exact_search_folds_itaiji_kana_and_spaces(jutogai: Callable[..., Any]) -> None:
    """§2.3 照会 (完全一致) — independent: 髙 and 高 are one name (常用漢字表/Unihan variant pair in
    common/itaiji.csv), ひらがな and カタカナ one reading, and the space between 氏 and 名 is not part of a name."""
    kept = jutogai("髙橋 一郎", "タカハシ イチロウ", dt.date(1961, 3, 3), "M", "大阪府大阪市北区梅田1-1")
    jutogai("高橋 一", "タカハシ ハジメ", dt.date(1961, 3, 3), "M", "大阪府大阪市北区梅田1-1")
    found = services.search("staff:t", checked("高橋一郎", "", dt.date(1961, 3, 3), "1"), "exact", residents=False)
    assert [c["number"] for c in found] == [kept.number]
    by_kana = services.search("staff:t", checked(kana="たかはし いちろう"), "exact", residents=False)
    assert [c["number"] for c in by_kana] == [kept.number]
    assert services.search("staff:t", checked(name="高橋"), "exact", residents=False) == []


def test_partial_search_from_the_start_of_the_name_the_given_name_or_the_address(jutogai: Callable[..., Any]) -> None:
    """§2.3 照会 (部分一致) — independent: a prefix of 氏名 or of the 名 alone, or of the address, finds the person;
    生年月日 and 性別 still have to be equal."""
    a = jutogai("山田 花子", "ヤマダ ハナコ", dt.date(1980, 1, 2), "F", "東京都新宿区西新宿2-8-1")
    b = jutogai("山田 太郎", "ヤマダ タロウ", dt.date(1975, 5, 5), "M", "京都府京都市中京区寺町通1")
    assert {c["number"] for c in services.search("s", Facts(name="山田"), "partial", residents=False)} == {a.number, b.number}
    assert [c["number"] for c in services.search("s", Facts(name="花子"), "partial", residents=False)] == [a.number]
    assert [c["number"] for c in services.search("s", Facts(address="東京都新宿区"), "partial", residents=False)] == [a.number]
    assert services.search("s", Facts(name="山田", sex="M", birth_date=dt.date(1980, 1, 2)), "partial",
                           residents=False) == []
    with pytest.raises(JutogaiError) as e:
        services.search("s", Facts(), "partial")
    assert e.value.code == "no_criteria"


def test_numbered_only_when_nobody_matches(jutogai: Callable[..., Any]) -> None:
    """§2.3 付番: 「該当者がいない場合に付番依頼」 — independent of our figures: a second request with the same
    氏名・生年月日・性別 (another address: people move) gets the candidate back and no number; once the caller
    states the candidate is another person (distinct_from), it is numbered."""
    first = jutogai("佐藤 健", "サトウ ケン", dt.date(1990, 7, 7), "M", "福岡県福岡市中央区天神1-1")
    again = services.number("s", checked("佐藤 健", "サトウ ケン", dt.date(1990, 7, 7), "M", "沖縄県那覇市泉崎1-2"),
                            source="test")
    assert again.numbered is None and [c["number"] for c in again.candidates] == [first.number]
    assert Jutogaisha.objects.count() == 1
    other = services.number("s", checked("佐藤 健", "サトウ ケン", dt.date(1990, 7, 7), "M", "沖縄県那覇市泉崎1-2"),
                            source="test", distinct_from=[first.number])
    assert other.numbered is not None and other.numbered.number != first.number


def test_a_resident_is_not_numbered_as_a_jutogai(towns: Any, clerk: Any) -> None:
    """§2.3: duplicates are removed also against the residents' 宛名番号 (住民は住民宛名番号) — independent: the
    resident moved in through the registry is the candidate, marked as a resident, and nothing is numbered."""
    from jichitai.registry.domain import NewPerson
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    jiro = NewPerson("髙橋 次郎", "タカハシ ジロウ", dt.date(1980, 1, 7), "M", "世帯主")
    atena = apply(move_in_command(persons=(jiro,)), actor=clerk).atena_numbers[0]
    result = services.number("s", checked("高橋 次郎", "", dt.date(1980, 1, 7), "M", "東京都港区芝公園4-2-8"),
                             source="test")
    assert result.numbered is None
    assert [(c["kind"], c["number"]) for c in result.candidates] == [("resident", atena)]


def test_a_former_resident_is_numbered_with_the_link_to_the_removed_record(towns: Any, clerk: Any) -> None:
    """§2.3 (a taxpayer who moved out): the person who left is a 住登外者 linked to their 除票 — consistency: the
    link is kept, and a second request for the same 除票 gets the first number back as the candidate."""
    from jichitai.registry.domain import RecordMoveOut
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    taro = apply(move_in_command(), actor=clerk).atena_numbers[0]
    refused = services.number("s", checked("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "東京都港区1"),
                              source="t")
    assert refused.numbered is None and refused.candidates[0]["kind"] == "resident"  # his 宛名番号 is the one to use
    with pytest.raises(JutogaiError) as e:
        services.number("s", checked("青木 太郎", "", dt.date(1980, 1, 7), "M", "東京都港区1"), source="t",
                        former_atena_number=taro, distinct_from=[taro])
    assert e.value.code == "is_resident"
    apply(RecordMoveOut(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 20), atena_numbers=(taro,),
                        destination_address="東京都港区芝公園4-2-8", destination_municipality_code="131032",
                        remaining_head=""), actor=clerk)
    done = services.number("s", checked("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "東京都港区芝公園4-2-8"),
                           source="t", former_atena_number=taro)
    assert done.numbered is not None and done.numbered.former_atena_number == taro
    twice = services.number("s", checked("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "東京都港区芝公園4-2-8"),
                            source="t", former_atena_number=taro)
    assert twice.numbered is None and done.numbered.number in [c["number"] for c in twice.candidates]
    assert services.for_former_resident(taro) == done.numbered


def test_new_numbers_are_in_their_own_range_with_the_check_digit(jutogai: Callable[..., Any]) -> None:
    """§2.3 and 住民記録システム標準仕様書 j130 — independent: 15 digits whose last is the modulus-11 (weights 2–7)
    check digit; the serial is from 90,000,000,000,000, above any resident's 宛名番号 serial."""
    p = jutogai()
    assert len(p.number) == 15 and is_valid_modulus11(p.number) and int(p.number[:-1]) >= numbering.FIRST_SERIAL


def test_changes_are_kept_as_history_and_history_cannot_be_rewritten(jutogai: Callable[..., Any]) -> None:
    """§2.3 (住登外者の異動履歴) — consistency: a 住所変更 keeps the former address in history row 1 and the new one
    in row 2, searchable by the new one; on PostgreSQL the history rows refuse UPDATE."""
    p = jutogai(address="東京都千代田区霞が関1-2-3")
    services.change("staff:t", p.number, "address", Facts(address="北海道札幌市中央区北1条西2"),
                    changed_on=dt.date(2026, 12, 1))
    rows = list(JutogaishaHistory.objects.filter(number=p.number).order_by("history_no"))
    assert [(r.history_no, r.reason, r.address) for r in rows] == [
        (1, "numbered", "東京都千代田区霞が関1-2-3"), (2, "address", "北海道札幌市中央区北1条西2")]
    assert services.search("s", Facts(address="北海道札幌市"), "partial", residents=False)[0]["number"] == p.number
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            JutogaishaHistory.objects.filter(number=p.number).update(address="x")


def test_a_merged_duplicate_points_at_the_one_kept(jutogai: Callable[..., Any]) -> None:
    """§2.3 (重複の排除) — consistency: the duplicate stays (systems may hold its number) as 統合済み, is no longer
    a candidate, and resolves to the number kept."""
    a = jutogai("鈴木 一", "スズキ ハジメ", dt.date(1950, 2, 2), "M", "広島県広島市中区1")
    b = services.number("s", checked("鈴木 一", "スズキ ハジメ", dt.date(1950, 2, 2), "M", "広島県広島市中区1"),
                        source="t", distinct_from=[a.number]).numbered
    assert b is not None
    services.merge("staff:t", b.number, a.number, changed_on=dt.date(2026, 12, 2))
    assert [c["number"] for c in services.search("s", Facts(name="鈴木 一"), residents=False)] == [a.number]
    assert services.current(b.number) == a


def test_bad_facts_are_refused_naming_the_item() -> None:
    """Bad input → a precise Japanese error naming the item (house rule), never stored."""
    for kwargs, item in ((dict(kana="山田"), "kana"), (dict(sex="X"), "sex"), (dict(postcode="12-34"), "postcode"),
                         (dict(name="山田\u202e太郎"), "name"), (dict(birth_date=dt.date(2999, 1, 1)), "birth_date")):
        with pytest.raises(JutogaiError) as e:
            checked(**kwargs)  # type: ignore[arg-type]
        assert e.value.fields["field"] == item
    with pytest.raises(JutogaiError) as e:
        services.number("s", checked("山田 太郎"), source="t")
    assert e.value.fields["field"] == "address"
