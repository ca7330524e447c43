"""The standard CSV layout of 住民記録 data: one column per 基本データリスト item, one row per person.

Item names follow the 住民基本台帳 基本データリスト as far as the evidence in
../shared/reference/registry-standard.md §1.3 goes (宛名番号, 世帯番号, 住民種別, 住民状態, 異動年月日,
異動届出年月日, 異動事由, 氏名, 氏名_フリガナ, 旧氏, …, 指定都市_行政区等コード, 住所_町字コード, 個人番号). The
official Excel (第2.1版) was not at hand: names marked ``extension=True`` are items the standard requires the
system to hold (j10/j20) but whose 基本データリスト name is unconfirmed; the code tables (性別, 住民種別,
住民状態) are ours and documented in docs/standard-conformance.md. Dates are ISO (YYYY-MM-DD), empty when
unknown.

Pure Python: :func:`row_of` turns a domain ``Person`` (plus its last 異動 and address words) into a row,
:func:`parse_row` turns a row back, reporting every item at fault with its line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jichitai.common.checkdigit import is_valid_modulus11, is_valid_my_number
from jichitai.common.errors import JichitaiError
from jichitai.common.fields import NEVER_TEXT, date_problem, juminhyo_code_problem, text_problem
from jichitai.common.moji import outside, outside_message
from jichitai.common.text import is_katakana_reading
from jichitai.registry.domain import furigana
from jichitai.registry.domain import mailing_code as mailing
from jichitai.registry.domain.items import ITEMS
from jichitai.registry.domain.person import ACTIVE, FEMALE, FOREIGN, JAPANESE, MALE, REMOVED, Person
from jichitai.registry.domain.reasons import LABELS, Reason
from jichitai.registry.domain.unknown_dates import birth_date_of

SEX_CODES = {MALE: "1", FEMALE: "2"}                      # JIS X 0303: 1 男性, 2 女性
KIND_CODES = {JAPANESE: "1", FOREIGN: "2"}                # 住民種別: 1 日本人住民, 2 外国人住民
STATUS_CODES = {ACTIVE: "1", REMOVED: "2"}                # 住民状態: 1 住民, 2 消除
REASON_BY_LABEL = {label: reason for reason, label in LABELS.items()}


@dataclass(frozen=True)
class Column:
    name: str                      # the CSV header (Japanese item name)
    source: str                    # Person field, or "change.*" / "address.*" / "city_code" for derived items
    kind: str = "text"             # text / date / code / int
    extension: bool = False        # our name for an item the standard requires but whose list name is unconfirmed


COLUMNS: tuple[Column, ...] = (
    Column("市区町村コード", "city_code"),
    Column("宛名番号", "atena_number"),
    Column("世帯番号", "setai_number"),
    Column("住民種別", "resident_kind", "code"),
    Column("住民状態", "status", "code"),
    Column("異動事由", "change.reason"),
    Column("異動年月日", "change.moved_on", "date"),
    Column("異動届出年月日", "change.notified_on", "date"),
    Column("氏名", "name"),
    Column("氏名_フリガナ", "kana"),
    Column("旧氏", "kyuuji"),
    Column("旧氏_フリガナ", "kyuuji_kana"),
    Column("通称", "tsusho"),
    Column("通称_フリガナ", "tsusho_kana"),
    # 氏名の振り仮名 (令和5年法律第48号; 第6版以降の基本データリスト, whose item names were not found: [U])
    Column("氏_振り仮名", "furigana_shi", extension=True),
    Column("名_振り仮名", "furigana_mei", extension=True),
    Column("性別", "sex", "code"),
    Column("生年月日", "birth_date", "date"),
    # j80 (1.1.8): a 不詳日 or 暦上日以外 as the 戸籍 has it (「昭和20年頃」), 「不詳」のまま連携; 生年月日 is then its
    # internal day. The name follows the 「異動年月日_不詳表記」 evidenced beside 異動年月日 (registry-standard.md §1.3)
    Column("生年月日_不詳表記", "birth_date_text", extension=True),
    Column("続柄表記", "relationship"),
    Column("世帯員の並び順", "household_order", "int", extension=True),
    # j100 (1.1.10): 「世帯主未設定の状態で他システムへ連携ができること」 — 1 on each member of a household that has
    # no 世帯主 (the 世帯主 left and none was named, j500); empty otherwise
    Column("世帯主未設定", "household.head_unset", "flag", extension=True),
    Column("指定都市_行政区等コード", "ward_code"),
    Column("住所_町字コード", "town_code"),
    Column("住所_都道府県", "address.prefecture"),
    Column("住所_市区郡町村名", "address.municipality"),
    Column("住所_町字", "address.town"),
    Column("住所_番地号表記", "banchi"),
    Column("住所_方書", "katagaki"),
    Column("住所_郵便番号", "postcode"),
    # j190 (1.1.19) 郵便物送付コード, not a 住民票 item (held apart: registry/mailing_codes.py); the standard names no
    # values: ours are 空欄 指定なし, 1 本名のみ, 2 通称のみ (domain/mailing_code.py)
    Column("郵便物送付コード", "mailing.code", "mailing", extension=True),
    Column("住民となった年月日", "became_resident_on", "date"),
    Column("住民となった年月日_不詳表記", "became_resident_on_text", extension=True),  # j80, as 生年月日_不詳表記
    Column("住所を定めた年月日", "address_set_on", "date", extension=True),
    Column("住所を定めた年月日_不詳表記", "address_set_on_text", extension=True),
    Column("届出の年月日", "notified_on", "date", extension=True),
    Column("転入前住所_市区町村コード", "previous_municipality_code"),
    Column("転入前住所_住所", "previous_address", extension=True),
    Column("本籍", "honseki", extension=True),
    Column("筆頭者", "hittosha", extension=True),
    Column("個人番号", "my_number"),
    Column("住民票コード", "juminhyo_code", extension=True),
    Column("外国人住民となった年月日", "foreign_resident_on", "date"),
    Column("外国人住民となった年月日_不詳表記", "foreign_resident_on_text", extension=True),
    Column("国籍名等", "nationality"),
    Column("第30条45規定区分", "article_30_45"),
    Column("在留資格等", "residence_status", extension=True),
    Column("在留期間等", "residence_period", extension=True),
    Column("在留期間の満了の日", "residence_until", "date"),
    Column("在留カード等番号", "residence_card_number", extension=True),
    Column("消除事由", "removal_reason", extension=True),
    Column("消除の異動年月日", "removed_on", "date"),
    # j80: a 死亡's 不詳日 as the 戸籍 has it (「消除の異動年月日 (+不詳)」, registry-standard.md §1.3), 「不詳」のまま連携
    Column("消除の異動年月日_不詳表記", "removed_on_text", extension=True),
    # j10 除票 「転出年月日（転出の場合）」: the day the 転出's 消除 took effect — the 転出予定年月日 above, or the
    # 転入通知's 転入日 when earlier (j50); the 基本データリスト's name for it was not at hand
    Column("転出年月日", "moved_out_on", "date", extension=True),
    Column("転出先住所（予定）_市区町村コード", "destination_municipality_code"),
    Column("転出先住所（予定）_住所", "destination_address", extension=True),
    Column("備考", "note", extension=True),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)
ADDRESS_ITEMS = ("住所_町字コード", "住所_都道府県", "住所_市区郡町村名", "住所_町字", "住所_番地号表記", "住所_方書",
                 "住所_郵便番号", "指定都市_行政区等コード")


@dataclass(frozen=True)
class LastChange:
    """The 異動 that produced the row: its 異動事由 code, 異動日 and 届出日."""

    reason: str
    moved_on: dt.date
    notified_on: dt.date | None = None


@dataclass(frozen=True)
class AddressWords:
    """The words of the address dictionary for the row's 町字 (住所_都道府県, 住所_市区郡町村名, 住所_町字)."""

    prefecture: str = ""
    municipality: str = ""
    town: str = ""


