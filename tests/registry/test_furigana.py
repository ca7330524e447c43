"""氏名の振り仮名 on PostgreSQL: the 本籍地's notice recorded as a 異動 (counter/API path and the bulk file), the
history it leaves, the standard CSV and the hub's feed.

**Independent** where the expected value is the law's (住基法第9条第2項: the 住民票 follows the notice; 第7条 as
amended: an item of its own; foreign residents have none), **consistency** for the file layout and the CSV column
names, which are ours ([U] in docs/standard-conformance.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import furigana_notices
from jichitai.registry.domain import NewPerson, Reason, RecordFuriganaNotification
from jichitai.registry.domain.person import FOREIGN
from jichitai.registry.exports import csvfile
from jichitai.registry.exports import services as exports
from jichitai.registry.history import person_history
from jichitai.registry.models import OutboxEvent, Resident
from jichitai.registry.services import SystemActor, apply
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db

WRITTEN, RECEIVED = dt.date(2026, 6, 1), dt.date(2026, 6, 3)


def test_notice_is_a_history_row_and_never_an_overwrite(household: Any, clerk: Any) -> None:
    """Independent (住基法第9条第2項, j200): each notice is a 異動 with its own history row; the search フリガナ stays."""
    taro, _ = household.atena_numbers
    first = apply(
        RecordFuriganaNotification(
            moved_on=WRITTEN,
            notified_on=RECEIVED,
            atena_number=taro,
            furigana_shi="アオキ",
            furigana_mei="タロウ",
            note="本籍地（大阪市北区）からの通知",
        ),
        actor=clerk,
    )
    second = apply(
        RecordFuriganaNotification(moved_on=dt.date(2026, 9, 1), atena_number=taro, furigana_mei="タロー"), actor=clerk
    )
    assert first.change.reason == Reason.FURIGANA_ENTRY and second.change.reason == Reason.FURIGANA_CHANGE
    rows = person_history(taro)
    assert [(r.reason, r.furigana_shi, r.furigana_mei) for r in rows] == [
        ("move_in_domestic", "", ""),
        ("furigana_entry", "アオキ", "タロウ"),
        ("furigana_change", "アオキ", "タロー"),
    ]
    assert rows[1].moved_on == WRITTEN and rows[1].change_notified_on == RECEIVED
    assert rows[1].change_note == "本籍地（大阪市北区）からの通知"
    now = Resident.objects.get(pk=taro)
    assert (now.furigana_shi, now.furigana_mei, now.kana) == ("アオキ", "タロー", "アオキ タロウ")
    payload = OutboxEvent.objects.filter(atena_number=taro).order_by("-id").first().payload  # type: ignore[union-attr]
    assert (payload["furigana_shi"], payload["furigana_mei"]) == ("アオキ", "タロー")


def _file(*lines: str) -> bytes:
    return ("\n".join([",".join(furigana_notices.HEADER), *lines]) + "\n").encode()


def test_bulk_notices_record_the_good_lines_and_name_the_bad_ones(household: Any, clerk: Any) -> None:
    """Consistency (our file layout): each line is its own 異動; a line at fault is reported by number and
    changes nothing, and does not hold back the others."""
    taro, hanako = household.atena_numbers
    Resident.objects.filter(pk=hanako).update(juminhyo_code="12345678903")
    foreign = apply(
        move_in_command(
            persons=(
                NewPerson(
                    "WANG LI",
                    "ワン リー",
                    dt.date(1995, 2, 3),
                    "F",
                    "世帯主",
                    resident_kind=FOREIGN,
                    nationality="中国",
                ),
            )
        ),
        actor=clerk,
    )
    data = _file(
        f"{taro},,あおき,たろう,2026-05-26,2026-05-28,大阪市北区",  # 2: hiragana → katakana
        ",12345678903,アオキ,ハナコ,20260526,20260528,大阪市北区",  # 3: by 住民票コード
        "999999999999999,,ヤマダ,イチロウ,2026-05-26,,",  # 4: nobody
        f"{foreign.atena_numbers[0]},,ワン,リー,2026-05-26,,",  # 5: foreign resident
        f"{taro},,アオキ,タロウ,2026-05-26,,",  # 6: the same person twice
    )
    result = furigana_notices.import_notices(data, actor=SystemActor("test"))
    assert result.recorded == 2
    assert [(e.line, e.item) for e in result.refused] == [(4, "宛名番号"), (5, ""), (6, "宛名番号")]
    assert "外国人住民" in result.refused[1].message
    assert set(Resident.objects.filter(pk__in=[taro, hanako]).values_list("furigana_shi", "furigana_mei")) == {
        ("アオキ", "タロウ"),
        ("アオキ", "ハナコ"),
    }
    assert Resident.objects.get(pk=foreign.atena_numbers[0]).furigana_shi == ""
    bad = furigana_notices.import_notices(_file(f"{taro},,アオキ,Taro,2026-05-26,,"), actor=SystemActor("test"))
    assert bad.recorded == 0 and bad.refused[0].item == "名の振り仮名" and "「T」" in bad.refused[0].message
    assert len(person_history(taro)) == 2  # the refused line wrote nothing


def test_standard_csv_carries_it_in_its_own_columns(household: Any, clerk: Any) -> None:
    taro, _ = household.atena_numbers
    apply(
        RecordFuriganaNotification(moved_on=WRITTEN, atena_number=taro, furigana_shi="アオキ", furigana_mei="タロウ"),
        actor=clerk,
    )
    table = csvfile.decode(exports.export(actor=SystemActor("test")).data)
    header, rows = table[0], {r[1]: r for r in table[1:]}
    assert rows[taro][header.index("氏_振り仮名")] == "アオキ" and rows[taro][header.index("名_振り仮名")] == "タロウ"
    assert rows[taro][header.index("氏名_フリガナ")] == "アオキ タロウ"
