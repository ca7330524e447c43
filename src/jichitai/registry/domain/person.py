"""The resident snapshot: every item of j10 (日本人住民) and j20 (外国人住民) the registry keeps for one person.

A :class:`Person` is immutable. Each 異動 produces new snapshots; the database keeps each one as a history row
(j200: 宛名番号 + 履歴番号, all items per row, household data repeated per person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

ACTIVE = "active"  # 住民状態: 住民
REMOVED = "removed"  # 住民状態: 消除 (転出, 死亡, 職権消除, 取消し(減))

JAPANESE = "japanese"  # 住民種別: 日本人住民
FOREIGN = "foreign"  # 住民種別: 外国人住民

MALE = "M"
FEMALE = "F"

HEAD = "世帯主"
SPOUSES = frozenset({"妻", "夫", "妻（未届）", "夫（未届）"})
# 続柄 (j110) accepted by the registry: relation to the 世帯主.
RELATIONSHIPS = frozenset({
    HEAD, "妻", "夫", "妻（未届）", "夫（未届）", "子", "父", "母", "孫", "兄", "姉", "弟", "妹", "祖父", "祖母",
    "子の妻", "子の夫", "妻の父", "妻の母", "夫の父", "夫の母", "兄の妻", "弟の妻", "姉の夫", "妹の夫", "おじ", "おば",
    "甥", "姪", "曾孫", "縁故者", "同居人", "妻の子", "夫の子", "養子", "養父", "養母",
    # the standard's own words (j110 ③) for a 孫・曾孫, 祖父母, おじ・おば and 甥・姪: offered on the counter's forms
    "子の子", "子の子の子", "父の父", "父の母", "母の父", "母の母", "父の兄", "父の姉", "父の弟", "父の妹",
    "母の兄", "母の姉", "母の弟", "母の妹", "兄の子", "姉の子", "弟の子", "妹の子",
})
# Any other chain of j110 ③ is accepted too (:func:`is_relationship`); RELATIONSHIPS are the words listed.
# The standard's 続柄 (j110, 1.1.11, 第1.0版 【実装すべき機能】): ① 世帯主; ② the terms below; ③ ② joined by 「の」 up to
# ４世代 (例：子の子の子の子); ④ 縁故者; ⑤ 同居人. Five or more generations are 「縁故者」 (留意点).
STANDARD_TERMS: tuple[str, ...] = (
    "夫", "妻", "夫（未届）", "妻（未届）", "子", "子（子の夫）", "子（子の妻）", "父", "母", "兄", "姉", "弟", "妹",
)
STANDARD_GENERATIONS = 4
NOT_RELATIVES = frozenset({"縁故者", "同居人"})
_TERMS_LONGEST_FIRST = tuple(sorted(STANDARD_TERMS, key=len, reverse=True))
_MALE_TERMS = frozenset({"夫", "夫（未届）", "子（子の夫）", "父", "兄", "弟"})
_FEMALE_TERMS = frozenset({"妻", "妻（未届）", "子（子の妻）", "母", "姉", "妹"})
_CHILD_TERMS = frozenset({"子", "子（子の夫）", "子（子の妻）"})
_PARENT_TERMS = frozenset({"父", "母"})


def standard_terms(relationship: str) -> tuple[str, ...] | None:
    """The ② terms a 続柄 of ③ is made of (「子の子」 → (子, 子)), or None when it is not one (more than four, or a
    word outside ②). 「子（子の夫）」 is one term although it holds a 「の」."""

    def parse(rest: str, depth: int) -> tuple[str, ...] | None:
        if depth > STANDARD_GENERATIONS:
            return None
        for term in _TERMS_LONGEST_FIRST:
            if rest == term:
                return (term,)
            if rest.startswith(term + "の"):
                tail = parse(rest[len(term) + 1:], depth + 1)
                if tail is not None:
                    return (term, *tail)
        return None

    return parse(relationship, 1) if relationship else None


def is_relationship(relationship: str) -> bool:
    """A 続柄 the registry accepts: every one of the standard's (j110) and the words kept in RELATIONSHIPS."""
    return (relationship in RELATIONSHIPS or relationship in NOT_RELATIVES
            or standard_terms(relationship) is not None)


def relationship_sex(relationship: str) -> str:
    """MALE or FEMALE when the 続柄 says it (its last term: 「父の妻」 is a woman), "" when it does not."""
    if relationship in MALE_ONLY:
        return MALE
    if relationship in FEMALE_ONLY:
        return FEMALE
    terms = standard_terms(relationship)
    last = terms[-1] if terms else ""
    return MALE if last in _MALE_TERMS else FEMALE if last in _FEMALE_TERMS else ""


