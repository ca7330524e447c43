"""File layouts the hub validates row by row: the tax reports (owned by :mod:`jichitai.tax.reports`), other
systems' extracts (国民健康保険 資格, 児童手当 受給, 介護保険 認定: UTF-8 or CP932 CSV, Japanese headers, ISO dates)
and the hub's own 宛名 standard CSV (全件・差分) that it provides and lands.

Every layout is a :class:`jichitai.tax.reports.Layout`, so one parser (``parse_rows``) reports every problem as
(line, item, message) for all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jichitai.lake.schemas import LTC_LEVELS
from jichitai.registry.domain import mailing_code
from jichitai.tax import reports
from jichitai.tax.donation_notices import DONATION_NOTICE
from jichitai.tax.final_returns import FINAL_RETURN
from jichitai.tax.reports import Column, Layout


def _required(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise ValueError("必須項目が空です")
    return value


def atena(required: bool = True) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        value = raw.strip()
        if not value and not required:
            return None
        value = _required(value)
        if not (value.isascii() and value.isdigit() and len(value) <= 15):
            raise ValueError(f"宛名番号は15桁以内の数字で記入してください: {raw!r}")
        return value
    return parse


def iso_date(required: bool = True) -> Callable[[str], dt.date | None]:
    def parse(raw: str) -> dt.date | None:
        value = raw.strip()
        if not value and not required:
            return None
        try:
            return dt.date.fromisoformat(_required(value))
        except ValueError as exc:
            if "必須" in str(exc):
                raise
            raise ValueError(f"日付は YYYY-MM-DD で記入してください: {raw!r}") from None
    return parse


def year_month(required: bool = True) -> Callable[[str], dt.date | None]:
    def parse(raw: str) -> dt.date | None:
        value = raw.strip()
        if not value and not required:
            return None
        value = _required(value)
        try:
            return dt.date.fromisoformat(value + "-01") if len(value) == 7 else _bad_month(raw)
        except ValueError:
            return _bad_month(raw)
    return parse


def _bad_month(raw: str) -> dt.date:
    raise ValueError(f"年月は YYYY-MM で記入してください: {raw!r}")


def yen(raw: str) -> int:
    value = _required(raw).replace(",", "")
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"0以上の整数（円）で記入してください: {raw!r}")
    return int(value)


def choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = _required(raw)
        if value not in options:
            raise ValueError(f"{'、'.join(options)} のいずれかを記入してください: {raw!r}")
        return value
    return parse


def _period(start: str, end: str, start_label: str, end_label: str) -> Callable[[dict[str, Any]], list]:
    def check(row: dict[str, Any]) -> list[tuple[str, str]]:
        if row.get(end) is not None and row[end] < row[start]:
            return [(end_label, f"{start_label}より前です")]
        return []
    return check


KOKUHO_SHIKAKU = Layout(
    name="kokuho_shikaku", title="国民健康保険 資格情報", legal_basis="国民健康保険法第7条・第8条（資格の取得・喪失）",
    columns=(
        Column("宛名番号", "atena_number", atena()),
        Column("世帯番号", "setai_number", atena()),
        Column("資格取得日", "acquired_on", iso_date()),
        Column("資格喪失日", "lost_on", iso_date(required=False)),
    ),
    row_checks=(_period("acquired_on", "lost_on", "資格取得日", "資格喪失日"),),
)

JIDO_TEATE = Layout(
    name="jido_teate", title="児童手当 受給情報", legal_basis="児童手当法第8条（支給期間）",
    columns=(
        Column("受給者宛名番号", "atena_number", atena()),
        Column("児童宛名番号", "child_atena_number", atena()),
        Column("支給開始年月", "from_month", year_month()),
        Column("支給終了年月", "to_month", year_month(required=False)),
        Column("月額", "monthly_amount", yen),
    ),
    row_checks=(_period("from_month", "to_month", "支給開始年月", "支給終了年月"),),
)

KAIGO_NINTEI = Layout(
    name="kaigo_nintei", title="介護保険 要介護認定", legal_basis="介護保険法第19条（要介護認定）",
    columns=(
        Column("宛名番号", "atena_number", atena()),
        Column("要介護度", "level", choice(LTC_LEVELS)),
        Column("認定開始日", "valid_from", iso_date()),
        Column("認定終了日", "valid_to", iso_date(required=False)),
    ),
    row_checks=(_period("valid_from", "valid_to", "認定開始日", "認定終了日"),),
)

# 障害者福祉システムの手帳情報: what the declarations review compares a 障害者控除 with (所得税法施行令第10条).
DISABILITY_KINDS = ("身体", "精神", "療育")
SHOGAI_TECHO = Layout(
    name="shogai_techo", title="障害者福祉 障害者手帳情報",
    legal_basis="身体障害者福祉法第15条・精神保健福祉法第45条（手帳の交付）、療育手帳制度要綱",
    columns=(
        Column("宛名番号", "atena_number", atena()),
        Column("手帳種別", "kind", choice(DISABILITY_KINDS)),
        Column("等級", "grade", _required),
        Column("交付日", "valid_from", iso_date()),
        Column("有効期限", "valid_to", iso_date(required=False)),
    ),
    row_checks=(_period("valid_from", "valid_to", "交付日", "有効期限"),),
)

# 国民健康保険システムの国保税 収納情報: the 国民健康保険税 a 世帯主 (納税義務者) paid in a calendar year
# (地方税法第703条の4: 世帯主に課する), what the review compares a declared 社会保険料 with.
KOKUHO_ZEI = Layout(
    name="kokuho_zei", title="国民健康保険税 納付情報", legal_basis="地方税法第703条の4（国民健康保険税の納税義務者）",
    columns=(
        Column("宛名番号", "atena_number", atena()),
        Column("年分", "year", yen),
        Column("納付額", "amount", yen),
    ),
)

# 宛名 standard CSV (the hub's extract; j1190 宛名連携 items reduced to what the other businesses use).
ATENA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("宛名番号", "atena_number"), ("世帯番号", "setai_number"), ("住民状態", "status"),
    ("住民種別", "resident_kind"), ("氏名", "name"), ("氏名フリガナ", "kana"), ("生年月日", "birth_date"),
    ("性別", "sex"), ("続柄", "relationship"), ("区コード", "ward_code"), ("町字コード", "town_code"),
    ("番地", "banchi"), ("方書", "katagaki"), ("郵便番号", "postcode"), ("住民となった日", "became_resident_on"),
    ("異動事由", "kind"), ("異動日", "occurred_on"),
    # j190: the codes of the registry's standard CSV (空欄 指定なし, 1 本名のみ, 2 通称のみ), not the feed's words
    ("郵便物送付コード", "mailing_code"),
)
# Items the CSV writes as codes rather than as the feed carries them: feed value → CSV value.
ATENA_CSV_CODES: dict[str, dict[str, str]] = {
    "mailing_code": {code.value: csv for code, csv in mailing_code.CSV_CODES.items()},
}
# the extract the hub gives out: the same, with a 不詳日 or 暦上日以外 生年月日's words beside the internal day
# (標準仕様書 1.1.8: 「他システムとは「不詳」のまま連携」); a file landed in the lake may leave them out
ATENA_EXTRACT_COLUMNS: tuple[tuple[str, str], ...] = (
    *ATENA_COLUMNS[:7], ("生年月日_不詳表記", "birth_date_text"), *ATENA_COLUMNS[7:])

# the feeds whose accepted files the tax office stores (jichitai.tax.report_intake.store_rows)
TAX_FEEDS = ("salary-report", "pension-report", "salary-earner-change", "donation-notice", "final-return",
             "pension-withholding-target")
# the feeds whose accepted files the declarations review stores (jichitai.declarations.cityrecords.store_rows)
REVIEW_FEEDS = ("shogai-techo", "kokuho-zei")

# feed code -> layout of the files received on it
FILE_LAYOUTS: dict[str, Layout] = {
    "salary-report": reports.SALARY_REPORT,
    "pension-report": reports.PENSION_REPORT,
    "salary-earner-change": reports.SALARY_EARNER_CHANGE,
    "pension-withholding-target": reports.PENSION_WITHHOLDING_TARGET,
    "donation-notice": DONATION_NOTICE,
    "final-return": FINAL_RETURN,
    "kokuho-shikaku": KOKUHO_SHIKAKU,
    "jido-teate": JIDO_TEATE,
    "kaigo-nintei": KAIGO_NINTEI,
    "shogai-techo": SHOGAI_TECHO,
    "kokuho-zei": KOKUHO_ZEI,
}
