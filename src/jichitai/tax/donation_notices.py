"""申告特例通知書 (ワンストップ特例): the notice a municipality that received a ふるさと納税 sends to the donor's
city of residence for a donor who asked for the 申告特例 instead of declaring (地方税法附則第7条第1項 道府県民税,
第8項 市町村民税: the text of 第1項 and 世田谷区's 申告特例申請書, see docs/tax-inputs.md). One row per donor and donee per year: the amount donated in the year.

Pure Python: the CSV layout, read like the reports (:mod:`jichitai.tax.reports`: whole file or nothing).
"""

from __future__ import annotations

from jichitai.tax.reports import _RECIPIENT, Column, Layout, _text, _year, _yen

MAX_DONEES = 5  # 申告特例対象寄附者: donations to at most five 都道府県・市区町村 in the year (附則第7条)


def local_government_code_check_digit(body5: str) -> int:
    """全国地方公共団体コードの検査数字 (昭和43年自治省告示 / 総務省「全国地方公共団体コード」): 11 − (Σ digit × weight
    (6, 5, 4, 3, 2) mod 11), its last digit. 281000 (神戸市) and 131016 (千代田区) check."""
    total = sum(int(d) * w for d, w in zip(body5, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def _local_government_code(raw: str) -> str:
    value = raw.strip()
    if not (len(value) == 6 and value.isascii() and value.isdigit()
            and int(value[5]) == local_government_code_check_digit(value[:5])):
        raise ValueError(f"団体コード（6桁、検査数字付き）が正しくありません: {raw!r}")
    return value


def _positive(raw: str) -> int:
    value = _yen()(raw)
    if not value:
        raise ValueError("寄附金額が0円です")
    return int(value)


DONATION_NOTICE = Layout(
    name="donation_notice",
    title="寄附金税額控除に係る申告特例通知書",
    legal_basis="地方税法附則第7条",
    columns=(
        Column("寄附を受けた団体コード", "donee_code", _local_government_code),
        Column("寄附を受けた団体名", "donee_name", _text(max_len=100)),
        Column("年分", "income_year", _year),
        *_RECIPIENT[3:],
        Column("寄附金額", "amount", _positive),
        Column("寄附件数", "donations", _yen(required=False), optional=True),
    ),
)