def _text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def _reason_label(code: str) -> str:
    try:
        return Reason(code).label
    except ValueError:
        return code


def row_of(person: Person, change: LastChange, address: AddressWords, city_code: str, *,
           head_unset: bool = False, mailing_code: str = "") -> list[str]:
    """The CSV row of one person (the person's 個人番号 as given: blank it before if it must not go out);
    ``head_unset``: the person's household has no 世帯主 (j100); ``mailing_code``: their 郵便物送付コード (j190)."""
    out = []
    for col in COLUMNS:
        src = col.source
        if src == "city_code":
            value: Any = city_code
        elif src == "household.head_unset":
            value = "1" if head_unset else ""
        elif src == "mailing.code":
            value = mailing.CSV_CODES[mailing.MailingCode(mailing_code)]
        elif src == "change.reason":
            value = _reason_label(change.reason)
        elif src.startswith("change."):
            value = getattr(change, src.removeprefix("change."))
        elif src.startswith("address."):
            value = getattr(address, src.removeprefix("address."))
        elif src == "sex":
            value = SEX_CODES.get(person.sex, person.sex)
        elif src == "resident_kind":
            value = KIND_CODES.get(person.resident_kind, person.resident_kind)
        elif src == "status":
            value = STATUS_CODES.get(person.status, person.status)
        elif src == "removal_reason":
            value = _reason_label(person.removal_reason) if person.removal_reason else ""
        else:
            value = getattr(person, src)
        out.append(_text(value, col.kind))
    return out


