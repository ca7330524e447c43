"""What a 課税（非課税）証明書 says, from one stored assessment (its public answer and its case). Pure: no Django.

There is no national form: each city prints what its tax system prints (shikaku-kenkyujyo.com 「所得証明書・
課税証明書・非課税証明書の見方」: 「これらの証明書が法令等で定められたものではなく、統一的な様式がない」). The items
below are those the municipal certificates we found all carry:

- 下野市税務証明等取扱規程 第3条 (令和2年訓令第7号): 市県民税課税証明 — 住所、氏名、所得金額の合計、市民税（所得割額
  及び均等割額）、県民税（所得割額及び均等割額）、所得の種類ごとの所得金額及び収入金額; 非課税証明 — 住所、氏名、
  生年月日及び非課税の根拠法令; 所得証明（児童手当用） adds 所得控除の種類ごとの控除金額及び人的控除の内訳.
- a published 市県民税課税証明書 sample (expydoc 「市県民税課税証明書サンプル」) and a 愛知県 city's 課税所得証明書
  (paperzz 「課税証明書」): 課税標準額 (総合・分離), 所得の内訳 with 収入 in brackets, 所得控除の内訳, 配偶者控除
  and 扶養の内訳 (一般・特定・老人・同居老親・16歳未満) as numbers of people, 年税額, 「上記のとおり相違ないことを
  証明します。」, the date, the 市長 and the 公印.
- 神戸市 「所得・課税（非課税）証明書の交付申請」: the certificate of a 年度 proves the income of the year before
  (令和8年度 → 令和7年分), for people with an address in the city on 1月1日 of that 年度.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.common.money import format_yen
from jichitai.common.places import municipality
from jichitai.common.wareki import fiscal_year_label, legal_age_on, to_wareki_year

DEDUCTION_LABELS = (  # 所得控除 in the order of 地方税法第314条の2
    ("social_insurance", "社会保険料控除"), ("small_enterprise_mutual_aid", "小規模企業共済等掛金控除"),
    ("life_insurance", "生命保険料控除"), ("earthquake_insurance", "地震保険料控除"),
    ("medical_expenses", "医療費控除"), ("disability", "障害者控除"), ("widow", "寡婦控除"),
    ("single_parent", "ひとり親控除"), ("working_student", "勤労学生控除"), ("spouse", "配偶者控除"),
    ("spouse_special", "配偶者特別控除"), ("dependent", "扶養控除"), ("specific_relative", "特定親族特別控除"),
    ("basic", "基礎控除"),
)
SEPARATE_LABELS = (("land_short_term", "短期譲渡所得"), ("land_long_term", "長期譲渡所得"),
                   ("general_stock", "一般株式等の譲渡所得"), ("listed_stock", "上場株式等の譲渡所得"),
                   ("listed_dividend", "上場株式等の配当所得"))
# of the 課税長期譲渡所得金額, the parts at the reduced rates (附則第34条の2, 第34条の3), printed after it
REDUCED_LABELS = (("land_long_term_qualified", "うち優良住宅地等"), ("land_long_term_residential", "うち居住用財産"))
DEPENDENT_CLASSES = (("general", "一般"), ("specific", "特定"), ("elderly", "老人"), ("young", "16歳未満"))


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed about the tax (the person, numbers and issuer are added by the service)."""

    title: str
    fiscal_year: str             # 令和8年度
    income_year: str             # 令和7年分
    exempt: bool                 # 非課税証明書 (no 均等割, no 所得割)
    incomes: list[tuple[str, str, str]]       # (種類, 収入金額, 所得金額)
    total_income: str            # 合計所得金額
    deductions: list[tuple[str, str]]         # (控除, 金額), then 所得控除合計
    deduction_total: str
    taxable: list[tuple[str, str]]            # 課税標準額: (総所得 / 分離, 金額)
    spouse: str                  # 控除対象配偶者 有・無
    dependents: list[tuple[str, str]]         # (区分, 人数)
    taxes: list[tuple[str, str]]              # (税目, 金額)
    exempt_reason: str = ""
    notes: list[str] = field(default_factory=list)


def yen(amount: int) -> str:
    return format_yen(int(amount))


def dependent_counts(case: dict[str, Any], fiscal_year: int, dependent_params: dict[str, Any],
                     income_limit: int) -> dict[str, int]:
    """扶養親族 by 区分 (地方税法第292条第1項第9号, 第314条の2第1項第11号; ages on 12月31日 of the income year) and
    the 同居老親等 among the 老人 (第314条の2第3項): the numbers a certificate prints."""
    from jichitai.tax.rules.deductions import dependent_class

    year_end = dt.date(fiscal_year - 1, 12, 31)
    counts = {key: 0 for key, _ in DEPENDENT_CLASSES} | {"cohabiting_parent": 0}
    for rel in case.get("dependents") or []:
        age = legal_age_on(dt.date.fromisoformat(str(rel["birth_date"])), year_end)
        cls = dependent_class(age, int(rel.get("total_income") or 0), income_limit, dependent_params)
        if cls:
            counts[cls] += 1
            if cls == "elderly" and rel.get("cohabiting") and rel.get("relation") in ("parent", "grandparent"):
                counts["cohabiting_parent"] += 1
    return counts


