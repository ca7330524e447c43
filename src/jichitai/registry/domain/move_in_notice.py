"""転入通知 (住民基本台帳法第9条第1項): the notice this city, as 転入地, sends the 転出地. Pure.

第9条第1項: 「市町村長は、他の市町村から当該市町村の区域内に住所を変更した者につき住民票の記載をしたときは、遅滞なく、
その旨を当該他の市町村の市町村長に通知しなければならない。」 The standard (第1.0版) names the sending in 7.1.1.1 (j1090):
「異動処理に基づいた前住所地（未届地・最終住民登録地を含む。）への転入通知（９条１項通知）の自動送付」, and the receiving
side in 4.1.3.1.1–4.1.3.1.4 (j680: the 転出地 enters 転入通知日, 転出先住所（確定）and 転出年月日（確定）from it; j700: the
same without the CS; j710: the 転出地's 転入通知未着者一覧 of those whose notice did not come). So the notice carries what
the 転出地 needs for j680: who (氏名, 生年月日, 性別, 住民票コード), the new address (転出先住所（確定）there), the 転入年月日
(転出年月日（確定）there, j50: the 消除 on the earlier of it and the 転出予定年月日), and the former address as recorded
from the 転出証明書 (転入前住所) so the 転出地 finds its 除票.

Which 記載 give one: a 国内転入 (転入届), and a 職権記載 of a person whose former address is in another municipality
(未届転入: j1090 「未届地・最終住民登録地を含む」). A 国外転入 has no 転出地 in Japan: none.

支援措置 (DV等支援措置, 標準仕様書 3.4, j440): the law admits no exception to the notice and the 転出地 needs it to close its
除票 (j50, j680), so it is made, new address included. It says the person is a 支援対象者 in this city and asks the
転出地 to keep the 支援措置 as 前住所地 (j440: 「前住所地市区町村として支援措置が継続される」) — no 除票の写し or 附票 giving
the 転出先住所 to a third party — and the clerk's list marks it, to send with the 支援措置申出書の写し (j160:
「転送された支援措置申出書の受付年月日」: 申出書 travel between municipalities).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jichitai.common.places import municipality
from jichitai.registry.domain.reasons import Reason

TITLE = "転入通知書"
STATEMENT = ("下記の者について、貴市区町村から本市区町村の区域内に住所を変更した旨の届出等があり住民票に記載しましたので、"
             "住民基本台帳法第9条第1項の規定により通知します。")
SUPPORT_REMARK = ("この者は本市区町村において住民基本台帳事務における支援措置（DV等支援措置）の支援対象者です。"
                  "前住所地として支援措置を継続し、除票の写し等により上記の住所が第三者に知られることのないよう"
                  "取り扱ってください（住民記録システム標準仕様書 3.4）。支援措置申出書の写しを添えて送付します。")
NOTIFYING = frozenset({Reason.MOVE_IN_DOMESTIC, Reason.EX_OFFICIO_ENTRY})


def notifiable(reason: str, previous_municipality_code: str, own_codes: frozenset[str]) -> bool:
    """A 記載 that gives a 転入通知 (第9条第1項): its person came from another municipality in Japan."""
    code = previous_municipality_code[:5]
    return reason in NOTIFYING and len(code) == 5 and code.isdigit() and code not in own_codes

def municipality_name(address: str) -> str:
    """The 市区町村 an address is in, as the notice is addressed (都道府県 + 市区町村; the 区 of a 指定都市 kept: its
    区長 keeps the 住民基本台帳 there, 住民基本台帳法第38条), or "" when the text names none.

    >>> municipality_name("大阪府大阪市北区梅田1丁目")
    '大阪府大阪市北区'
    """
    return municipality(address, keep_ward=True)


@dataclass(frozen=True)
class MoveInNotice:
    """One person's 転入通知: the items the 転出地 enters from it (j680) and finds its 除票 by."""

    name: str
    birth_date: str         # printed: 和暦 for a Japanese resident, 西暦 for a foreign one (as on the 住民票)
    sex: str                # 男 / 女
    juminhyo_code: str      # "" when the record has none yet (printed as such)
    new_address: str
    moved_in_on: dt.date    # 転入年月日 (= the 転出地's 転出年月日（確定）)
    notified_on: dt.date | None
    former_address: str     # 転入前住所, from the 転出証明書
    head_name: str
    relationship: str
    supported: bool         # 支援措置の支援対象者

    @property
    def destination(self) -> str:
        """The 転出地 (the 市区町村 of the former address)."""
        return municipality_name(self.former_address)
