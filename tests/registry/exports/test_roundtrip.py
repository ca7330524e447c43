"""全件/差分 export and the migration import on PostgreSQL: export → import into an empty registry → export
gives the same bytes; a file with any fault loads nothing (j1190 宛名連携, j1410, j1430)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from jichitai.audit.models import AuditEntry
from jichitai.registry.domain import NewPerson, RecordBirth, RecordMoveOut, RecordMoveWithin
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.exports import csvfile, services
from jichitai.registry.exports.layout import HEADER
from jichitai.registry.models import Household, Resident, ResidentHistory, Suppression
from jichitai.registry.services import SystemActor, apply
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
OPERATOR = SystemActor("test-migration")


def empty_registry() -> None:
    """History is append-only (a trigger refuses DELETE); a migration target starts from an empty schema."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE registry_residenthistory, registry_resident, registry_household, "
                        "registry_outboxevent, registry_certificateissuance, registry_supportrequest, registry_temporarylift, "
                        "registry_suppression, registry_mailingcodesetting CASCADE")  # and what refers to them (閲覧 requests, memos …)
        else:
            for table in ("residenthistory", "resident", "household", "outboxevent"):
                cur.execute(f"DELETE FROM registry_{table}")


@pytest.fixture
def city(household: Any, clerk: Any) -> Any:
    """Two households: a family (with a birth), a foreign resident; one person moved out (消除)."""
    setai = household.setai_numbers[0]
    apply(RecordBirth(moved_on=dt.date(2026, 11, 10), notified_on=dt.date(2026, 11, 12), setai_number=setai,
                      child=NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2026, 11, 10), "M", "子")), actor=clerk)
    foreign = apply(move_in_command(persons=(NewPerson(
        "WANG LI", "ワン リー", dt.date(1995, 2, 3), "F", "世帯主", resident_kind="foreign", nationality="中国",
        residence_status="留学", residence_period="2年", residence_until=dt.date(2027, 3, 31),
        residence_card_number="AB12345678CD", tsusho="王 麗", tsusho_kana="オウ レイ"),),
        town_code="281010001", banchi="2番地の3", katagaki="すみよしハイツ101"), actor=clerk)
    leaving = apply(move_in_command(persons=(NewPerson("高橋 髙子", "タカハシ タカコ", dt.date(1970, 5, 5), "F",
                                                       "世帯主"),)), actor=clerk)
    apply(RecordMoveOut(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 20),
                        atena_numbers=tuple(leaving.atena_numbers), destination_address="東京都千代田区千代田1番",
                        destination_municipality_code="13101"), actor=clerk)
    return {"family": household, "foreign": foreign, "leaving": leaving}


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_export_import_export_gives_identical_bytes(city: Any, encoding: str) -> None:
    first = services.export(actor=OPERATOR, encoding=encoding, include_my_number=True, include_protected=True)
    assert first.rows == Resident.objects.count() == 5
    empty_registry()
    imported = services.import_csv(first.data, actor=OPERATOR, encoding=encoding)
    assert (imported.residents, imported.households) == (5, 3)
    second = services.export(actor=OPERATOR, encoding=encoding, include_my_number=True, include_protected=True)
    assert second.data == first.data
    assert ResidentHistory.objects.count() == 5 and Household.objects.get(
        pk=city["family"].setai_numbers[0]).member_count == 3


def test_after_import_new_numbers_do_not_collide(city: Any, clerk: Any) -> None:
    data = services.export(actor=OPERATOR, include_my_number=True, include_protected=True).data
    top = max(Resident.objects.values_list("atena_number", flat=True))
    empty_registry()
    services.import_csv(data, actor=OPERATOR)
    moved = apply(move_in_command(persons=(NewPerson("新規 一", "シンキ ハジメ", dt.date(1999, 9, 9), "M", "世帯主"),)),
                  actor=clerk)
    assert moved.atena_numbers[0] > top


def test_my_number_only_when_asked_and_protected_address_withheld(city: Any, supervisor: Any) -> None:
    protected = city["foreign"].atena_numbers[0]
    Suppression.objects.create(atena_number=protected, kind="support", reason="DV", starts_on=dt.date(2026, 1, 1),
                               set_by=supervisor)
    out = services.export(actor=OPERATOR)
    rows = {r[1]: r for r in csvfile.decode(out.data)[1:]}
    assert "123456789018" not in out.data.decode()
    row = rows[protected]
    for item in ("住所_町字コード", "住所_町字", "住所_番地号表記", "住所_方書", "指定都市_行政区等コード"):
        assert row[HEADER.index(item)] == "", item
    assert row[HEADER.index("氏名")] == "WANG LI" and out.withheld == 1
    entry = AuditEntry.objects.filter(action="registry.export").latest("seq")
    assert entry.detail["my_number"] is False and entry.detail["rows"] == 5


