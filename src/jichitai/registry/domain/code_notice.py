"""住民票コード通知票・変更通知票・修正通知票 (標準仕様書 4.3.3, j890): which notice a 異動 gives. Pure.

j890: 「住民票コードを新規付番し、変更し、又は修正した際に、一連の流れにおいて自動で住民票コード通知票、住民票コード
変更通知票又は住民票コード修正通知票を出力できること。また、再出力もできること。」

- a code written on a record that had none (新規付番: a 転入 or 出生 with its code, the 職権記載) → 通知票: 住民基本台帳法
  第30条の3第3項 (「住民票コードを記載したときは…その者に対し…住民票コードを書面により通知しなければならない」);
- the 変更請求 → 変更通知票: 第30条の4第3項 (the new code written on request is notified in writing);
- any other replacement of a code (a 職権 correction of a wrong one) → 修正通知票.
"""

from __future__ import annotations

from enum import StrEnum

from jichitai.registry.domain.reasons import Reason


class CodeNoticeKind(StrEnum):
    """The value is the 交付履歴's 証明書の種類 (j300: 20.4.1 – 20.4.3)."""

    ENTRY = "juminhyo_code_tsuchi"
    CHANGE = "juminhyo_code_henko"
    CORRECTION = "juminhyo_code_shusei"

    @property
    def label(self) -> str:
        return {"juminhyo_code_tsuchi": "住民票コード通知票", "juminhyo_code_henko": "住民票コード変更通知票",
                "juminhyo_code_shusei": "住民票コード修正通知票"}[self.value]

    @property
    def statement(self) -> str:
        return {
            "juminhyo_code_tsuchi": "あなたの住民票に下記の住民票コードを記載しましたので、住民基本台帳法第30条の3第3項の規定により通知します。",
            "juminhyo_code_henko": "あなたの請求により、住民票に記載されている住民票コードを下記のとおり変更しましたので、"
                                   "住民基本台帳法第30条の4第3項の規定により通知します。",
            "juminhyo_code_shusei": "あなたの住民票に記載されている住民票コードを下記のとおり修正しましたので、通知します。",
        }[self.value]

    @property
    def date_label(self) -> str:
        return {"juminhyo_code_tsuchi": "記載年月日", "juminhyo_code_henko": "変更年月日",
                "juminhyo_code_shusei": "修正年月日"}[self.value]


def kind_of(reason: str, before_code: str, after_code: str) -> CodeNoticeKind | None:
    """The notice a history row gives, from the code before it and after it; None when the code did not change."""
    if not after_code or after_code == before_code:
        return None
    if reason == Reason.JUMINHYO_CODE_CHANGE_REQUEST.value:
        return CodeNoticeKind.CHANGE
    if not before_code:
        return CodeNoticeKind.ENTRY
    return CodeNoticeKind.CORRECTION
