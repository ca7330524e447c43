"""郵便物送付コード (住民記録システム標準仕様書 1.1.19, j190): how the person wants the name on their mail written.

j190 (第1.0版) puts it under 【実装してもしなくても良い機能】: 「郵便物送付コード（例：外国人住民について、郵便物の送付先の
記載として通称のみを希望するか、本名のみを希望するか。）を管理すること。」 The standard names no code values, no
household-level code and no CSV item; the codes below are the two choices of its example and 「指定なし」.

It is a management item of one person (not a 住民票記載事項, so setting it is no 異動 of j210): recorded apart from
the 住民票, each setting a new version (registry/mailing_codes.py), read by the one 送付先 maker (registry/mailing.py)
for the name it prints on the envelope. Pure.
"""

from __future__ import annotations

from enum import StrEnum

from jichitai.registry.domain.errors import RegistryError


class MailingCode(StrEnum):
    UNSET = ""                  # 指定なし: the 氏名 (本名), as before the code existed
    LEGAL_NAME = "legal_name"   # 本名のみ
    TSUSHO = "tsusho"           # 通称のみ

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {MailingCode.UNSET: "指定なし", MailingCode.LEGAL_NAME: "本名のみ", MailingCode.TSUSHO: "通称のみ"}
# the standard CSV's values (ours: the standard defines none): 空欄 指定なし, 1 本名のみ, 2 通称のみ
CSV_CODES = {MailingCode.UNSET: "", MailingCode.LEGAL_NAME: "1", MailingCode.TSUSHO: "2"}
BY_CSV = {v: k for k, v in CSV_CODES.items()}


def parse(value: str) -> MailingCode:
    """A code as sent by a form or the API; refused in Japanese when it is none of the three."""
    try:
        return MailingCode(value)
    except ValueError:
        raise RegistryError(f"郵便物送付コード「{value}」は指定できません（指定なし・本名のみ・通称のみ）。",
                            code="invalid_mailing_code", field="mailing_code") from None


def check(code: MailingCode, tsusho: str) -> None:
    """通称のみ needs a 通称 on the 住民票 (a 外国人住民's, 住基法施行令第30条の26): the mail cannot be written to a name
    the record does not hold."""
    if code is MailingCode.TSUSHO and not tsusho.strip():
        raise RegistryError("通称が記載されていない方は「通称のみ」を指定できません（標準仕様書 1.1.19）。",
                            code="no_tsusho", field="mailing_code")


def addressee_name(name: str, tsusho: str, code: MailingCode | str) -> str:
    """The name the 送付先 prints: the 通称 alone when 通称のみ is asked and a 通称 is held, else the 氏名 (本名).
    A 通称 deleted after 通称のみ was set (通称の削除, a 異動) leaves the 本名, never an empty name."""
    if code == MailingCode.TSUSHO and tsusho.strip():
        return tsusho
    return name
