"""The plain data a 住民票の写し is printed from, and the choices the requester makes.

Nothing here touches the database: :mod:`jichitai.registry.certificates.services` builds a
:class:`HouseholdSnapshot` from the registry's models, :mod:`~jichitai.registry.certificates.render` turns it
into PDF bytes. Tests build snapshots by hand.

Standard: 住民記録システム標準仕様書 第1.0版 5.1 証明書記載事項 (j1000), 5.2 世帯員の並び順 (j1010),
5.5 発行番号 (j1040), 1.3.9 認証者 (j310), 1.1.9 年月日の表示 (j90).
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
    tsusho: str = ""                             # 通称 (foreign residents; 旧氏 is the Japanese twin)
    foreign: ForeignItems | None = None
    remarks: tuple[str, ...] = ()                # 備考 / 記事 lines
    order: int | None = None                     # a 世帯員の並び順 the office set by hand (j1010 ただし書)

    @property
    def is_foreign(self) -> bool:
        return self.foreign is not None


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
    """What the counter asked for: the format, which members, which items are left out."""

    format: CertificateFormat
    members: tuple[str, ...]                     # 宛名番号 of the selected members
    omit: frozenset[Omit] = DEFAULT_OMIT
    third_party: bool = False                    # 第三者請求 (住基法第12条の3)
    official_use: bool = False                   # 公用 (j1060)
    furigana: bool = False                       # print フリガナ in brackets after 氏名 (j1020, optional)


@dataclass(frozen=True)
class Certificate:
    """Everything the renderer needs: the snapshot, the request, who certifies, the numbers."""

    household: HouseholdSnapshot
    request: CertificateRequest
    certifier: Certifier
    issued_on: dt.date
    issue_numbers: tuple[IssueNumber, ...]       # one per printed certificate (個人票: one per person)
    whole_household: bool = field(default=False)
