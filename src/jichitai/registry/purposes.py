"""The purposes for which staff may see or search by a 個人番号: a fixed list of the 個人番号利用事務 the
registry's users carry out, chosen from a list (never typed), required before a 個人番号 is shown or used as a
search term, and recorded with the access.

番号法 (行政手続における特定の個人を識別するための番号の利用等に関する法律) 第9条第1項 and its 別表 limit the
use of 個人番号 to listed 事務; 第19条 forbids providing it otherwise; 住民基本台帳法 第7条第8号の2 puts it on
the 住民票. The list names the 事務 by their law; the article numbers of each 別表 entry were not checked
against the current 別表 (re-numbered by the 令和5年 amendment) and are therefore not quoted."""

from __future__ import annotations

from jichitai.registry.domain import RegistryError

MY_NUMBER_PURPOSES: dict[str, str] = {
    "juki": "住民基本台帳に関する事務（住民基本台帳法：個人番号の記載・変更、本人確認）",
    "chiho_zei": "地方税の賦課徴収に関する事務（地方税法）",
    "kokuho": "国民健康保険に関する事務（国民健康保険法）",
    "kokumin_nenkin": "国民年金に関する事務（国民年金法）",
    "kaigo": "介護保険に関する事務（介護保険法）",
    "kouki_koureisha": "後期高齢者医療に関する事務（高齢者の医療の確保に関する法律）",
    "jido_teate": "児童手当に関する事務（児童手当法）",
    "seikatsu_hogo": "生活保護に関する事務（生活保護法）",
    "shougai_fukushi": "障害福祉サービスに関する事務（障害者総合支援法）",
    "honnin_kaiji": "本人からの開示請求への対応（個人情報の保護に関する法律）",
}
CHOICES = [("", "（利用目的を選択）"), *MY_NUMBER_PURPOSES.items()]


def purpose_of(code: str) -> tuple[str, str]:
    """(code, label) of a listed purpose; refuses anything else (a typed reason, an empty choice)."""
    label = MY_NUMBER_PURPOSES.get(code)
    if label is None:
        raise RegistryError("個人番号を利用する事務（利用目的）を一覧から選んでください。", code="purpose_required",
                            field="purpose")
    return code, label
