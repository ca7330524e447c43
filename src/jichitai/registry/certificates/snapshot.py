"""The plain data the certificates of j1000 are printed from, and the choices the requester makes.

Nothing here touches the database: :mod:`jichitai.registry.certificates.services` builds a
:class:`HouseholdSnapshot` from the registry's models, :mod:`~jichitai.registry.certificates.render` turns it
into PDF bytes. Tests build snapshots by hand.

Standard: 住民記録システム標準仕様書 第1.0版 5.1 証明書記載事項 (j1000), 5.2 世帯員の並び順 (j1010),
5.5 発行番号 (j1040), 1.3.9 認証者 (j310), 1.1.9 年月日の表示 (j90), 1.1.5 除票 (j50).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class CertificateFormat(StrEnum):
    """The two formats of 住民票の写し after standardisation (A4縦): 世帯連記式 and 個人票."""

    SETAI_RENKI = "setai_renki"
    KOJIN = "kojin"

    @property
    def label(self) -> str:
        return {"setai_renki": "世帯連記式", "kojin": "個人票"}[self.value]


class CertificateKind(StrEnum):
    """The certificates of j1000 (the value is the 交付履歴's 証明書の種類, j300)."""

    JUMINHYO = "juminhyo"                        # 住民票の写し (住基法第12条)
    JOSHUHYO = "joshuhyo"                        # 住民票の除票の写し (第15条の4)
    KISAI_JIKO = "kisai_jiko"                    # 住民票記載事項証明書 (第12条第1項)
    JOSHUHYO_KISAI_JIKO = "joshuhyo_kisai_jiko"  # 住民票除票記載事項証明書 (第15条の4第1項: 除票記載事項証明書)

    @property
    def label(self) -> str:
        return {"juminhyo": "住民票の写し", "joshuhyo": "住民票の除票の写し", "kisai_jiko": "住民票記載事項証明書",
                "joshuhyo_kisai_jiko": "住民票除票記載事項証明書"}[self.value]

    @property
    def of_removed(self) -> bool:
        """Printed from a 除票 (a record 消除: 転出, 死亡, 職権消除), never from a current 住民票."""
        return self in (CertificateKind.JOSHUHYO, CertificateKind.JOSHUHYO_KISAI_JIKO)

    @property
    def selects_items(self) -> bool:
        """A 記載事項証明書: only the items the requester chose are printed."""
        return self in (CertificateKind.KISAI_JIKO, CertificateKind.JOSHUHYO_KISAI_JIKO)


class Item(StrEnum):
    """What a 記載事項証明書 can certify (住基法第7条 and, for a 除票, 第15条の3's 除票固有の記載事項); 氏名 is
    always printed (it names whom the certificate is about)."""

    BIRTH_DATE = "birth_date"                # 出生の年月日 (第7条第2号)
    SEX = "sex"                              # 男女の別 (第3号)
    ADDRESS = "address"                      # 住所 (第7号)
    KATAGAKI = "katagaki"                    # 方書 (j1030: printed unless the request leaves it out)
    SETAINUSHI = "setainushi"                # 世帯主の氏名 (第4号)
    RELATIONSHIP = "relationship"            # 世帯主との続柄 (第4号)
    BECAME_RESIDENT = "became_resident"      # 住民となった年月日 (第6号)
    ADDRESS_SET = "address_set"              # 住所を定めた年月日 (第7号)
    NOTIFIED = "notified"                    # 届出の年月日 (第8号)
    PREVIOUS_ADDRESS = "previous_address"    # 従前の住所 (第8号)
    KYUUJI = "kyuuji"                        # 旧氏 (令第30条の13)
    FURIGANA = "furigana"                    # 氏名の振り仮名 (第7条 as amended by 令和5年法律第48号)
    HONSEKI = "honseki"                      # 戸籍の表示 (第5号)
    MY_NUMBER = "my_number"                  # 個人番号 (第8号の2)
    JUMINHYO_CODE = "juminhyo_code"          # 住民票コード (第13号)
    NATIONALITY = "nationality"              # 国籍・地域 (第30条の45)
    ZAIRYU = "zairyu"                        # 法第30条の45に規定する区分、在留資格、在留期間等、満了日
    ZAIRYU_CARD = "zairyu_card"              # 在留カード等番号
    TSUSHO = "tsusho"                        # 通称
    # a 除票's items (j50: 除票固有の記載事項 and 除票のその他の項目), each chosen on its own
    REMOVAL = "removal"                      # 消除事由 and the day the 消除 took effect (a 転出: its 転出年月日)
    PLANNED_MOVE_OUT = "planned_move_out"    # 転出予定年月日 (「事由の生じた年月日（転出の場合にあっては、転出予定年月日）」)
    DESTINATION = "destination"              # 転出先住所（予定）
    REMOVAL_NOTIFIED = "removal_notified"    # 届出の年月日 (of the 消除)
    MOVE_IN_NOTICE = "move_in_notice"        # 転入通知年月日, 転出年月日（確定）, 転出先住所（確定） (j680)

    @property
    def label(self) -> str:
        return ITEM_LABELS[self]


ITEM_LABELS: dict[Item, str] = {
    Item.BIRTH_DATE: "生年月日", Item.SEX: "性別", Item.ADDRESS: "住所", Item.KATAGAKI: "方書",
    Item.SETAINUSHI: "世帯主", Item.RELATIONSHIP: "続柄", Item.BECAME_RESIDENT: "住民となった年月日",
    Item.ADDRESS_SET: "住所を定めた年月日", Item.NOTIFIED: "届出日", Item.PREVIOUS_ADDRESS: "転入前住所",
    Item.KYUUJI: "旧氏", Item.FURIGANA: "氏名の振り仮名", Item.HONSEKI: "本籍・筆頭者", Item.MY_NUMBER: "個人番号", Item.JUMINHYO_CODE: "住民票コード",
    Item.NATIONALITY: "国籍・地域", Item.ZAIRYU: "在留資格・在留期間等", Item.ZAIRYU_CARD: "在留カード等番号",
    Item.TSUSHO: "通称", Item.REMOVAL: "消除事由・消除年月日", Item.PLANNED_MOVE_OUT: "転出予定年月日",
    Item.DESTINATION: "転出先住所（予定）", Item.REMOVAL_NOTIFIED: "消除の届出日",
    Item.MOVE_IN_NOTICE: "転入通知年月日・転出年月日（確定）・転出先住所（確定）",
}
# The items only a 除票 holds (offered, and ticked to start with, on a 住民票除票記載事項証明書 only).
REMOVAL_ITEMS: frozenset[Item] = frozenset({Item.REMOVAL, Item.PLANNED_MOVE_OUT, Item.DESTINATION,
                                            Item.REMOVAL_NOTIFIED, Item.MOVE_IN_NOTICE})
# What a counter's 記載事項証明書 form starts with ticked: the items employers usually ask for.
DEFAULT_ITEMS: frozenset[Item] = frozenset({Item.BIRTH_DATE, Item.SEX, Item.ADDRESS, Item.KATAGAKI})


class Omit(StrEnum):
    """Items the requester may have left out (j1000 省略の指定; the last four concern foreign residents)."""

    SETAINUSHI = "setainushi"          # 世帯主の氏名及び続柄
    HONSEKI = "honseki"                # 本籍・筆頭者
    JUMINHYO_CODE = "juminhyo_code"    # 住民票コード
    MY_NUMBER = "my_number"            # 個人番号
    NATIONALITY = "nationality"        # 国籍・地域
    ZAIRYU = "zairyu"                  # 法第30条の45に規定する区分、在留資格、在留期間等、満了日
    ZAIRYU_CARD = "zairyu_card"        # 在留カード等番号
    TSUSHO = "tsusho"                  # 通称

    @property
    def label(self) -> str:
        return OMIT_LABELS[self]


OMIT_LABELS: dict[Omit, str] = {
    Omit.SETAINUSHI: "世帯主・続柄",
    Omit.HONSEKI: "本籍・筆頭者",
    Omit.JUMINHYO_CODE: "住民票コード",
    Omit.MY_NUMBER: "個人番号",
    Omit.NATIONALITY: "国籍・地域",
    Omit.ZAIRYU: "在留資格・在留期間等",
    Omit.ZAIRYU_CARD: "在留カード等番号",
    Omit.TSUSHO: "通称",
}

# 住基法第12条第5項 / 第12条の3: unless specially requested the items of 第7条第5号 (本籍),
# 第8号の2 (個人番号) and 第13号 (住民票コード) are left out; 世帯主・続柄 are printed unless the requester asks otherwise.
DEFAULT_OMIT: frozenset[Omit] = frozenset({Omit.HONSEKI, Omit.JUMINHYO_CODE, Omit.MY_NUMBER})
# A third party (第三者請求, 住基法第12条の3) can never receive these.
NEVER_FOR_THIRD_PARTY: frozenset[Omit] = frozenset({Omit.HONSEKI, Omit.JUMINHYO_CODE, Omit.MY_NUMBER})
# 住基法第15条の4第3項: from a 除票 a third party receives only the 除票基礎証明事項 (第7条第1号から第3号まで及び
# 第6号から第8号まで), so neither 世帯主・続柄 (第4号) nor 本籍 (第5号), 個人番号, 住民票コード.
NEVER_FROM_JOSHUHYO_FOR_THIRD_PARTY: frozenset[Omit] = NEVER_FOR_THIRD_PARTY | {Omit.SETAINUSHI}
# 第15条の4第2項: an office (公用) receives the 除票の写し without 個人番号 (第8号の2) and 住民票コード (第13号).
NEVER_FROM_JOSHUHYO_FOR_OFFICIAL: frozenset[Omit] = frozenset({Omit.JUMINHYO_CODE, Omit.MY_NUMBER})
# A person removed by 死亡: their 個人番号 and 住民票コード are not printed (葛飾区's published rule for the 除票の写し;
# the article behind it is not in the reference, docs/standard-conformance.md 5.1).
NEVER_AFTER_DEATH: frozenset[Omit] = frozenset({Omit.JUMINHYO_CODE, Omit.MY_NUMBER})
# For a 記載事項証明書 the items not chosen are left out as the 住民票の写し's switches would leave them out.
OMIT_UNLESS: dict[Omit, frozenset[Item]] = {
    Omit.SETAINUSHI: frozenset({Item.SETAINUSHI, Item.RELATIONSHIP}), Omit.HONSEKI: frozenset({Item.HONSEKI}),
    Omit.JUMINHYO_CODE: frozenset({Item.JUMINHYO_CODE}), Omit.MY_NUMBER: frozenset({Item.MY_NUMBER}),
    Omit.NATIONALITY: frozenset({Item.NATIONALITY}), Omit.ZAIRYU: frozenset({Item.ZAIRYU}),
    Omit.ZAIRYU_CARD: frozenset({Item.ZAIRYU_CARD}), Omit.TSUSHO: frozenset({Item.TSUSHO}),
}


def omitted_without(items: frozenset[Item]) -> frozenset[Omit]:
    """The omission switches a choice of items amounts to (what a 記載事項証明書 does not print)."""
    return frozenset(o for o, wanted in OMIT_UNLESS.items() if not wanted & items)


@dataclass(frozen=True)
class Address:
    """An address as printed: 都道府県 + 市区町村 + 町字 + 番地 and the 方書 (always printed, j1030)."""

    text: str = ""
    katagaki: str = ""

    def __str__(self) -> str:
        return f"{self.text}　{self.katagaki}".strip("　") if self.katagaki else self.text


@dataclass(frozen=True)
class ForeignItems:
    """Items of a foreign resident's record (j20). Dates of this block print in 西暦 (j90)."""

    name_roman: str = ""
    nationality: str = ""
    article_30_45: str = ""        # 法第30条の45に規定する区分 (中長期在留者 …)
    status: str = ""               # 在留資格
    period: str = ""               # 在留期間等 ("3年" …)
    period_end: dt.date | None = None
    card_number: str = ""
    became_resident_on: dt.date | None = None  # 外国人住民となった年月日
    became_resident_on_text: str = ""          # its 不詳日 words (j80)


@dataclass(frozen=True)
class Removal:
    """The 除票固有の記載事項 (j50, j10): 消除事由, 事由の生じた年月日 (転出: 転出予定年月日), 転出先住所（予定）, and
    the 届出の年月日 of the 消除 (none for a 職権消除)."""

    reason: str                           # 消除事由 as printed ("国内転出", "死亡", "職権消除" …)
    removed_on: dt.date | None            # the day the 消除 took effect (a 転出: its 転出年月日)
    notified_on: dt.date | None = None
    destination: str = ""                 # 転出先住所（予定）: a 転出 only
    by_death: bool = False
    # from the 転入通知 received (j680, registry.move_in_receipts): 転入通知年月日, 転出先住所（確定）, 転出年月日（確定）
    notice_on: dt.date | None = None
    destination_confirmed: str = ""
    moved_out_confirmed: dt.date | None = None
    # a 転出's 転出予定年月日 (j50, kept by j680): the 除票の写し prints it beside the 消除年月日 when a 転入通知's
    # earlier 転入日 moved the 消除; a 除票記載事項証明書 prints it whenever it is chosen
    planned_on: dt.date | None = None
    removed_on_text: str = ""             # a 死亡's 不詳日 as the 戸籍 has it (j80); ``removed_on`` is its internal day


@dataclass(frozen=True)
class PersonEntry:
    """One person as the 住民票 shows them at the moment of issuance."""

    atena_number: str
    name: str
    kana: str
    birth_date: dt.date
    sex: str                          # "男" / "女" as printed
    relationship: str                 # 続柄 ("世帯主", "妻", "長男" …)
    became_resident_on: dt.date | None = None    # 住民となった年月日
    address_set_on: dt.date | None = None        # 住所を定めた年月日
    notified_on: dt.date | None = None           # 届出の年月日 (of the 住所を定めた change)
    previous_address: str = ""                   # 転入前住所 (with 国外)
    honseki: str = ""
    hittosha: str = ""
    my_number: str = ""
    juminhyo_code: str = ""
    old_surname: str = ""                        # 旧氏
    furigana_shi: str = ""                       # 氏の振り仮名 (住基法第7条 as amended; from the 本籍地's notice)
    furigana_mei: str = ""                       # 名の振り仮名
    tsusho: str = ""                             # 通称 (foreign residents; 旧氏 is the Japanese twin)
    foreign: ForeignItems | None = None
    birth_date_text: str = ""                    # a 不詳日 or 暦上日以外 生年月日 as the 戸籍 has it (j80)
    became_resident_on_text: str = ""            # the 不詳日 words of these dates (j80), "" for an ordinary day
    address_set_on_text: str = ""
    remarks: tuple[str, ...] = ()                # 備考 / 記事 lines
    order: int | None = None                     # a 世帯員の並び順 the office set by hand (j1010 ただし書)
    removal: Removal | None = None               # set on a 除票 (j50)

    @property
    def is_foreign(self) -> bool:
        return self.foreign is not None


HEAD_UNSET = "（世帯主未設定）"  # j100: printed for the 世帯主 of a household that has none, never another member


@dataclass(frozen=True)
class HouseholdSnapshot:
    """The household and its members as of issuance. ``members`` lists everyone in the household."""

    setai_number: str
    address: Address
    head_name: str
    members: tuple[PersonEntry, ...]
    city_name: str = "神戸市"
    prefecture: str = "兵庫県"

    def member(self, atena_number: str) -> PersonEntry:
        for p in self.members:
            if p.atena_number == atena_number:
                return p
        raise KeyError(atena_number)


@dataclass(frozen=True)
class Certifier:
    """The person in whose name the certificate is certified (j310) and the seal printed (j1050)."""

    title: str          # "神戸市長" (printed after the prefecture, j1050)
    name: str
    prefecture: str = "兵庫県"
    seal_image: str = ""  # a local file of the 電子公印; empty → 「公印省略」 is printed
    seal_omitted: bool = False  # the city chose 「公印省略」 (JICHITAI_SEAL_OMITTED); else a seal must be registered

    @property
    def full_title(self) -> str:
        return f"{self.prefecture}{self.title}"


@dataclass(frozen=True)
class IssueNumber:
    """発行番号 (j1040): 発行年月日・市区町村名・発行端末名番号・発行プリンタ番号・連番・ページ数／総ページ数
    (printer blank when the output device cannot be named: a PDF)."""

    issued_on: dt.date
    city_name: str
    terminal: str
    printer: str
    serial: int

    def text(self, page: int, pages: int) -> str:
        parts = [self.issued_on.strftime("%Y%m%d"), self.city_name, self.terminal or "", self.printer or "",
                 f"{self.serial:08d}", f"{page}/{pages}"]
        return " ".join(p for p in parts if p)

    @property
    def stored(self) -> str:
        """The 発行番号 kept in 交付履歴 (unique): date and serial."""
        return f"{self.issued_on:%Y%m%d}-{self.serial:08d}"


@dataclass(frozen=True)
class CertificateRequest:
    """What the counter asked for: which certificate, the format, which members, which items are left out (or,
    for a 記載事項証明書, which items are printed: ``items``, with ``omit`` = :func:`omitted_without` of them)."""

    format: CertificateFormat
    members: tuple[str, ...]                     # 宛名番号 of the selected members
    omit: frozenset[Omit] = DEFAULT_OMIT
    third_party: bool = False                    # 第三者請求 (住基法第12条の3)
    official_use: bool = False                   # 公用 (j1060)
    furigana: bool = False                       # print フリガナ in brackets after 氏名 (j1020, optional)
    kind: CertificateKind = CertificateKind.JUMINHYO
    items: frozenset[Item] = frozenset()         # 記載事項証明書 only

    @classmethod
    def of_items(cls, kind: CertificateKind, fmt: CertificateFormat, members: tuple[str, ...],
                 items: frozenset[Item], **choices: bool) -> CertificateRequest:
        """A 記載事項証明書: ``items`` are printed, and the omission switches say the same."""
        return cls(fmt, members, omitted_without(items), kind=kind, items=items, **choices)


@dataclass(frozen=True)
class Certificate:
    """Everything the renderer needs: the snapshot, the request, who certifies, the numbers."""

    household: HouseholdSnapshot
    request: CertificateRequest
    certifier: Certifier
    issued_on: dt.date
    issue_numbers: tuple[IssueNumber, ...]       # one per printed certificate (個人票: one per person)
    whole_household: bool = field(default=False)
