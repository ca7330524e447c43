"""異動事由 (j210, 1.2.2): every reason the standard names, grouped 記載 / 消除 / 修正.

The codes are stable identifiers used in history rows, outbox events (``OutboxEvent.kind``) and the API.
"""

from __future__ import annotations

from enum import StrEnum


class Group(StrEnum):
    ENTRY = "記載"
    REMOVAL = "消除"
    CORRECTION = "修正"


class Reason(StrEnum):
    # 記載の事由
    MOVE_IN_DOMESTIC = "move_in_domestic"
    MOVE_IN_ABROAD = "move_in_abroad"
    BIRTH = "birth"
    EX_OFFICIO_ENTRY_NATURALISATION = "ex_officio_entry_naturalisation"
    EX_OFFICIO_ENTRY_NATIONALITY_LOSS = "ex_officio_entry_nationality_loss"
    EX_OFFICIO_ENTRY = "ex_officio_entry"
    CANCEL_INCREASE = "cancel_increase"
    # 消除の事由
    MOVE_OUT_DOMESTIC = "move_out_domestic"
    MOVE_OUT_ABROAD = "move_out_abroad"
    DEATH = "death"
    EX_OFFICIO_REMOVAL_NATURALISATION = "ex_officio_removal_naturalisation"
    EX_OFFICIO_REMOVAL_NATIONALITY_LOSS = "ex_officio_removal_nationality_loss"
    EX_OFFICIO_REMOVAL = "ex_officio_removal"
    CANCEL_DECREASE = "cancel_decrease"
    # The system's own code (j210 allows codes finer than its classes, mapped to them): the 消除 of a 転出
    # whose 転出予定日 has come (j50). The 転出届 itself was recorded as 国内転出 / 国外転出 with the person
    # still a resident; this row makes the 除票 on the 転出予定日, its 消除事由 (``removal_reason``) being
    # that 国内転出 / 国外転出, so a 転出 is counted once.
    MOVE_OUT_TAKES_EFFECT = "move_out_takes_effect"
    # 修正の事由
    MOVE_WITHIN = "move_within"
    MINOR_CORRECTION = "minor_correction"
    EX_OFFICIO_CORRECTION = "ex_officio_correction"
    CLERICAL_CORRECTION = "clerical_correction"
    MY_NUMBER_CHANGE_REQUEST = "my_number_change_request"
    MY_NUMBER_EX_OFFICIO_CORRECTION = "my_number_ex_officio_correction"
    MY_NUMBER_EX_OFFICIO_ENTRY = "my_number_ex_officio_entry"
    JUMINHYO_CODE_CHANGE_REQUEST = "juminhyo_code_change_request"
    JUMINHYO_CODE_EX_OFFICIO_ENTRY = "juminhyo_code_ex_officio_entry"
    HOUSEHOLD_SPLIT = "household_split"
    HOUSEHOLD_MERGE = "household_merge"
    HOUSEHOLD_CHANGE = "household_change"
    HEAD_CHANGE = "head_change"
    KYUUJI_ENTRY = "kyuuji_entry"
    KYUUJI_CHANGE = "kyuuji_change"
    KYUUJI_DELETION = "kyuuji_deletion"
    TSUSHO_ENTRY = "tsusho_entry"
    TSUSHO_DELETION = "tsusho_deletion"
    FURIGANA_ENTRY = "furigana_entry"
    FURIGANA_CHANGE = "furigana_change"
    CANCEL_CORRECTION = "cancel_correction"
    # The system's own code too (mapped to 修正): a 転入通知 (住基法第9条第1項) gives a 転入日 earlier than the
    # 転出予定日 a 転出 was removed on, so the 消除 takes that day (j50 「いずれか早い日で消除すること」); the
    # 転出予定年月日 stays (j680 「上書きせず」), only the 転出年月日 (``moved_out_on``) changes.
    MOVE_OUT_DAY_BY_NOTICE = "move_out_day_by_notice"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def group(self) -> Group:
        if self in _ENTRY:
            return Group.ENTRY
        if self in _REMOVAL:
            return Group.REMOVAL
        return Group.CORRECTION

    @property
    def is_ex_officio(self) -> bool:
        """職権 changes (4.2), which go through 決裁 (j530) when made at the counter."""
        return self in _EX_OFFICIO