def relationship_generation(relationship: str) -> int:
    """-1 when the 続柄 is of a younger generation than the 世帯主 (子, 子の子…), 1 an older one (父, 父の母…), 0
    when it does not say."""
    if relationship in YOUNGER_THAN_HEAD:
        return -1
    if relationship in OLDER_THAN_HEAD:
        return 1
    terms = standard_terms(relationship) or ()
    if terms and set(terms) <= _CHILD_TERMS:
        return -1
    if terms and set(terms) <= _PARENT_TERMS:
        return 1
    return 0


YOUNGER_THAN_HEAD = frozenset({"子", "孫", "曾孫", "子の妻", "子の夫", "養子", "妻の子", "夫の子", "甥", "姪"})
OLDER_THAN_HEAD = frozenset({"父", "母", "祖父", "祖母", "養父", "養母", "妻の父", "妻の母", "夫の父", "夫の母"})
MALE_ONLY = frozenset({"夫", "夫（未届）", "父", "祖父", "兄", "弟", "養父", "妻の父", "夫の父", "子の夫", "甥"})
FEMALE_ONLY = frozenset({"妻", "妻（未届）", "母", "祖母", "姉", "妹", "養母", "妻の母", "夫の母", "子の妻", "姪"})

# j80: the dates that may be a 不詳日 or 暦上日以外, each with the item holding its words (its day is the internal day)
WORDED_DATES: dict[str, str] = {
    "birth_date": "birth_date_text", "removed_on": "removed_on_text", "became_resident_on": "became_resident_on_text",
    "address_set_on": "address_set_on_text", "foreign_resident_on": "foreign_resident_on_text",
}

DATE_FIELDS = frozenset({
    "birth_date", "became_resident_on", "address_set_on", "notified_on", "removed_on", "residence_until",
    "foreign_resident_on", "moved_out_on",
})


@dataclass(frozen=True)
class Person:
    """One resident's record at one moment (住民票の全項目)."""

    atena_number: str  # 宛名番号 (j130)
    setai_number: str  # 世帯番号 (j130)
    status: str  # 住民状態: ACTIVE / REMOVED
    resident_kind: str  # 住民種別: JAPANESE / FOREIGN
    name: str  # 氏名 (Unicode, IVS kept)
    kana: str  # 氏名フリガナ
    birth_date: dt.date  # 生年月日
    sex: str  # 性別 M/F
    relationship: str  # 世帯主との続柄
    household_order: int = 1  # 世帯員の並び順 (j1010)
    # 生年月日 as the 戸籍 has it when it is a 不詳日 or 暦上日以外 (j80: 「令和5年頃」「令和5年2月29日」); ``birth_date``
    # then holds the internal day (common.recorded_date). "" for an ordinary day
    birth_date_text: str = ""
    kyuuji: str = ""  # 旧氏
    kyuuji_kana: str = ""
    tsusho: str = ""  # 通称 (外国人住民)
    tsusho_kana: str = ""
    # 氏名の振り仮名 (戸籍法第13条第1項第2号, 住基法第7条 as amended by 令和5年法律第48号, in force 2025-05-26):
    # the official reading the 本籍地 notifies (住基法第9条第2項), held apart from ``kana`` (our search フリガナ).
    furigana_shi: str = ""  # 氏の振り仮名
    furigana_mei: str = ""  # 名の振り仮名
    honseki: str = ""  # 本籍
    hittosha: str = ""  # 筆頭者
    became_resident_on: dt.date | None = None  # 住民となった年月日
    became_resident_on_text: str = ""  # its 不詳日 words (j80), set by a 修正; ``became_resident_on`` the internal day
    town_code: str = ""  # 住所コード (町字)
    ward_code: str = ""  # 指定都市_行政区等コード
    banchi: str = ""  # 番地
    katagaki: str = ""  # 方書
    postcode: str = ""  # 郵便番号
    address_set_on: dt.date | None = None  # 住所を定めた年月日
    address_set_on_text: str = ""  # its 不詳日 words (j80), set by a 修正
    notified_on: dt.date | None = None  # 届出の年月日
    previous_address: str = ""  # 転入前住所 (国外を含む)
    previous_municipality_code: str = ""  # 転入前住所の市区町村コード ("" for 国外)
    my_number: str = ""  # 個人番号 (plain in the domain; encrypted at rest by the service)
    juminhyo_code: str = ""  # 住民票コード
    nationality: str = ""  # 国籍・地域 (外国人住民)
    foreign_resident_on: dt.date | None = None  # 外国人住民となった年月日
    foreign_resident_on_text: str = ""  # its 不詳日 words (j80), set by a 修正
    article_30_45: str = ""  # 法第30条の45の区分 (中長期在留者, 特別永住者…)
    residence_status: str = ""  # 在留資格
    residence_period: str = ""  # 在留期間
    residence_until: dt.date | None = None  # 在留期間の満了の日
    residence_card_number: str = ""  # 在留カード等の番号
    removal_reason: str = ""  # 消除事由 (a Reason code)
    removed_on: dt.date | None = None  # 事由の生じた年月日 (転出は転出予定年月日; set on a 住民 = 転出予定)
    # a 死亡's 異動日 as the 戸籍 gives it when a 不詳日 or 暦上日以外 (j80); ``removed_on`` holds its internal day
    removed_on_text: str = ""
    destination_address: str = ""  # 転出先住所 (予定)
    destination_municipality_code: str = ""  # "" for 国外転出
    # 転出年月日 (j10 除票: 「転出年月日（転出の場合）」): the day a 転出's 消除 took effect — the 転出予定年月日, or the
    # 転入通知's 転入日 when that is earlier (j50 「いずれか早い日で消除すること」); ``removed_on`` keeps the 転出予定年月日
    # (j680: 上書きせず). None for anyone not 消除 by a 転出 (and for 除票 recorded before this item existed)
    moved_out_on: dt.date | None = None
    note: str = ""  # 備考 (統合記載欄, j140)

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    @property
    def is_head(self) -> bool:
        return self.relationship == HEAD

    @property
    def departure_pending(self) -> bool:
        """転出予定者: a 転出届 is recorded with a 転出予定日 not yet reached (``removed_on``, with the 転出先住所
        (予定) in ``destination_address``). Until that day the person is a resident (現存者, j50, j1080): counted
        in the household with their 続柄 and certified without the 転出届's items (j1000); on the day the 消除
        takes effect (:class:`~jichitai.registry.domain.commands.CompleteMoveOut`)."""
        return self.status == ACTIVE and self.removed_on is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready snapshot (dates ISO), the items in field order."""
        items = self.__dict__  # the fields, set by __init__ (or copied by replace/from_fields)
        out = {name: items[name] for name in PERSON_FIELDS}  # every item is a str, int or date
        for key in DATE_FIELDS:
            if out[key] is not None:
                out[key] = out[key].isoformat()
        return out

    def fields_dict(self) -> dict[str, Any]:
        """Every item as it is (dates as dates), a new dict."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for key in DATE_FIELDS:
            raw = values.get(key)
            if isinstance(raw, str):
                values[key] = dt.date.fromisoformat(raw) if raw else None
        return cls(**values)


