"""郵便物送付コード (住民記録システム標準仕様書 1.1.19, j190), the pure rule (registry/domain/mailing_code.py).

j190 【実装してもしなくても良い機能】: 「郵便物送付コード（例：外国人住民について、郵便物の送付先の記載として通称のみを
希望するか、本名のみを希望するか。）を管理すること。」
"""

from __future__ import annotations

import pytest

from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.mailing_code import CSV_CODES, MailingCode, addressee_name, check, parse

NAME, TSUSHO = "WANG LI", "王 麗"


def test_tsusho_only_puts_the_tsusho_on_the_mail_and_legal_name_only_the_name() -> None:
    """Independent (j190's example: 「通称のみを希望するか、本名のみを希望するか」): the two wishes give the 通称 alone
    and the 本名 alone; with no wish recorded the 氏名 (本名) is written, as before the code existed."""
    assert addressee_name(NAME, TSUSHO, MailingCode.TSUSHO) == TSUSHO
    assert addressee_name(NAME, TSUSHO, MailingCode.LEGAL_NAME) == NAME
    assert addressee_name(NAME, TSUSHO, MailingCode.UNSET) == NAME


def test_tsusho_only_needs_a_tsusho() -> None:
    """Independent (j190: the wish is about a 通称 the 住民票 holds; 住基法施行令第30条の26 gives 通称 to 外国人住民
    only): 通称のみ for someone without a 通称 is refused in Japanese; the other two are accepted."""
    with pytest.raises(RegistryError) as info:
        check(MailingCode.TSUSHO, "  ")
    assert info.value.code == "no_tsusho" and "通称のみ" in info.value.message
    check(MailingCode.TSUSHO, TSUSHO)
    check(MailingCode.LEGAL_NAME, "")
    check(MailingCode.UNSET, "")


def test_a_tsusho_deleted_later_leaves_the_legal_name_never_an_empty_one() -> None:
    """Consistency (our rule): 通称の削除 is a 異動 that does not touch the code; the mail then carries the 本名."""
    assert addressee_name(NAME, "", MailingCode.TSUSHO) == NAME


def test_unknown_codes_are_refused_and_each_code_has_one_csv_value() -> None:
    """Bad input: a value none of the three is refused precisely; the CSV values are distinct (ours: the standard
    names none)."""
    with pytest.raises(RegistryError) as info:
        parse("alias")
    assert info.value.code == "invalid_mailing_code"
    assert parse("tsusho") is MailingCode.TSUSHO
    assert len(set(CSV_CODES.values())) == len(MailingCode)
