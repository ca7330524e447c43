"""The hub's built-in catalogue: the 20 standard systems, the feeds the hub offers and their data items.

Installed by a data migration and by ``jichitai hub seed`` (idempotent). Grants and credentials are the
city's decisions and are made in the admin (or by ``jichitai hub seed --demo`` for the demo city).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jichitai.hub.models import STANDARD_BUSINESSES, DataItem, Feed, Grant, System

# 宛名連携 data items: the keys of the registry's outbox payload each one covers (registry.rowwriter.payload:
# the person snapshot of registry.domain.person without 個人番号, plus previous/origin/destination/support).
# 個人番号 is not in the payload: the hub decrypts it from the registry only for grants that include it.
ATENA_ITEMS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("basic", "住民の状態・世帯・異動事由", ("status", "resident_kind", "relationship", "household_order",
                                          "became_resident_on", "became_resident_on_text", "removal_reason",
                                          "removed_on", "removed_on_text", "moved_out_on", "notified_on",
                                          "reason", "reason_label", "reason_group", "is_subject", "cancels",
                                          "head_unset"), ""),
    ("name", "氏名・フリガナ・旧氏・通称", ("name", "kana", "kyuuji", "kyuuji_kana", "tsusho", "tsusho_kana"), ""),
    # 氏名の振り仮名 (戸籍法第13条第1項第2号, 住基法第7条 as amended): an item of its own, granted apart from the
    # search フリガナ above
    ("furigana", "氏名の振り仮名", ("furigana_shi", "furigana_mei"), ""),
    # a 不詳日 or 暦上日以外 goes 「不詳」のまま beside its internal day (標準仕様書 1.1.8, j80)
    ("birth_date", "生年月日", ("birth_date", "birth_date_text"), ""),
    ("sex", "性別", ("sex",), ""),
    ("address", "住所", ("town_code", "ward_code", "banchi", "katagaki", "postcode", "address_set_on",
                         "address_set_on_text", "previous_address", "previous_municipality_code", "previous",
                         "destination_address", "destination_municipality_code"), "address"),
    ("movement", "異動の区分（市内・県内・県外・国外）", ("origin_class", "destination_class", "ward_change"), ""),
    ("honseki", "本籍・筆頭者", ("honseki", "hittosha"), ""),
    ("foreign", "外国人住民の事項", ("nationality", "foreign_resident_on", "foreign_resident_on_text", "article_30_45",
                                    "residence_status", "residence_period", "residence_until",
                                    "residence_card_number"), ""),
    ("juminhyo_code", "住民票コード", ("juminhyo_code",), ""),
    ("my_number", "個人番号", ("my_number",), "my_number"),
    ("support_measure", "支援措置の有無", ("support_measure",), ""),
    # 郵便物送付コード (標準仕様書 1.1.19, j190): not a 住民票記載事項, so its setting is no 異動; it reaches the feed
    # as an event of its own (kind ``mailing_code``, registry/mailing_codes.py) and rides on every later event
    ("mailing_code", "郵便物送付コード", ("mailing_code",), ""),
)

# Keys that mark a person under 支援措置 (DV等支援措置) in a payload.
SUPPORT_MEASURE_KEY = "support_measure"


# 業務システムID of the system that provides a feed (the first part of an OAuth scope, 共通機能標準仕様書 2.2:
# ``${提供側業務システムの業務システムID}:${リソース名}:${操作名}``): 住民記録 for the 宛名 feeds, 個人住民税 for the
# tax files it receives; the hub itself (庁内データ連携基盤) for the files it only lands in the lake.
JUKI, TAX, HUB = "juki", "kojin_juminzei", "hub"


@dataclass(frozen=True)
class FeedSpec:
    code: str
    name: str
    kind: str
    description: str
    items: tuple[tuple[str, str, tuple[str, ...], str], ...] = ()
    provider: str = HUB


FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec("atena-delta", "宛名連携（異動差分）", "events",
             "住民記録の異動を発生順に提供する差分フィード（PULL、カーソル指定）", ATENA_ITEMS, JUKI),
    FeedSpec("atena-full", "宛名連携（全件）", "events",
             "各住民の最新の状態（全件）。取得後は atena-delta を同じカーソルから続けて取得する", ATENA_ITEMS, JUKI),
    FeedSpec("atena-extract", "宛名連携ファイル（標準CSV）", "file_out",
             "宛名情報の標準レイアウトCSV（全件・差分、UTF-8 または CP932）", ATENA_ITEMS, JUKI),
    FeedSpec("salary-report", "給与支払報告書", "file_in", "地方税法第317条の6 の個人別明細書（CSV）", provider=TAX),
    FeedSpec("pension-report", "公的年金等支払報告書", "file_in", "地方税法第317条の13（CSV）", provider=TAX),
    FeedSpec("salary-earner-change", "給与所得者異動届出書", "file_in", "地方税法第321条の7（CSV）", provider=TAX),
    FeedSpec("pension-withholding-target", "年金特別徴収対象者情報", "file_in",
             "年金保険者の老齢等年金給付の年額と介護保険料の特別徴収の有無（地方税法第321条の7の2, 介護保険法第134条; CSV）",
             provider=TAX),
    FeedSpec("final-return", "確定申告書データ（国税連携）", "file_in", "地方税法第317条の3, 所得税法第120条（CSV）", provider=TAX),
    FeedSpec("donation-notice", "申告特例通知書（ふるさと納税ワンストップ特例）", "file_in", "地方税法附則第7条（CSV）", provider=TAX),
    FeedSpec("jutogai", "住登外者宛名番号管理", "common",
             "共通機能: 住登外者宛名基本情報照会と住登外者宛名番号付番（/api/jutogai/、共通機能標準仕様書 §2.3）"),
    FeedSpec("togo", "団体内統合宛名", "common",
             "共通機能: 自システムの宛名番号と団体内統合宛名番号の対応・変換（/api/togo/、共通機能標準仕様書 §2.4）"),
    FeedSpec("kokuho-shikaku", "国民健康保険 資格情報", "file_in", "国民健康保険システムの資格取得・喪失（CSV）"),
    FeedSpec("jido-teate", "児童手当 受給情報", "file_in", "児童手当システムの受給者・児童・支給期間（CSV）"),
    FeedSpec("kaigo-nintei", "介護保険 要介護認定", "file_in", "介護保険システムの要介護認定（CSV）"),
    FeedSpec("shogai-techo", "障害者手帳情報", "file_in", "障害者福祉システムの手帳の種別・等級・交付日・有効期限（CSV）"),
    FeedSpec("kokuho-zei", "国民健康保険税 納付情報", "file_in", "国民健康保険システムの世帯主ごと・年分の国保税納付額（CSV）"),
)


def add_item_key(apps: Any, key: str) -> None:
    """A data migration's step: on hubs installed before ``key`` joined an item of :data:`FEEDS`, that item's rows
    cover it too (install_defaults leaves existing items as they are)."""
    data_item = apps.get_model("hub", "DataItem")
    for spec in FEEDS:
        for code, _label, keys, _sensitivity in spec.items:
            if key not in keys:
                continue
            for item in data_item.objects.filter(feed__code=spec.code, code=code):
                if key not in item.keys:
                    item.keys = [*item.keys, key]
                    item.save(update_fields=["keys"])


def install_defaults() -> None:
    """Create the standard systems, feeds and items that are missing; leave existing rows as they are."""
    with transaction.atomic():
        for code, name in STANDARD_BUSINESSES:
            System.objects.get_or_create(code=code, defaults={"name": f"{name}システム", "kind": "standard",
                                                              "business": code})
        for spec in FEEDS:
            feed, _ = Feed.objects.get_or_create(
                code=spec.code, defaults={"name": spec.name, "kind": spec.kind, "description": spec.description})
            for code, label, keys, sensitivity in spec.items:
                DataItem.objects.get_or_create(
                    feed=feed, code=code, defaults={"label": label, "keys": list(keys), "sensitivity": sensitivity})


def install_item(apps: Any, item_code: str) -> None:
    """A data migration's step for an item added to the 宛名 feeds after hubs were installed (install_defaults leaves
    existing feeds as they are): create ``item_code`` on each installed feed that offers it, with the historical
    models of ``apps``. Granting it stays the city's decision."""
    feed_model, item_model = apps.get_model("hub", "Feed"), apps.get_model("hub", "DataItem")
    for spec in FEEDS:
        feed = feed_model.objects.filter(code=spec.code).first()
        for code, label, keys, sensitivity in spec.items:
            if feed is not None and code == item_code:
                item_model.objects.get_or_create(
                    feed=feed, code=code, defaults={"label": label, "keys": list(keys), "sensitivity": sensitivity})


def grant(system: System, feed_code: str, items: list[str] | None = None, purpose: str = "") -> Grant:
    """Grant ``feed_code`` to ``system`` with the named items (all of the feed's items when None), refusing
    個人番号 to a system outside 個人番号利用事務 (``Grant.check_items``)."""
    feed = Feed.objects.get(code=feed_code)
    chosen = list(feed.items.all()) if items is None else list(feed.items.filter(code__in=items))
    if items is None and not system.may_use_my_number:
        chosen = [i for i in chosen if i.sensitivity != "my_number"]
    with transaction.atomic():
        g, _ = Grant.objects.get_or_create(system=system, feed=feed, defaults={"purpose": purpose or feed.name})
        g.check_items(chosen)
        g.items.set(chosen)
    return g