PERSON_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Person))
_FIELD_SET = frozenset(PERSON_FIELDS)


# A Person has no __post_init__ and no computed fields: a snapshot is its items. The registry makes millions of
# them in a bulk run (a batch reads each household member and lays each change over it), so these two build one
# by filling its __dict__ instead of running the generated __init__ with its 41 frozen setattr calls.
def replace(person: Person, /, **changes: Any) -> Person:
    """``dataclasses.replace`` for a Person: its items with ``changes`` laid over them (names checked)."""
    if not changes.keys() <= _FIELD_SET:
        raise TypeError(f"Person has no item {sorted(changes.keys() - _FIELD_SET)}")
    out = object.__new__(Person)
    items = out.__dict__
    items.update(person.__dict__)
    items.update(changes)
    return out


def from_fields(items: dict[str, Any]) -> Person:
    """A Person from every one of its items by name (as stored: ``Person(**items)`` without the __init__)."""
    if items.keys() != _FIELD_SET:
        raise TypeError(f"Person items missing or unknown: {sorted(items.keys() ^ _FIELD_SET)}")
    out = object.__new__(Person)
    out.__dict__.update(items)
    return out

# Items a correction (職権修正, 軽微な修正, 誤記修正) may change. Numbers, household membership, status and
# address have their own 異動.
CORRECTABLE = frozenset({
    "name", "kana", "birth_date", "birth_date_text", "sex", "relationship", "honseki", "hittosha", "became_resident_on",
    "became_resident_on_text", "address_set_on_text", "foreign_resident_on_text",
    "banchi", "katagaki", "postcode", "address_set_on", "notified_on", "previous_address",
    "previous_municipality_code", "nationality", "foreign_resident_on", "article_30_45", "residence_status",
    "residence_period", "residence_until", "residence_card_number", "note", "kyuuji_kana", "tsusho_kana",
})
# 軽微な修正 (j850): items that do not change what the 住民票 says about identity.
MINOR = frozenset({"kana", "katagaki", "postcode", "note", "kyuuji_kana", "tsusho_kana"})
