"""Commands: what a clerk (届出) or the office (職権) asks the registry to do. Plain data, no behaviour.

Every command carries 異動日 (``moved_on``), 届出日 (``notified_on``, for 届出 only) and 留意事項 (``note``).
``relationships`` maps 宛名番号 → new 続柄 for anyone whose relation to the 世帯主 changes (j730);
``remaining_head`` names who becomes 世帯主 of a household its head leaves (j490); ``without_head`` instead leaves a
household of two or more remaining members without one (j100 世帯主未設定, j500: 職権で世帯主を定めない).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jichitai.registry.domain.person import JAPANESE


@dataclass(frozen=True)
class NewPerson:
    """A person entering the registry (転入, 出生, 職権記載)."""

    name: str
    kana: str
    birth_date: dt.date
    sex: str
    relationship: str
    resident_kind: str = JAPANESE
    my_number: str = ""
    juminhyo_code: str = ""
    honseki: str = ""
    hittosha: str = ""
    kyuuji: str = ""
    kyuuji_kana: str = ""
    tsusho: str = ""
    tsusho_kana: str = ""
    nationality: str = ""
    article_30_45: str = ""
    residence_status: str = ""
    residence_period: str = ""
    residence_until: dt.date | None = None
    residence_card_number: str = ""
    atena_number: str = ""  # 再転入 (j600): the 宛名番号 of the person's 除票, kept
    # a 不詳日 or 暦上日以外 生年月日 as typed (j80); the codec reads it and sets ``birth_date`` to its internal day
    birth_date_text: str = ""


@dataclass(frozen=True)
class Command:
    moved_on: dt.date  # 異動日
    notified_on: dt.date | None = None  # 届出日
    note: str = ""  # 留意事項

    @property
    def command_type(self) -> str:
        return type(self).__name__


# ---- 記載 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordMoveIn(Command):
    """転入 (4.1.1): 国内転入, or 国外転入等 when ``from_abroad``. Joins ``setai_number`` when given."""

    persons: tuple[NewPerson, ...] = ()
    town_code: str = ""
    banchi: str = ""
    katagaki: str = ""
    previous_address: str = ""
    previous_municipality_code: str = ""
    from_abroad: bool = False
    setai_number: str = ""


@dataclass(frozen=True)
class RecordBirth(Command):
    """出生 (4.2.1.2): the child enters the household ``setai_number`` on its birth date."""

    child: NewPerson | None = None
    setai_number: str = ""


@dataclass(frozen=True)
class RecordExOfficioEntry(Command):
    """職権記載 (4.2.1): ``variant`` "" (職権記載), "naturalisation" (帰化等) or "nationality_loss" (国籍喪失)."""

    persons: tuple[NewPerson, ...] = ()
    variant: str = ""
    town_code: str = ""
    banchi: str = ""
    katagaki: str = ""
    previous_address: str = ""
    previous_municipality_code: str = ""
    setai_number: str = ""


# ---- 消除 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordMoveOut(Command):
    """転出 (4.1.3): 国内転出, or 国外転出 when ``abroad``. ``moved_on`` is the 転出予定日 and may be future
    (j480, j640): then the people stay residents, marked 転出予定, until :class:`CompleteMoveOut` on that day."""

    atena_numbers: tuple[str, ...] = ()
    destination_address: str = ""
    destination_municipality_code: str = ""
    abroad: bool = False
    remaining_head: str = ""
    without_head: bool = False
    relationships: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CompleteMoveOut(Command):
    """転出予定日の到来 (j50): the 転出届 of ``atena_numbers`` recorded with the 転出予定日 ``moved_on`` takes
    effect: they become 除票, and a household its 世帯主 left gets its one remaining member as 世帯主 (j490).
    Issued by the daily run (:mod:`jichitai.registry.departures`) on or after that day."""

    atena_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApplyMoveInNoticeDay(Command):
    """A 転入通知 (住基法第9条第1項; received: j680/j700) says ``atena_number`` moved in elsewhere on ``moved_on``,
    before the 転出予定日 of their 転出: the 消除 takes that day (j50 「転出予定年月日又は転入通知に記載された転入日の
    いずれか早い日で消除すること」) — made now for a 転出予定者, the 転出年月日 corrected for a 除票 — and the
    転出予定年月日 stays (j680). Issued by :func:`jichitai.registry.move_in_receipts.receive`."""

    atena_number: str = ""


@dataclass(frozen=True)
class RecordDeath(Command):
    """死亡 (4.2.2.1): ``moved_on`` is the date of death; ``moved_on_text`` the 不詳日 or 暦上日以外 the 戸籍 gives for
    it (j80: 「推定令和5年6月」, 「令和5年6月1日から6月10日頃までの間」), ``moved_on`` then its internal day."""

    atena_number: str = ""
    moved_on_text: str = ""
    remaining_head: str = ""
    without_head: bool = False
    relationships: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordExOfficioRemoval(Command):
    """職権消除 (4.2.2): ``variant`` "", "naturalisation" (帰化等) or "nationality_loss" (国籍喪失)."""

    atena_numbers: tuple[str, ...] = ()
    variant: str = ""
    remaining_head: str = ""
    without_head: bool = False
    relationships: Mapping[str, str] = field(default_factory=dict)


# ---- 修正 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordMoveWithin(Command):
    """転居 (4.1.2). The whole household moves (keeping its 世帯番号, except between wards: j130), or part of
    it moves to form a new household headed by ``new_head`` or to join ``setai_number`` at the new address."""

    atena_numbers: tuple[str, ...] = ()
    town_code: str = ""
    banchi: str = ""
    katagaki: str = ""
    setai_number: str = ""
    new_head: str = ""
    remaining_head: str = ""
    without_head: bool = False
    relationships: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SplitHousehold(Command):
    """世帯分離 (4.1.4.1): members leave their household, at the same address, as a new household."""

    atena_numbers: tuple[str, ...] = ()
    new_head: str = ""
    remaining_head: str = ""
    without_head: bool = False
    relationships: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MergeHousehold(Command):
    """世帯合併 (4.1.4.1): every member of ``setai_number`` joins ``into_setai_number`` at the same address."""

    setai_number: str = ""
    into_setai_number: str = ""
    relationships: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeHousehold(Command):
    """世帯変更 (4.1.4.1): some members move to another household at the same address."""

    atena_numbers: tuple[str, ...] = ()
    into_setai_number: str = ""
    remaining_head: str = ""
    without_head: bool = False
    relationships: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeHouseholdHead(Command):
    """世帯主変更 (4.1.4.1, 4.1.4.2): ``relationships`` gives every other member's new 続柄."""

    setai_number: str = ""
    new_head: str = ""
    relationships: Mapping[str, str] = field(default_factory=dict)


