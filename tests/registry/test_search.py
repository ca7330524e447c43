"""検索 (2.1, j320–j340): name and kana folded (NFKC, hiragana/katakana, half-width, IVS, spaces), birth
date, address, numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.domain import NewPerson, RecordDeath
from jichitai.registry.search import search, search_page
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command, move_in_many

pytestmark = pytest.mark.django_db


def test_search_by_name_and_kana_folds_variants(household: Any) -> None:
    taro = household.atena_numbers[0]
    assert [r["atena_number"] for r in search(name="青木太郎")] == [taro]
    assert [r["atena_number"] for r in search(kana="あおき　たろう")] == [taro]  # hiragana, full-width space
    assert [r["atena_number"] for r in search(kana="ｱｵｷ ﾀﾛｳ")] == [taro]  # half-width katakana
    assert {r["atena_number"] for r in search(kana="アオキ")} == set(household.atena_numbers)  # prefix
    assert search(kana="アオヤマ") == []


def test_search_by_name_with_variation_selector(towns: Any, clerk: Any) -> None:
    applied = apply(move_in_command(persons=(NewPerson("渡辺\U000E0101 一", "ワタナベ ハジメ", dt.date(1980, 1, 1),
                                                       "M", "世帯主"),)), actor=clerk)
    assert [r["atena_number"] for r in search(name="渡辺 一")] == applied.atena_numbers
    assert search(name="渡辺 一")[0]["name"] == "渡辺\U000E0101 一"  # stored as entered


def test_search_by_birth_date_address_and_numbers(household: Any) -> None:
    taro, hanako = household.atena_numbers
    assert [r["atena_number"] for r in search(birth_date=dt.date(1982, 12, 30))] == [hanako]
    assert {r["atena_number"] for r in search(town_code="281100001", banchi="1")} == {taro, hanako}
    assert [r["atena_number"] for r in search(atena_number=taro)] == [taro]
    assert {r["atena_number"] for r in search(setai_number=household.setai_numbers[0])} == {taro, hanako}
    assert [r["atena_number"] for r in search(my_number="123456789018")] == [taro]
    assert search() == []


def test_removed_residents_only_on_request(household: Any, clerk: Any) -> None:
    hanako = household.atena_numbers[1]
    apply(RecordDeath(moved_on=dt.date(2026, 11, 20), atena_number=hanako), actor=clerk)
    assert search(kana="アオキ ハナコ") == []
    assert [r["status"] for r in search(kana="アオキ ハナコ", include_removed=True)] == ["removed"]


# (CANDIDATES, SORT_MATCHES): sorted here; the matches sorted by the database; the database's kana index walked
PATHS = [(2000, 200_000), (1, 200_000), (1, 1)]


@pytest.mark.parametrize(("candidates", "sort_matches"), PATHS)
def test_results_in_kana_then_birth_order_on_every_path(towns: Any, clerk: Any, candidates: int, sort_matches: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Results come in 50音順 of the フリガナ, then by birth date, whether they are sorted here (a selective
    criterion), by the database after reading the matches (a criterion broader than ``CANDIDATES``: a surname
    alone), or by walking the kana index (broader than ``SORT_MATCHES``) (consistency: our own order)."""
    from jichitai.registry import search as module

    monkeypatch.setattr(module, "CANDIDATES", candidates)
    monkeypatch.setattr(module, "SORT_MATCHES", sort_matches)
    apply(move_in_command(persons=(
        NewPerson("山田 次郎", "ヤマダ ジロウ", dt.date(1990, 1, 1), "M", "世帯主"),
        NewPerson("山田 一郎", "ヤマダ イチロウ", dt.date(1985, 1, 1), "M", "兄"),
        NewPerson("山田 一子", "ヤマダ イチコ", dt.date(1988, 1, 1), "F", "姉"),
        NewPerson("山田 一郎", "ヤマダ イチロウ", dt.date(1970, 1, 1), "M", "父"),
    )), actor=clerk)
    got = [(r["kana"], r["birth_date"].year) for r in search(name="山田", limit=3)]
    assert got == [("ヤマダ イチコ", 1988), ("ヤマダ イチロウ", 1970), ("ヤマダ イチロウ", 1985)]
    assert "kana_key" not in search(name="山田")[0]