# ---- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int          # the line of the file (the header is line 1)
    item: str          # the Japanese item name ("" for the row as a whole)
    message: str
    column: int = 0    # the item's column (from 1), where the error is about one character of it (文字同定)

    def __str__(self) -> str:
        where = f"{self.line}行目" + (f"{self.column}列" if self.column else "") + (f"「{self.item}」" if self.item else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedRow:
    line: int
    person: Person
    change: LastChange
    address: AddressWords
    city_code: str
    errors: list[RowError] = field(default_factory=list)
    head_unset: bool = False  # the row says its household has no 世帯主 (j100)
    mailing_code: str = ""  # the person's 郵便物送付コード (j190), a MailingCode value


_DECODE = {
    "性別": {v: k for k, v in SEX_CODES.items()},
    "住民種別": {v: k for k, v in KIND_CODES.items()},
    "住民状態": {v: k for k, v in STATUS_CODES.items()},
}
_REQUIRED = ("市区町村コード", "宛名番号", "世帯番号", "住民種別", "住民状態", "異動事由", "異動年月日", "氏名",
             "性別", "生年月日", "続柄表記")


def check_header(header: list[str]) -> list[RowError]:
    """The header must be exactly :data:`HEADER` (same items, same order)."""
    if list(header) == list(HEADER):
        return []
    missing = [h for h in HEADER if h not in header]
    unknown = [h for h in header if h not in HEADER]
    errors = [RowError(1, h, "必須の項目がありません。") for h in missing]
    errors += [RowError(1, h, "標準レイアウトにない項目です。") for h in unknown]
    if not errors:
        errors.append(RowError(1, "", "項目の順序が標準レイアウトと異なります。"))
    return errors


# Lengths of the items that are not 異動 items (domain.items has those): the columns they are stored in.
_LENGTHS = {"city_code": 6, "ward_code": 5, "change.reason": 50, "address.prefecture": 10,
            "address.municipality": 50, "address.town": 100, "removal_reason": 50, "household_order": 6}
FUTURE_DATES = frozenset({"residence_until"})  # 在留期間の満了の日 lies ahead; every other date has happened


# 文字要件: the name and address items (domain.items kind "moji") and the address words of the dictionary
MOJI_SOURCES = frozenset({*(k for k, item in ITEMS.items() if item.kind == "moji"),
                          "address.prefecture", "address.municipality", "address.town"})


def _text_problem(col: Column, text: str) -> str | None:
    """Control and format characters, private-use 外字 and over-long values are refused in every column (文字要件:
    jichitai.common.fields), before the value is read as a date, a code or a number; in a name or address column
    a 外字 is listed with the other characters outside the 行政事務標準文字."""
    item = ITEMS.get(col.source)
    limit = item.max_length if item else _LENGTHS.get(col.source, 100)
    if col.source in MOJI_SOURCES:  # its 外字 are listed one by one (:func:`_outside_characters`)
        return text_problem(text, limit, refused=NEVER_TEXT)
    return text_problem(text, limit, multiline=col.source == "note")


def _outside_characters(line: int, column: int, item: str, text: str) -> list[RowError]:
    """One error per character outside the 行政事務標準文字, with its column and position: the list a migration
    works through for 文字同定 (a legacy 外字 is identified to an MJ character, then the file is loaded again)."""
    return [RowError(line, item, f"{found.position}文字目 {outside_message(item, found)}文字同定が必要です。", column)
            for found in outside(text)]


def parse_row(line: int, values: list[str], today: dt.date | None = None) -> ParsedRow:
    """Read one row; every item at fault is reported (not only the first). A date after ``today`` (the
    migration's day) is refused, except those that lie ahead by nature (:data:`FUTURE_DATES`)."""
    today = today or dt.date.today()
    errors: list[RowError] = []
    if len(values) != len(COLUMNS):
        errors.append(RowError(line, "", f"項目数が{len(values)}です（{len(COLUMNS)}項目必要です）。"))
        values = (values + [""] * len(COLUMNS))[: len(COLUMNS)]
    raw: Mapping[str, str] = dict(zip(HEADER, values, strict=True))
    for name in _REQUIRED:
        if not raw[name].strip():
            errors.append(RowError(line, name, "必須項目が空です。"))
    fields: dict[str, Any] = {}
    change: dict[str, Any] = {}
    address: dict[str, str] = {}
    for number, col in enumerate(COLUMNS, start=1):
        text = raw[col.name]
        value: Any = text
        problem = _text_problem(col, text)
        if problem:
            errors.append(RowError(line, col.name, problem))
            text = value = ""
        elif col.source in MOJI_SOURCES:
            errors += _outside_characters(line, number, col.name, text)
        if col.kind == "date":
            try:
                value = dt.date.fromisoformat(text) if text else None
            except ValueError:
                errors.append(RowError(line, col.name, f"日付「{text}」が正しくありません（YYYY-MM-DD）。"))
                value = None
            problem = date_problem(value, not_after=None if col.source in FUTURE_DATES else today) if value else None
            if problem:
                errors.append(RowError(line, col.name, problem))
        elif col.kind == "code" and text:
            decoded = _DECODE[col.name].get(text)
            if decoded is None:
                errors.append(RowError(line, col.name, f"コード「{text}」は定義されていません。"))
            value = decoded or ""
        elif col.kind == "int":
            try:
                value = int(text) if text else 1
            except ValueError:
                errors.append(RowError(line, col.name, f"「{text}」は数値ではありません。"))
                value = 1
        elif col.kind == "flag" and text not in ("", "1"):
            errors.append(RowError(line, col.name, f"「{text}」は指定できません（1 または空欄）。"))
        elif col.kind == "mailing" and text not in mailing.BY_CSV:
            errors.append(RowError(line, col.name, f"「{text}」は指定できません（空欄 指定なし、1 本名のみ、2 通称のみ）。"))
        src = col.source
        if src in ("city_code", "household.head_unset", "mailing.code"):
            continue
        if src.startswith("change."):
            change[src.removeprefix("change.")] = value
        elif src.startswith("address."):
            address[src.removeprefix("address.")] = value
        elif src == "removal_reason" and value:
            reason = REASON_BY_LABEL.get(value)
            if reason is None:
                errors.append(RowError(line, col.name, f"消除事由「{value}」は異動事由にありません。"))
            fields[src] = str(reason or "")
        else:
            fields[src] = value
    reason_label = change.get("reason", "")
    reason_code = REASON_BY_LABEL.get(reason_label)
    if reason_label and reason_code is None:
        errors.append(RowError(line, "異動事由", f"異動事由「{reason_label}」は標準仕様書 1.2.2 の事由にありません。"))
    errors += _item_checks(line, fields)
    code = mailing.BY_CSV.get(raw["郵便物送付コード"], mailing.MailingCode.UNSET)
    if code is mailing.MailingCode.TSUSHO and not fields.get("tsusho"):
        errors.append(RowError(line, "郵便物送付コード", "通称が記載されていない方は「通称のみ」(2) を指定できません（標準仕様書 1.1.19）。"))
    birth = fields.get("birth_date") or dt.date(1900, 1, 1)
    fields["birth_date"] = birth
    person = Person(**fields)
    last = LastChange(str(reason_code or ""), change.get("moved_on") or birth, change.get("notified_on"))
    return ParsedRow(line, person, last, AddressWords(**address), raw["市区町村コード"], errors,
                     head_unset=raw["世帯主未設定"] == "1", mailing_code=code.value)


def _item_checks(line: int, f: Mapping[str, Any]) -> list[RowError]:
    errors = []

    def bad(item: str, message: str) -> None:
        errors.append(RowError(line, item, message))

    for item, key in (("宛名番号", "atena_number"), ("世帯番号", "setai_number")):
        if f.get(key) and not is_valid_modulus11(f[key]):
            bad(item, f"「{f[key]}」の検査数字が正しくありません（モジュラス11、標準仕様書 1.1.13）。")
    if f.get("my_number") and not is_valid_my_number(f["my_number"]):
        bad("個人番号", "個人番号の検査用数字が正しくありません。")
    code = f.get("juminhyo_code", "")
    problem = juminhyo_code_problem(code) if code else None
    if problem:
        bad("住民票コード", problem)
    for item, key in (("氏名_フリガナ", "kana"), ("旧氏_フリガナ", "kyuuji_kana"), ("通称_フリガナ", "tsusho_kana")):
        if f.get(key) and not is_katakana_reading(f[key]):
            bad(item, "フリガナはカタカナで入力してください（標準仕様書 1.1.18）。")
    for item, key in (("氏_振り仮名", furigana.SHI), ("名_振り仮名", furigana.MEI)):
        problem = furigana.problem(key, f[key]) if f.get(key) else None
        if problem:
            bad(item, problem)
        if f.get(key) and f.get("resident_kind") == FOREIGN:
            bad(item, "外国人住民の住民票には氏名の振り仮名を記載しません。")
    if f.get("birth_date_text") and isinstance(f.get("birth_date"), dt.date):
        try:
            held = birth_date_of(f.get("resident_kind") or JAPANESE, f["birth_date"], f["birth_date_text"])
        except JichitaiError as exc:
            bad("生年月日_不詳表記", exc.message)
        else:
            if held != (f["birth_date"], f["birth_date_text"]):
                bad("生年月日_不詳表記", f"「{f['birth_date_text']}」は「{held[1]}」と記載し、生年月日はその期間の日とします。")
    if f.get("resident_kind") == FOREIGN and not f.get("nationality"):
        bad("国籍名等", "外国人住民は国籍・地域が必要です（標準仕様書 1.1.2）。")
    if f.get("resident_kind") == JAPANESE and f.get("tsusho"):
        bad("通称", "通称は外国人住民についてのみ記載できます（標準仕様書 1.1.7）。")
    if f.get("status") == REMOVED and not f.get("removal_reason"):
        bad("消除事由", "消除された住民には消除事由が必要です。")
    if f.get("status") == ACTIVE and f.get("removal_reason"):
        bad("消除事由", "住民状態が「住民」の者に消除事由は記載できません。")
    return errors
