"""空欄 (j60, 標準仕様書 1.1.6, 第1.0版) — independent: the items are the standard's text.

「以下の項目は、空欄を許容しないこと。… ・ 戸籍の表示（本籍・筆頭者） ・ 住民となった年月日 ・ 住所 ・ 住民票コード（除票の
場合を除く。） ・ 外国人住民となった年月日 …」"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import ChangeJuminhyoCode, CorrectRecord, MemoryLedger, NewPerson, RegistryError
from tests.registry.domain.conftest import family, move_in, record

D = dt.date(2026, 11, 1)
HONSEKI = "兵庫県神戸市中央区加納町六丁目5番"


def _head(**items: str) -> NewPerson:
    return NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主", **items)


def test_koseki_is_honseki_and_hittosha_together(ledger: MemoryLedger) -> None:
    """「戸籍の表示（本籍・筆頭者）」: a 本籍 without its 筆頭者 (or the reverse, or a 本籍 of spaces) is refused."""
    for items, field in (({"honseki": HONSEKI}, "hittosha"), ({"hittosha": "青木 太郎"}, "honseki"),
                         ({"honseki": "　 ", "hittosha": "青木 太郎"}, "honseki")):
        with pytest.raises(RegistryError) as info:
            move_in(ledger, _head(**items))
        assert (info.value.code, info.value.fields["field"]) == ("blank_not_allowed", field), items
    _, change = move_in(ledger, _head(honseki=HONSEKI, hittosha="青木 太郎"))
    assert change.entries[0].after.honseki == HONSEKI


def test_a_correction_fills_but_never_empties_the_koseki(ledger: MemoryLedger) -> None:
    _, change = move_in(ledger, _head(honseki=HONSEKI, hittosha="青木 太郎"))
    atena = change.entries[0].after.atena_number
    for changes in ({"honseki": ""}, {"hittosha": " "}, {"honseki": "", "hittosha": ""}, {"became_resident_on": ""}):
        with pytest.raises(RegistryError) as info:
            record(ledger, CorrectRecord(moved_on=D, atena_number=atena, kind="ex_officio", changes=changes))
        assert info.value.code == "blank_not_allowed", changes
    _, fixed = record(ledger, CorrectRecord(moved_on=D, atena_number=atena, kind="ex_officio",
                                            changes={"honseki": "兵庫県神戸市中央区加納町六丁目6番"}))
    assert fixed.entries[0].after.honseki.endswith("6番")


def test_an_empty_koseki_can_be_filled(ledger: MemoryLedger) -> None:
    """A record without 戸籍の表示 (entered before the rule) gets it by correction, one item after the other as the
    counter's correction form enters them."""
    people = family(ledger)
    record(ledger, CorrectRecord(moved_on=D, atena_number=people["太郎"], kind="ex_officio",
                                 changes={"honseki": HONSEKI}))
    _, fixed = record(ledger, CorrectRecord(moved_on=D, atena_number=people["太郎"], kind="ex_officio",
                                            changes={"hittosha": "青木 太郎"}))
    assert (fixed.entries[0].after.honseki, fixed.entries[0].after.hittosha) == (HONSEKI, "青木 太郎")


def test_juminhyo_code_cannot_be_emptied(ledger: MemoryLedger) -> None:
    """「住民票コード（除票の場合を除く。）」: its 異動 refuses an empty code, and a correction cannot touch it."""
    people = family(ledger)
    record(ledger, ChangeJuminhyoCode(moved_on=D, atena_number=people["花子"], juminhyo_code="12345678903"))
    with pytest.raises(RegistryError) as info:
        record(ledger, ChangeJuminhyoCode(moved_on=D, atena_number=people["花子"], juminhyo_code="",
                                          kind="change_request"))
    assert info.value.code == "invalid_juminhyo_code"
    with pytest.raises(RegistryError) as info:
        record(ledger, CorrectRecord(moved_on=D, atena_number=people["花子"], kind="ex_officio",
                                     changes={"juminhyo_code": ""}))
    assert info.value.code == "not_correctable"