def content(answer: dict[str, Any], case: dict[str, Any], counts: dict[str, int]) -> CertificateContent:
    """The certificate of an assessment whose public answer is ``answer`` (Assessment.explanation()) and inputs
    ``case`` (the public case format); ``counts`` from :func:`dependent_counts`."""
    fy = int(answer["fiscal_year"])
    income = case.get("income") or {}
    exempt = int(answer["total"]) == 0
    incomes: list[tuple[str, str, str]] = []
    salary = int(income.get("salary") or 0)
    if salary:
        net = int(answer.get("salary_income") or 0) - int(answer.get("income_adjustment") or 0)
        incomes.append(("給与", yen(salary), yen(net)))
    pension = int(income.get("public_pension") or 0)
    if pension:
        incomes.append(("雑（公的年金等）", yen(pension), yen(int(answer.get("pension_income") or 0))))
    for key, label in (("business", "営業等"), ("real_estate", "不動産"), ("dividend", "配当"),
                       ("misc_other", "雑（公的年金等以外）")):
        if int(income.get(key) or 0):
            incomes.append((label, "", yen(int(income[key]))))
    incomes += separate_incomes(answer, case)
    separate = answer.get("taxable_separate") or {}
    deductions_all = answer.get("income_deductions") or {}
    deductions = [(label, yen(int(deductions_all[key]))) for key, label in DEDUCTION_LABELS
                  if int(deductions_all.get(key) or 0)]
    taxable = [("総所得金額等", yen(int(answer["taxable_income"])))]
    taxable += [(label, yen(int(separate[key]))) for key, label in (*SEPARATE_LABELS, *REDUCED_LABELS)
                if int(separate.get(key) or 0)]
    spouse = "有" if int(deductions_all.get("spouse") or 0) or int(deductions_all.get("spouse_special") or 0) else "無"
    dependents = [(label, f"{counts.get(key, 0)}人") for key, label in DEPENDENT_CLASSES]
    dependents.insert(3, ("うち同居老親等", f"{counts.get('cohabiting_parent', 0)}人"))
    taxes = [("市民税 所得割額", yen(int(answer["city_income_levy"]))), ("市民税 均等割額", yen(int(answer["city_per_capita"]))),
             ("県民税 所得割額", yen(int(answer["pref_income_levy"]))), ("県民税 均等割額", yen(int(answer["pref_per_capita"]))),
             ("森林環境税", yen(int(answer["forest_env_tax"]))), ("年税額", yen(int(answer["total"])))]
    reason = ""
    if exempt:
        reason = ("生活保護法による生活扶助を受けていたため、均等割・所得割とも非課税（地方税法第295条第1項第1号）"
                  if (case.get("taxpayer") or {}).get("public_assistance") else
                  "前年の合計所得金額が条例で定める額以下のため、均等割・所得割とも非課税（地方税法第295条第1項・第3項）")
    elif answer.get("exempt_income_levy"):
        reason = "所得割は非課税（地方税法附則第3条の3）、均等割のみ課税"
    kind = "非課税証明書" if exempt else "課税証明書"
    return CertificateContent(
        title=f"{fiscal_year_label(fy)} 市民税・県民税 {kind}", fiscal_year=fiscal_year_label(fy),
        income_year=f"{to_wareki_year(fy - 1)}分", exempt=exempt, incomes=incomes,
        total_income=yen(int(answer["total_income"])), deductions=deductions,
        deduction_total=yen(int(deductions_all.get("total") or 0)), taxable=taxable, spouse=spouse,
        dependents=dependents, taxes=taxes, exempt_reason=reason)


def separate_incomes(answer: dict[str, Any], case: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The 分離課税の所得 among the incomes by kind (所得の種類ごとの所得金額: 下野市規程第3条): each kind declared, the
    上場株式等の配当 after the 損益通算 (what 合計所得金額 counts, 附則第35条の2の6第1項), then the 繰越控除 of
    上場株式等に係る譲渡損失 (△, what takes the 合計所得金額 to the 総所得金額等)."""
    declared = case.get("separate_income") or {}
    loss = answer.get("listed_stock_loss") or {}
    out = []
    for key, label in SEPARATE_LABELS:
        amount = int(declared.get(key) or 0)
        if key == "listed_dividend":
            amount -= int(loss.get("offset") or 0)
        if amount:
            out.append((f"分離 {label}", "", yen(amount)))
    if int(declared.get("listed_stock_loss") or 0):
        out.append(("分離 上場株式等の譲渡損失", "", f"△{yen(int(declared['listed_stock_loss']))}"))
    if int(loss.get("carryover_used") or 0):
        out.append(("上場株式等の譲渡損失の繰越控除", "", f"△{yen(int(loss['carryover_used']))}"))
    return out


def municipality_of(address: str) -> str:
    """The municipality that taxes a person living at ``address`` (the 区 of a 政令指定都市 left out: the city
    assesses; Tokyo's 特別区 assess themselves), or "" when the text names none."""
    return municipality(address)
