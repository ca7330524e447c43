"""What each item of a 異動 may hold: its length and character class (住民記録システム標準仕様書 1.4 文字要件),
or its number format with check digit; names and addresses hold 行政事務標準文字 only (jichitai.common.moji). One
table, read by the command codec (every 異動 from the API, the counter's confirmation and the 決裁 queue), the
API's OpenAPI schemas and the migration import, so a value one entry point refuses is refused by all of them.

Lengths are those of the columns the items are stored in (registry.models), so nothing is cut or fails in the
database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jichitai.common.checkdigit import is_valid_modulus11
from jichitai.common.fields import (
    digits_problem,
    juminhyo_code_problem,
    my_number_problem,
    standard_text_problem,
    text_problem,
)

NUMBER_WIDTH = 15  # 宛名番号・世帯番号 (ledger.ATENA_WIDTH, SETAI_WIDTH)
MAX_PERSONS = 30  # people in one 届出
MAX_LISTED = 200  # 宛名番号 listed in one command, entries of a mapping


@dataclass(frozen=True)
class Item:
    """``kind``: "text", "moji" (a name or an address: text of the 行政事務標準文字 only, jichitai.common.moji),
    "multiline", "number" (宛名番号・世帯番号, modulus 11), "code" (digits of the given lengths), "juminhyo_code",
    "my_number"."""

    label: str
    kind: str = "text"
    max_length: int = 100
    lengths: tuple[int, ...] = ()


def _number(label: str) -> Item:
    return Item(label, "number", NUMBER_WIDTH, (NUMBER_WIDTH,))


def _moji(label: str, max_length: int) -> Item:
    return Item(label, "moji", max_length)


ITEMS: dict[str, Item] = {
    "name": _moji("氏名", 200), "kana": _moji("氏名フリガナ", 200),
    "honseki": _moji("本籍", 200), "hittosha": _moji("筆頭者", 100),
    "kyuuji": _moji("旧氏", 100), "kyuuji_kana": _moji("旧氏フリガナ", 200),
    "tsusho": _moji("通称", 200), "tsusho_kana": _moji("通称フリガナ", 200),
    # the 片仮名 rule is the 異動's own (domain.furigana), applied after the counter's かな→カナ conversion
    "furigana_shi": Item("氏の振り仮名", max_length=100), "furigana_mei": Item("名の振り仮名", max_length=100),
    "nationality": Item("国籍・地域", max_length=100), "article_30_45": Item("法第30条の45の区分", max_length=50),
    "residence_status": Item("在留資格", max_length=100), "residence_period": Item("在留期間", max_length=50),
    "residence_card_number": Item("在留カード等番号", max_length=12),
    "birth_date_text": Item("生年月日（不詳日）", max_length=50),
    "moved_on_text": Item("異動日（不詳日）", max_length=50),
    "became_resident_on_text": Item("住民となった年月日（不詳日）", max_length=50),
    "address_set_on_text": Item("住所を定めた年月日（不詳日）", max_length=50),
    "foreign_resident_on_text": Item("外国人住民となった年月日（不詳日）", max_length=50),
    "relationship": Item("続柄", max_length=20), "sex": Item("性別", max_length=1),
    "resident_kind": Item("住民種別", max_length=10),
    "banchi": _moji("番地", 100), "katagaki": _moji("方書", 200),
    "postcode": Item("郵便番号", max_length=8),
    "previous_address": _moji("転入前住所", 300), "destination_address": _moji("転出先住所", 300),
    "town_code": Item("町字コード", "code", 12, tuple(range(1, 13))),
    "previous_municipality_code": Item("転入前住所の市区町村コード", "code", 6, (5, 6)),
    "destination_municipality_code": Item("転出先の市区町村コード", "code", 6, (5, 6)),
    "note": Item("留意事項", "multiline", 2000),
    "variant": Item("区分", max_length=30), "kind": Item("区分", max_length=30), "action": Item("区分", max_length=30),
    "change_id": Item("異動ID", max_length=36),
    "atena_number": _number("宛名番号"), "atena_numbers": _number("宛名番号"),
    "setai_number": _number("世帯番号"), "into_setai_number": _number("世帯番号"),
    "new_head": _number("新しい世帯主の宛名番号"), "remaining_head": _number("残る世帯の世帯主の宛名番号"),
    "juminhyo_code": Item("住民票コード", "juminhyo_code", 11, (11,)),
    "my_number": Item("個人番号", "my_number", 12, (12,)),
}


def _number_problem(value: str, item: Item) -> str | None:
    return digits_problem(value, item.lengths, item.label) or (
        None if is_valid_modulus11(value) else f"{item.label}の検査数字が正しくありません（モジュラス11）。")


_CHECKS: dict[str, Callable[[str, Item], str | None]] = {
    "text": lambda v, item: text_problem(v, item.max_length),
    "moji": lambda v, item: standard_text_problem(v, item.max_length, item.label),
    "multiline": lambda v, item: text_problem(v, item.max_length, multiline=True),
    "number": _number_problem,
    "code": lambda v, item: digits_problem(v, item.lengths, item.label),
    "juminhyo_code": lambda v, item: juminhyo_code_problem(v),
    "my_number": lambda v, item: my_number_problem(v),
}


def item_problem(name: str, value: str) -> str | None:
    """Why ``value`` cannot be item ``name``, or ``None``. An empty value means "not given" and is left to the
    rules of the 異動; an item without an entry here is plain text of at most 100 characters."""
    if value == "":
        return None
    item = ITEMS.get(name) or Item(name)
    return _CHECKS[item.kind](value, item)


def label_of(name: str) -> str:
    item = ITEMS.get(name)
    return item.label if item else name


# the command's items that are not entry items of domain.items, named as a form names them
_OTHER_LABELS = {
    "birth_date": "生年月日", "moved_on": "異動日", "notified_on": "届出日", "residence_until": "在留期間の満了の日",
    "relationships": "続柄", "persons": "異動者", "child": "出生した子", "changes": "修正内容",
    "from_abroad": "国外からの転入", "abroad": "国外への転出", "without_head": "世帯主を定めない", "became_resident_on": "住民となった年月日",
    "address_set_on": "住所を定めた年月日", "foreign_resident_on": "外国人住民となった年月日",
    "removed_on": "消除の異動日",
}


def field_label(name: str) -> str:
    """A command item's name in Japanese for a person to read (``persons[1].birth_date`` → 異動者2の生年月日); the
    name itself stays in the error's ``field`` for the API."""
    head, _, rest = name.partition(".")
    if head.startswith("persons[") and head.endswith("]") and rest:
        return f"異動者{int(head[8:-1]) + 1}の{field_label(rest)}"
    if head == "child" and rest:
        return f"出生した子の{field_label(rest)}"
    base = name.rsplit(".", 1)[-1].split("[", 1)[0]
    label = label_of(base)
    return _OTHER_LABELS.get(base, base) if label == base else label