CORRECTION_KINDS = {"ex_officio": "職権修正", "minor": "軽微な修正", "clerical": "誤記修正"}


@dataclass(frozen=True)
class CorrectRecord(Command):
    """職権修正 (4.2.3.1), 軽微な修正 (4.2.3.2), 誤記修正 (4.2.3.3): ``changes`` maps item → new value."""

    atena_number: str = ""
    kind: str = "ex_officio"
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeMyNumber(Command):
    """個人番号の異動 (4.4): ``kind`` change_request (変更請求), ex_officio_correction, ex_officio_entry."""

    atena_number: str = ""
    my_number: str = ""
    kind: str = "ex_officio_entry"


@dataclass(frozen=True)
class ChangeJuminhyoCode(Command):
    """住民票コードの異動 (4.3): ``kind`` change_request (変更請求) or ex_officio_entry (職権記載)."""

    atena_number: str = ""
    juminhyo_code: str = ""
    kind: str = "ex_officio_entry"


@dataclass(frozen=True)
class RecordKyuuji(Command):
    """旧氏の記載・変更・削除 (1.1.7): ``action`` entry / change / deletion; ``notified_on`` is the 請求日."""

    atena_number: str = ""
    action: str = "entry"
    kyuuji: str = ""
    kyuuji_kana: str = ""


@dataclass(frozen=True)
class RecordTsusho(Command):
    """通称の記載・削除 (1.1.7, 外国人住民): ``action`` entry / deletion; ``notified_on`` is the 申出日."""

    atena_number: str = ""
    action: str = "entry"
    tsusho: str = ""
    tsusho_kana: str = ""


@dataclass(frozen=True)
class RecordFuriganaNotification(Command):
    """氏名の振り仮名の記載・変更 from the 本籍地's notification (住基法第9条第2項; 戸籍法第13条第1項第2号 as amended
    by 令和5年法律第48号). ``furigana_shi`` / ``furigana_mei``: the 氏の振り仮名 and 名の振り仮名 the 戸籍 now holds;
    "" leaves that part as it is (a notice may concern the 氏 or the 名 alone). ``moved_on`` is the day the 戸籍
    was written (戸籍への記載日), ``notified_on`` the day the notice reached the city; the 本籍地 that sent it goes
    in the 留意事項 (``note``)."""

    atena_number: str = ""
    furigana_shi: str = ""
    furigana_mei: str = ""


@dataclass(frozen=True)
class CancelChange(Command):
    """異動の取消し (4.6, j980): stacks new history rows that return everyone the change touched to their
    state before it. 取消し(増) undoes a 消除, 取消し(減) a 記載, 取消し(修正) a 修正."""

    change_id: str = ""


COMMANDS: dict[str, type[Command]] = {
    cls.__name__: cls
    for cls in (
        RecordMoveIn, RecordBirth, RecordExOfficioEntry, RecordMoveOut, CompleteMoveOut, ApplyMoveInNoticeDay, RecordDeath,
        RecordExOfficioRemoval,
        RecordMoveWithin, SplitHousehold, MergeHousehold, ChangeHousehold, ChangeHouseholdHead, CorrectRecord,
        ChangeMyNumber, ChangeJuminhyoCode, RecordKyuuji, RecordTsusho, RecordFuriganaNotification, CancelChange,
    )
}
