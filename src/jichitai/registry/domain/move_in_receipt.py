"""転入通知の受理 (標準仕様書 4.1.3.1.1 j680, 4.1.3.1.3 j700) and the 転入通知未着者一覧 (4.1.3.1.4 j710): this city as
転出地, receiving the notice another city sends under 住民基本台帳法第9条第1項. Pure.

j680: 「既に行った転出処理について、転入通知を受理した場合、転出予定年月日が到来しているかどうかにかかわらず、除票固有の記載
事項として転入通知日、転出先住所（確定）及び転出年月日（確定）を入力できること。その際、転出処理において入力した転出先住所
（予定）及び異動日（すなわち転出予定年月日）は上書きせず、新たに入力した情報とともに保持すること。また、実態調査等により
住民票を職権で消除した者について、転入通知を受理した場合の入力ができること。」 j700: the same without the CS (a paper
notice). j710: 「国内転出で消除したが、転入地市区町村からの転入通知がない場合、…転入通知未着者一覧を作成できること。
（職権消除した場合についても、転入通知未着者一覧を作成できること。）」
"""

from __future__ import annotations

import datetime as dt

from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.reasons import Reason

RECEIVING = frozenset({Reason.MOVE_OUT_DOMESTIC.value, Reason.EX_OFFICIO_REMOVAL.value})


def receivable(status: str, removal_reason: str, removed_on: dt.date | None, destination_code: str) -> bool:
    """A person a 転入通知 can be received for (j680): a 除票 of a 国内転出 or a 職権消除, or a 転出予定者 (a 国内転出 whose
    転出予定年月日 has not come: 「転出予定年月日が到来しているかどうかにかかわらず」)."""
    if status == "removed":
        return removal_reason in RECEIVING
    return status == "active" and removed_on is not None and bool(destination_code)


def check_receipt(*, notified_on: dt.date, moved_out_on: dt.date, destination_address: str, today: dt.date) -> None:
    """The three items j680 has entered: a 転入通知日 not in the future, a 転出年月日（確定） (the 転入地's 転入年月日) not
    after the notice, a 転出先住所（確定）."""
    if notified_on > today:
        raise RegistryError("転入通知日に未来の日付は入力できません。", code="future_date", field="notified_on")
    if moved_out_on > notified_on:
        raise RegistryError("転出年月日（確定）は転入通知日より後の日付にはできません（転入通知は転入の後に届きます）。",
                            code="moved_after_notice", field="moved_out_on")
    if not destination_address.strip():
        raise RegistryError("転出先住所（確定）を入力してください（転入通知に記載の住所）。", code="address_required",
                            field="destination_address")