LABELS: dict[Reason, str] = {
    Reason.MOVE_IN_DOMESTIC: "国内転入",
    Reason.MOVE_IN_ABROAD: "国外転入等",
    Reason.BIRTH: "出生",
    Reason.EX_OFFICIO_ENTRY_NATURALISATION: "職権記載（帰化等）",
    Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS: "職権記載（国籍喪失）",
    Reason.EX_OFFICIO_ENTRY: "職権記載",
    Reason.CANCEL_INCREASE: "異動の取消し（増）",
    Reason.MOVE_OUT_DOMESTIC: "国内転出",
    Reason.MOVE_OUT_ABROAD: "国外転出",
    Reason.DEATH: "死亡",
    Reason.EX_OFFICIO_REMOVAL_NATURALISATION: "職権消除（帰化等）",
    Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS: "職権消除（国籍喪失）",
    Reason.EX_OFFICIO_REMOVAL: "職権消除",
    Reason.CANCEL_DECREASE: "異動の取消し（減）",
    Reason.MOVE_OUT_TAKES_EFFECT: "転出（転出予定日の到来）",
    Reason.MOVE_WITHIN: "転居",
    Reason.MINOR_CORRECTION: "軽微な修正",
    Reason.EX_OFFICIO_CORRECTION: "職権修正",
    Reason.CLERICAL_CORRECTION: "誤記修正",
    Reason.MY_NUMBER_CHANGE_REQUEST: "個人番号の変更請求",
    Reason.MY_NUMBER_EX_OFFICIO_CORRECTION: "個人番号の職権修正",
    Reason.MY_NUMBER_EX_OFFICIO_ENTRY: "個人番号の職権記載",
    Reason.JUMINHYO_CODE_CHANGE_REQUEST: "住民票コードの変更請求",
    Reason.JUMINHYO_CODE_EX_OFFICIO_ENTRY: "住民票コードの職権記載",
    Reason.HOUSEHOLD_SPLIT: "世帯分離",
    Reason.HOUSEHOLD_MERGE: "世帯合併",
    Reason.HOUSEHOLD_CHANGE: "世帯変更",
    Reason.HEAD_CHANGE: "世帯主変更",
    Reason.KYUUJI_ENTRY: "旧氏の記載",
    Reason.KYUUJI_CHANGE: "旧氏の変更",
    Reason.KYUUJI_DELETION: "旧氏の削除",
    Reason.TSUSHO_ENTRY: "通称の記載",
    Reason.TSUSHO_DELETION: "通称の削除",
    Reason.FURIGANA_ENTRY: "氏名の振り仮名の記載（本籍地からの通知）",
    Reason.FURIGANA_CHANGE: "氏名の振り仮名の変更（本籍地からの通知）",
    Reason.CANCEL_CORRECTION: "異動の取消し（修正）",
    Reason.MOVE_OUT_DAY_BY_NOTICE: "転出年月日の修正（転入通知）",
}

_ENTRY = frozenset({
    Reason.MOVE_IN_DOMESTIC, Reason.MOVE_IN_ABROAD, Reason.BIRTH, Reason.EX_OFFICIO_ENTRY_NATURALISATION,
    Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS, Reason.EX_OFFICIO_ENTRY, Reason.CANCEL_INCREASE,
})
_REMOVAL = frozenset({
    Reason.MOVE_OUT_DOMESTIC, Reason.MOVE_OUT_ABROAD, Reason.DEATH, Reason.EX_OFFICIO_REMOVAL_NATURALISATION,
    Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS, Reason.EX_OFFICIO_REMOVAL, Reason.CANCEL_DECREASE,
    Reason.MOVE_OUT_TAKES_EFFECT,
})
MOVE_OUTS = frozenset({Reason.MOVE_OUT_DOMESTIC, Reason.MOVE_OUT_ABROAD})
_EX_OFFICIO = frozenset({
    Reason.EX_OFFICIO_ENTRY_NATURALISATION, Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS, Reason.EX_OFFICIO_ENTRY,
    Reason.EX_OFFICIO_REMOVAL_NATURALISATION, Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS,
    Reason.EX_OFFICIO_REMOVAL, Reason.EX_OFFICIO_CORRECTION, Reason.CLERICAL_CORRECTION,
    Reason.MY_NUMBER_EX_OFFICIO_CORRECTION, Reason.MY_NUMBER_EX_OFFICIO_ENTRY,
    Reason.JUMINHYO_CODE_EX_OFFICIO_ENTRY,
})