def test_diff_since_cursor_has_only_the_new_history_rows(city: Any, clerk: Any) -> None:
    full = services.export(actor=OPERATOR)
    family = city["family"]
    apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 25), notified_on=dt.date(2026, 11, 25),
                           atena_numbers=tuple(Resident.objects.filter(setai_number=family.setai_numbers[0])
                                               .values_list("atena_number", flat=True)),
                           town_code="281100002", banchi="5番地"), actor=clerk)
    diff = services.export(actor=OPERATOR, kind="diff", after_id=full.last_history_id)
    table = csvfile.decode(diff.data)
    assert len(table) == 1 + 3
    assert {r[HEADER.index("異動事由")] for r in table[1:]} == {"転居"}
    assert {r[HEADER.index("住所_町字")] for r in table[1:]} == {"三宮町"}
    assert services.export(actor=OPERATOR, kind="diff", after_id=diff.last_history_id).rows == 0


def test_cp932_export_reports_unwritable_characters_and_writes_nothing(city: Any, clerk: Any) -> None:
    apply(move_in_command(persons=(NewPerson("𠮷田 花子", "ヨシダ ハナコ", dt.date(1990, 1, 1), "F", "世帯主"),)),
          actor=clerk)
    with pytest.raises(csvfile.UnwritableCharacters) as exc:
        services.export(actor=OPERATOR, encoding="cp932")
    [problem] = exc.value.problems
    assert (problem.item, problem.character, problem.name) == ("氏名", "𠮷", "𠮷田 花子")
    assert AuditEntry.objects.filter(action="registry.export", outcome="failed").exists()


def test_import_with_faults_loads_nothing_and_lists_every_error(city: Any) -> None:
    table = csvfile.decode(services.export(actor=OPERATOR, include_my_number=True, include_protected=True).data)
    atena = table[1][HEADER.index("宛名番号")]
    table[1][HEADER.index("宛名番号")] = atena[:-1] + str((int(atena[-1]) + 1) % 10)  # a wrong check digit (j130)
    table[2][HEADER.index("住所_町字コード")] = "999999999"                          # not in the 住所辞書
    table[3][HEADER.index("個人番号")] = table[4][HEADER.index("個人番号")] or "123456789018"
    table[4][HEADER.index("個人番号")] = table[3][HEADER.index("個人番号")]            # duplicate
    table[5][HEADER.index("生年月日")] = "2026-13-01"
    data = csvfile.encode(table[0], table[1:])
    empty_registry()
    with pytest.raises(services.ImportRejected) as exc:
        services.import_csv(data, actor=OPERATOR)
    found = {(e.line, e.item) for e in exc.value.errors}
    assert (2, "宛名番号") in found and (3, "住所_町字コード") in found and (5, "個人番号") in found
    assert (6, "生年月日") in found
    assert Resident.objects.count() == 0 and ResidentHistory.objects.count() == 0


def test_household_without_head_is_refused(city: Any) -> None:
    table = csvfile.decode(services.export(actor=OPERATOR, include_my_number=True, include_protected=True).data)
    head = next(i for i, r in enumerate(table) if r[HEADER.index("続柄表記")] == "世帯主"
                and r[HEADER.index("氏名")] == "青木 太郎")
    table[head][HEADER.index("続柄表記")] = "夫"
    empty_registry()
    with pytest.raises(services.ImportRejected) as exc:
        services.import_csv(csvfile.encode(table[0], table[1:]), actor=OPERATOR)
    assert any("世帯主" in e.message for e in exc.value.errors)
    assert Resident.objects.count() == 0


def test_import_refuses_a_registry_that_is_not_empty(city: Any) -> None:
    data = services.export(actor=OPERATOR, include_protected=True).data
    with pytest.raises(RegistryError, match="空ではない"):
        services.import_csv(data, actor=OPERATOR)


def test_management_command_export_and_import(city: Any, tmp_path: Any) -> None:
    target = tmp_path / "juki.csv"
    call_command("registry", "export", "--encoding", "cp932", "--with-my-number", "--include-protected",
                 "-o", str(target))
    before = target.read_bytes()
    empty_registry()
    call_command("registry", "import", str(target), "--encoding", "cp932")
    again = tmp_path / "again.csv"
    call_command("registry", "export", "--encoding", "cp932", "--with-my-number", "--include-protected",
                 "-o", str(again))
    assert again.read_bytes() == before
