"""The published indicators: each names its mart, the table it is published as (the partition, the additive
dimensions and their hierarchies) and its definition page (formula, source tables, refresh, owner).

Disclosure control happens in :mod:`jichitai.lounge.publish` on the whole table of a period, never on a user's
filtered slice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jichitai.lounge.ages import BANDS, band_label

OWNER = "企画調整局 政策課 データ利活用担当"
DAILY = "毎日 6:00（前日分の取り込み後、全マートを再計算）"

AGE_GROUP: dict[object, object] = {b: ("0〜14歳" if b < 15 else "15〜64歳" if b < 65 else "65歳以上") for b in BANDS}


@dataclass(frozen=True)
class Dim:
    column: str
    label: str
    values: tuple[object, ...] = ()  # the full domain when known (zeros must be cells too)
    parent_column: str | None = None  # hierarchy taken from the data (町字 → 区)
    parent: dict[object, object] = field(default_factory=dict)  # fixed hierarchy (age band → age group)


@dataclass(frozen=True)
class Indicator:
    slug: str
    title: str
    mart: str
    period: str  # ref_date, year or fiscal_year
    dims: tuple[Dim, ...]
    formula: str
    sources: tuple[str, ...]
    measure: str = "n"
    measure_label: str = "人数"
    partition: str | None = None  # a column whose values are separate tables (転入 / 転出)
    partition_label: str = "区分"
    partition_values: tuple[str, ...] = ()  # the partition's values, as the mart writes them
    sums: tuple[tuple[str, str], ...] = ()  # (column, label) published with the count when it is >= k
    chart: str = "bar"
    unit: str = "人"
    refresh: str = DAILY
    owner: str = OWNER
    notes: str = ""
    detail: str = ""  # how it is computed, in analysts' terms (function names, normalisations): the 詳細 fold


WARD = Dim("ward_code", "区")
SEX = Dim("sex", "性別", ("M", "F"))
BAND = Dim("age_band", "年齢（5歳階級）", BANDS, parent=dict(AGE_GROUP))

INDICATORS: dict[str, Indicator] = {i.slug: i for i in [
    Indicator(
        "population", "人口（区・男女・5歳階級）", "population", "ref_date", (WARD, SEX, BAND),
        "基準日に住民記録上の住所がある人の数。年齢は基準日時点の満年齢（誕生日の前日に1歳加わる。年齢計算ニ関スル法律）。",
        ("lounge.resident_spells",), chart="pyramid",
        detail="年齢は生年月の初日と基準日の前日から age_at で計算（生年月日の日は仮名化で落としている）。",
        notes="5歳階級は 0〜14歳・15〜64歳・65歳以上 に集約した値とあわせて一つの表として秘匿処理する。"),
    Indicator(
        "population_town", "人口（町字別）", "population_town", "ref_date",
        (Dim("town_code", "町字", parent_column="ward_code"),),
        "基準日に住民記録上の住所がある人の数を町字ごとに数え、区・市で合計したもの。",
        ("lounge.resident_spells",), chart="table"),
    Indicator(
        "children_school_district", "子どもの数（小学校区別）", "children_by_school_district", "ref_date",
        (Dim("school_district", "小学校区"), Dim("stage", "年齢区分", ("0〜5歳", "6〜11歳", "12〜14歳"))),
        "基準日に住所がある0〜14歳の人数を小学校区と年齢区分で数えたもの（学校配置計画向け）。",
        ("lounge.resident_spells",), chart="bar",
        detail="小学校区名は NFKC 正規化（半角カナ・全角英数の表記ゆれを統一）してから集計。校区が未設定の人は「（未設定）」。"),
    Indicator(
        "households", "世帯数（世帯人員別）", "households", "ref_date",
        (WARD, Dim("size_class", "世帯人員", (1, 2, 3, 4, 5))),
        "基準日に同じ世帯番号（仮名化）で同じ区に住む人を1世帯とし、人数別に数えたもの（5は5人以上）。",
        ("lounge.resident_spells",), measure_label="世帯数", unit="世帯"),
    Indicator(
        "single_elderly", "独居高齢者世帯", "households", "ref_date", (WARD,),
        "基準日に世帯員が1人で、その人が65歳以上の世帯の数。",
        ("lounge.resident_spells",), measure="single_elderly", measure_label="世帯数", unit="世帯", chart="tiles"),
    Indicator(
        "vital_events", "出生・死亡", "vital_events", "year",
        (WARD, Dim("kind", "事由", ("birth", "death"))),
        "暦年ごとの出生届・死亡届による異動の件数。自然増減 = 出生 − 死亡（どちらかが秘匿なら秘匿）。",
        ("lounge.movements",), measure_label="件数", unit="件", chart="line"),
    Indicator(
        "migration", "転入・転出（5歳階級・移動元/先）", "migration", "year",
        (Dim("move_class", "移動元・移動先", ("県内", "県外", "国外")), Dim("age_band", "年齢（5歳階級）", BANDS)),
        "暦年ごとの市外との転入・転出の件数。年齢は異動日の満年齢。社会増減 = 転入 − 転出。",
        ("lounge.movements",), partition="direction", partition_label="転入・転出",
        partition_values=("転入", "転出"), measure_label="件数", unit="件"),
    Indicator(
        "ward_migration", "区別の転入・転出（市外・区間）", "ward_migration", "year", (WARD,),
        "暦年ごとの区別の転入・転出。区間移動の転出元は、異動日に終わった居住期間の区。純移動 = 転入計 − 転出計。",
        ("lounge.movements", "lounge.resident_spells"), partition="flow", partition_label="異動の種類",
        partition_values=("市外から転入", "他区から転入", "市外へ転出", "他区へ転出"), measure_label="件数", unit="件",
        chart="tiles"),
    Indicator(
        "child_allowance", "児童手当（支給対象児童・受給者・月額）", "child_allowance", "ref_date", (WARD,),
        "基準月に支給対象である児童の数、受給者の数、月額の合計。月額は児童数が公表できる区のみ。",
        ("lounge.child_allowance",), measure="children", measure_label="児童数",
        sums=(("amount", "月額合計（円）"),)),
    Indicator(
        "child_allowance_recipients", "児童手当 受給者数", "child_allowance", "ref_date", (WARD,),
        "基準月に児童手当を受給している人の数。", ("lounge.child_allowance",), measure="recipients",
        measure_label="受給者数"),
    Indicator(
        "ltc_certification", "要介護・要支援認定者数", "ltc_certification", "ref_date",
        (WARD, Dim("level", "要介護度", ("要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"))),
        "基準日に有効な要介護・要支援認定を持つ人の数（介護保険法第19条）。", ("lounge.ltc_certification",)),
    Indicator(
        "nhi", "国民健康保険 被保険者数・世帯数", "nhi_enrolment", "ref_date", (WARD,),
        "基準日に国民健康保険の資格がある人（被保険者）の数。世帯数は被保険者が属する世帯の数"
        "（国民健康保険法第5条・第6条）。", ("lounge.nhi_enrolment",), measure_label="被保険者数",
        sums=(("households", "世帯数"),)),
    Indicator(
        "tax_by_ward", "個人住民税 納税義務者・課税標準額・所得割", "tax_by_ward", "fiscal_year", (WARD,),
        "年度ごとに各人の最新の賦課（更正があれば更正後）で、所得割の課税がある人の数と課税標準額・所得割額"
        "（市民税+県民税）の合計。課税標準額は課税総所得金額と分離課税（土地・建物等と株式等の譲渡、"
        "上場株式等の配当等）の課税所得金額の合計。1人あたりの額は人数を公表できる区のみ。",
        ("lounge.tax_assessment",), measure_label="納税義務者数",
        detail="最新の賦課 = 賦課の version 最大の行。",
        sums=(("taxable_income", "課税標準額（円）"), ("income_levy", "所得割額（円）"))),
    Indicator(
        "declarations", "申告の処理状況（件数・自動審査率・処理日数）", "declarations", "fiscal_year",
        (Dim("channel", "受付方法", ("online", "paper")),
         Dim("outcome", "結果", ("auto_accepted", "clerk_accepted", "clerk_corrected", "returned", "pending"))),
        "年度ごとの申告件数。自動審査率 = 自動受理 ÷ 処理済み。平均処理日数 = 受付日から決定日までの日数の平均。"
        "滞留日数 = 未処理の申告の受付日から最新基準日までの日数の平均。",
        ("lounge.declarations",), measure_label="件数", unit="件",
        sums=(("decided", "処理済み件数"), ("decision_days", "処理日数合計"), ("pending_days", "滞留日数合計"))),
]}

LABELS: dict[str, dict[object, str]] = {
    "sex": {"M": "男", "F": "女"},
    "kind": {"birth": "出生", "death": "死亡"},
    "channel": {"online": "オンライン", "paper": "紙"},
    "outcome": {"auto_accepted": "自動受理", "clerk_accepted": "職員受理", "clerk_corrected": "職員補正",
                "returned": "返戻", "pending": "未処理"},
    "age_band": {b: band_label(b) for b in BANDS},
    "size_class": {1: "1人", 2: "2人", 3: "3人", 4: "4人", 5: "5人以上"},
}


def get(slug: str) -> Indicator:
    from jichitai.lounge.errors import UnknownIndicator

    try:
        return INDICATORS[slug]
    except KeyError:
        raise UnknownIndicator(slug) from None