@pytest.mark.parametrize(("candidates", "sort_matches"), PATHS)
def test_search_is_paged_with_the_total_count(towns: Any, clerk: Any, candidates: int, sort_matches: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22 item 5: the search no longer stops silently at 50; it counts every match and gives any page of
    them, in the same order, on every path of ``search_page`` (consistency: our own order)."""
    from jichitai.registry import search as module

    monkeypatch.setattr(module, "CANDIDATES", candidates)
    monkeypatch.setattr(module, "SORT_MATCHES", sort_matches)
    people = move_in_many(clerk, 57)
    first = search_page(name="髙橋")
    assert (first.total, first.first, first.last, first.has_next, first.has_previous) == (57, 1, 50, True, False)
    assert [r["atena_number"] for r in first.rows] == people[:50]
    second = search_page(name="髙橋", offset=50)
    assert (second.total, second.first, second.last, second.has_next, second.has_previous) == (57, 51, 57, False,
                                                                                                True)
    assert [r["atena_number"] for r in second.rows] == people[50:]
    beyond = search_page(name="髙橋", offset=100)
    assert (beyond.rows, beyond.total, beyond.first) == ([], 57, 0)
    assert search_page().total == 0


@pytest.mark.parametrize(("registered", "typed"), [("髙橋 一郎", "高橋"), ("高橋 一郎", "髙橋"), ("𠮷野 花子", "吉野"),
                                                   ("吉野 花子", "𠮷野"), ("齋藤 一", "斎藤"), ("渡邉\U000E010F 一", "渡辺"),
                                                   ("山﨑 一", "山崎"), ("德永 一", "徳永")])
def test_search_finds_itaiji_by_the_common_form_and_back(towns: Any, clerk: Any, registered: str, typed: str) -> None:
    """Issue 22 item 5: 髙橋 found by 高橋, 𠮷野 by 吉野 and the reverse; the key is folded when written and when
    queried (independent: the pairs are variants in Unihan or the 常用漢字表)."""
    applied = apply(move_in_command(persons=(NewPerson(registered, "テスト イチ", dt.date(1980, 1, 1), "M",
                                                       "世帯主"),)), actor=clerk)
    found = search(name=typed)
    assert [r["atena_number"] for r in found] == applied.atena_numbers
    assert found[0]["name"] == registered  # stored as entered


def test_migration_refolds_the_keys_written_before(towns: Any, clerk: Any) -> None:
    """Rows written before the folding (key 髙橋…) are rewritten by the data migration and then found by 高橋;
    a row without a variant is left as it is (consistency: our own key function)."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from jichitai.registry.models import Resident

    migration = importlib.import_module("jichitai.registry.migrations.0007_fold_itaiji_in_search_keys")
    applied = apply(move_in_command(persons=(NewPerson("髙橋 一郎", "タカハシ イチロウ", dt.date(1980, 1, 1), "M", "世帯主"),
                                             NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 1, 1), "F", "妻"))),
                    actor=clerk)
    takahashi, aoki = applied.atena_numbers
    Resident.objects.filter(pk=takahashi).update(name_key="髙橋一郎")  # as the key was built before
    Resident.objects.filter(pk=aoki).update(name_key="青木ハナコ-untouched")
    assert search(name="高橋") == []
    with connection.schema_editor() as editor:
        migration.refold(apps, editor)
    assert [r["atena_number"] for r in search(name="高橋")] == [takahashi]
    assert Resident.objects.get(pk=aoki).name_key == "青木ハナコ-untouched"


def test_search_by_given_name_alone(household: Any) -> None:
    """Issue 22 item 5: a clerk who knows only the 名 (「太郎」, 「たろう」) finds the person; a 名 matches from its
    start only, as the 氏 does (consistency: our keys)."""
    taro, hanako = household.atena_numbers
    assert [r["atena_number"] for r in search(name="太郎")] == [taro]
    assert [r["atena_number"] for r in search(kana="たろう")] == [taro]
    assert [r["atena_number"] for r in search(kana="ﾊﾅｺ")] == [hanako]
    assert [r["atena_number"] for r in search(name="青木")] == [taro, hanako]  # the 氏 still finds both
    assert search(name="郎") == [] and search(name="木太郎") == []


def test_search_by_registry_numbers_without_leading_zeros(household: Any) -> None:
    """Issue 22 item 5: 宛名番号 and 世帯番号 are 15 digits (j130); a clerk types them without the zeros, in full-width
    digits too."""
    taro = household.atena_numbers[0]
    short = taro.lstrip("0")
    assert len(short) < len(taro)
    assert [r["atena_number"] for r in search(atena_number=short)] == [taro]
    assert [r["atena_number"] for r in search(atena_number=f" {short.translate(str.maketrans('0123456789', '０１２３４５６７８９'))} ")] == [taro]
    setai = household.setai_numbers[0]
    assert len(search(setai_number=setai.lstrip("0"))) == 2
    assert search(atena_number="9" + short) == []


def test_migration_fills_the_given_name_keys(household: Any) -> None:
    """Residents registered before the 名 keys existed get them from the data migration."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from jichitai.registry.models import Resident

    migration = importlib.import_module("jichitai.registry.migrations.0008_given_name_search_keys")
    Resident.objects.update(given_name_key="", given_kana_key="")
    assert search(name="太郎") == []
    with connection.schema_editor() as editor:
        migration.fill(apps, editor)
    assert [r["atena_number"] for r in search(name="太郎")] == household.atena_numbers[:1]
    assert [r["atena_number"] for r in search(kana="ハナコ")] == household.atena_numbers[1:]


def test_a_refused_search_names_its_terms_with_the_numbers_masked(household: Any, clerk: Any,
                                                                   supervisor: Any) -> None:
    """Independent (10.2: a search is logged with its terms; 番号法第9条: the 個人番号 is used only for a listed
    purpose): a search by 個人番号 refused — a counter clerk without the right, a supervisor without a 利用目的 — is
    audited with what was searched, the 個人番号 masked, the kana beside it kept."""
    from jichitai.audit.models import AuditEntry
    from jichitai.common.errors import PermissionRefused
    from jichitai.registry.domain import RegistryError
    from jichitai.registry.views.records import find

    criteria = {"kana": "アオキ", "my_number": "123456789018"}
    with pytest.raises(PermissionRefused):
        find(clerk, criteria)
    with pytest.raises(RegistryError):
        find(supervisor, criteria)
    refused = AuditEntry.objects.filter(resource="search", outcome="refused").order_by("seq")
    assert [(e.actor, e.detail.get("code"), e.detail["criteria"]) for e in refused] == [
        (f"staff:{clerk.username}", None, {"kana": "アオキ", "my_number": "***"}),
        (f"staff:{supervisor.username}", "purpose_required", {"kana": "アオキ", "my_number": "***"})]
    assert "123456789018" not in str(list(refused.values_list("detail", flat=True)))
