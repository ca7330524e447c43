"""From cases to columns and from a result row to the public answer with its explanation (``steps``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from jichitai.common.wareki import fiscal_year_label
from jichitai.tax.calc.columns import CARRIED_COLUMNS, I64, OUTPUT_COLUMNS, TAXPAYER_AMOUNTS, TAXPAYER_FLAGS
from jichitai.tax.case import Case
from jichitai.tax.parameters import STANDARD_BASIS, Municipality, Parameters

# (column, rule, legal basis, always shown) in the order the law computes them.
STEPS: tuple[tuple[str, str, str, bool], ...] = (
    ("exempt_per_capita", "均等割の非課税判定", "地方税法第295条第1項・第3項, 市税条例", True),
    ("exempt_income_levy", "所得割の非課税判定", "地方税法附則第3条の3第1項・第4項", True),
    ("salary_income_gross", "給与所得 (給与所得控除後)", "地方税法第32条第2項・第313条第2項, 所得税法第28条・別表第五", False),
    ("income_adjustment", "所得金額調整控除", "地方税法附則第3条の3の2, 租税特別措置法第41条の3の3", False),
    ("pension_income", "公的年金等に係る雑所得", "地方税法第313条第2項, 所得税法第35条, 租税特別措置法第41条の15の3", False),
    ("general_income", "総所得金額", "地方税法第313条第1項", False),
    ("listed_loss_offset", "上場株式等に係る譲渡損失の損益通算 (上場株式等に係る配当所得等から控除)",
     "地方税法附則第35条の2の6 (道府県民税 第1項・市町村民税), 租税特別措置法第37条の12の2第1項", False),
    ("separate_income", "分離課税の所得の合計", "地方税法附則第33条の2, 第34条, 第35条, 第35条の2, 第35条の2の2", False),
    ("total_income", "合計所得金額", "地方税法第292条第1項第13号", True),
    ("listed_carryover_expired", "前年前3年より前の年に生じた上場株式等に係る譲渡損失 (繰越期間の3年を過ぎたため控除しません)",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項", False),
    ("listed_carryover_used",
     "上場株式等に係る譲渡損失の繰越控除 (前年前3年内の損失を古い年から: 譲渡所得等、次に配当所得等から)",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項, 同法施行令第25条の11の2第8項", False),
    ("gross_income_sum", "総所得金額等", "地方税法第313条", True),
    ("listed_loss_remaining", "翌年以後に繰り越す上場株式等に係る譲渡損失 (3年以内)",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項", False),
    ("listed_carryover_lapsed", "3年前に生じた譲渡損失のうち控除しきれなかった額 (繰越期間が終わり、翌年以後には繰り越せません)",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項", False),
    ("listed_loss_left_2y", "翌年に繰り越す譲渡損失のうち{y2}年分 (翌年が3年目で最後)",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項, 同法施行令第25条の11の2第8項", False),
    ("listed_loss_left_1y", "翌年以後に繰り越す譲渡損失のうち{y1}年分 (あと2年)",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項, 同法施行令第25条の11の2第8項", False),
    ("listed_loss_left_0y", "翌年以後に繰り越す譲渡損失のうち{y0}年分 (損益通算で控除しきれなかった額、あと3年)",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第1項・第5項", False),
    ("listed_loss_left_undated", "翌年以後に繰り越す譲渡損失のうち生じた年の分からない繰越損失の残り",
     "地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項", False),
    ("ded_social_insurance", "社会保険料控除", "地方税法第314条の2第1項第3号", False),
    ("ded_small_enterprise", "小規模企業共済等掛金控除", "地方税法第314条の2第1項第4号", False),
    ("ded_medical", "医療費控除", "地方税法第314条の2第1項第1号", False),
    ("ded_life_insurance", "生命保険料控除", "地方税法第314条の2第1項第5号", False),
    ("ded_earthquake", "地震保険料控除", "地方税法第314条の2第1項第5号の2, 附則第5条の5", False),
    ("ded_disability", "障害者控除", "地方税法第314条の2第1項第6号", False),
    ("denied_widow", "寡婦控除の要件 (女性で婚姻していない、合計所得500万円以下、離婚の場合は扶養親族あり) を満たさないため適用なし",
     "地方税法第292条第1項第11号, 所得税法第2条第1項第30号", False),
    ("denied_single_parent", "ひとり親控除の要件 (婚姻していない、総所得金額等58万円 (令和7年度まで48万円) 以下の生計を一にする子、合計所得500万円以下) を満たさないため適用なし",
     "地方税法第292条第1項第12号", False),
    ("denied_working_student", "勤労学生控除の要件 (合計所得85万円 (令和7年度まで75万円) 以下、勤労以外の所得10万円以下) を満たさないため適用なし",
     "地方税法第292条第1項第10号", False),
    ("ded_widow", "寡婦控除", "地方税法第314条の2第1項第8号", False),
    ("ded_single_parent", "ひとり親控除", "地方税法第314条の2第1項第8号の2", False),
    ("ded_working_student", "勤労学生控除", "地方税法第314条の2第1項第9号", False),
    ("ded_spouse", "配偶者控除", "地方税法第314条の2第1項第10号", False),
    ("ded_spouse_special", "配偶者特別控除", "地方税法第314条の2第1項第10号の2", False),
    ("ded_dependent", "扶養控除", "地方税法第314条の2第1項第11号", False),
    ("ded_specific_relative", "特定親族特別控除", "地方税法第314条の2第1項第11号の2", False),
    ("ded_basic", "基礎控除", "地方税法第314条の2第2項", True),
    ("ded_total", "所得控除の合計", "地方税法第314条の2", True),
    ("taxable_income", "課税総所得金額 (千円未満切捨て)", "地方税法第314条の3, 第20条の4の2第1項", True),
    ("taxable_land_short_term", "課税短期譲渡所得金額 (千円未満切捨て)", "地方税法附則第35条", False),
    ("taxable_land_long_term", "課税長期譲渡所得金額 (千円未満切捨て)", "地方税法附則第34条", False),
    ("taxable_land_long_term_qualified", "うち優良住宅地の造成等のための譲渡 (2,000万円以下 市2.4%・県1.6%, 超える部分 3%・2%)",
     "地方税法附則第34条の2", False),
    ("taxable_land_long_term_residential", "うち所有期間10年超の居住用財産の譲渡 (6,000万円以下 市2.4%・県1.6%, 超える部分 3%・2%)",
     "地方税法附則第34条の3", False),
    ("taxable_general_stock", "一般株式等に係る課税譲渡所得等の金額", "地方税法附則第35条の2", False),
    ("taxable_listed_stock", "上場株式等に係る課税譲渡所得等の金額", "地方税法附則第35条の2の2", False),
    ("taxable_listed_dividend", "上場株式等に係る課税配当所得等の金額", "地方税法附則第33条の2", False),
    ("city_levy_separate", "分離課税の所得割額 (市民税)",
     "地方税法附則第33条の2第5項, 第34条第4項, 第34条の2第5項, 第34条の3, 第35条第5項, 第35条の2第5項", False),
    ("pref_levy_separate", "分離課税の所得割額 (県民税)",
     "地方税法附則第33条の2第1項, 第34条第1項, 第34条の2第1項, 第34条の3第1項, 第35条第1項, 第35条の2第1項", False),
    ("city_levy_gross", "算出所得割額 (市民税)", "地方税法第314条の3", True),
    ("pref_levy_gross", "算出所得割額 (県民税)", "地方税法第35条", True),
    ("personal_difference", "人的控除額の差の合計", "地方税法第314条の6第1号", False),
    ("adj_city", "調整控除 (市民税)", "地方税法第314条の6", False),
    ("adj_pref", "調整控除 (県民税)", "地方税法第37条", False),
    ("div_city", "配当控除 (市民税)", "地方税法附則第5条", False),
    ("div_pref", "配当控除 (県民税)", "地方税法附則第5条", False),
    ("housing_city", "住宅借入金等特別税額控除 (市民税)", "地方税法附則第5条の4の2", False),
    ("housing_pref", "住宅借入金等特別税額控除 (県民税)", "地方税法附則第5条の4の2", False),
    ("donation_city", "寄附金税額控除 (市民税)", "地方税法第314条の7", False),
    ("donation_pref", "寄附金税額控除 (県民税)", "地方税法第37条の2", False),
    ("onestop_city", "申告特例控除 (市民税, ワンストップ特例)", "地方税法附則第7条の3", False),
    ("onestop_pref", "申告特例控除 (県民税, ワンストップ特例)", "地方税法附則第7条の2", False),
    ("limit_adj_city", "非課税限度額に係る調整による減額 (市民税: 限度額を超える額の10分の6・指定都市10分の8まで)",
     "地方税法附則第3条の3第5項", False),
    ("limit_adj_pref", "非課税限度額に係る調整による減額 (県民税: 限度額を超える額の10分の4・指定都市10分の2まで)",
     "地方税法附則第3条の3第2項", False),
    ("withheld_city", "配当割額控除・株式等譲渡所得割額控除 (市民税, 5分の3)", "地方税法第314条の9", False),
    ("withheld_pref", "配当割額控除・株式等譲渡所得割額控除 (県民税, 5分の2)", "地方税法第37条の4", False),
    ("city_income_levy", "所得割額 (市民税, 百円未満切捨て)", "地方税法第314条の3, 第20条の4の2第3項", True),
    ("pref_income_levy", "所得割額 (県民税, 百円未満切捨て)", "地方税法第35条, 第20条の4の2第3項", True),
    ("city_per_capita", "均等割額 (市民税)", "地方税法第310条, 市税条例", True),
    ("pref_per_capita", "均等割額 (県民税)", "地方税法第38条, 県税条例", True),
    ("forest_env_tax", "森林環境税", "森林環境税及び森林環境譲与税に関する法律第4条", True),
    ("total", "年税額", "地方税法第310条・第314条の3 ほか", True),
)
DEDUCTION_KEYS = {
    "ded_basic": "basic", "ded_spouse": "spouse", "ded_spouse_special": "spouse_special",
    "ded_dependent": "dependent", "ded_specific_relative": "specific_relative", "ded_disability": "disability",
    "ded_widow": "widow", "ded_single_parent": "single_parent", "ded_working_student": "working_student",
    "ded_social_insurance": "social_insurance", "ded_small_enterprise": "small_enterprise_mutual_aid",
    "ded_life_insurance": "life_insurance", "ded_earthquake": "earthquake_insurance", "ded_medical": "medical_expenses",
    "ded_total": "total",
}


CARRIED_BY_AGE = (*CARRIED_COLUMNS, "carryover_listed_loss_older")


def _carried_columns(cases: Sequence[Case]) -> dict[str, np.ndarray]:
    """``carryover.listed_stock_loss_by_year`` as columns by age: the loss of the 3rd, 2nd and 1st year before the
    income year, and the sum of those older (前年前3年内 only is brought in: 地方税法附則第35条の2の6)."""
    rows = [(i, c.fiscal_year - 1 - year, amount) for i, c in enumerate(cases) for year, amount in c.carryover_listed_by_year]
    row = np.array([r for r, _, _ in rows], I64)
    age = np.array([a for _, a, _ in rows], I64)
    amount = np.array([x for _, _, x in rows], I64)
    out = {}
    for name, pick in zip(CARRIED_BY_AGE, (age == 3, age == 2, age == 1, age > 3), strict=True):
        col = np.zeros(len(cases), I64)
        np.add.at(col, row[pick], amount[pick])
        out[name] = col
    return out


def case_tables(cases: Sequence[Case]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Parsed cases as the column tables of :func:`jichitai.tax.calc.calculate_many`."""
    tp: dict[str, np.ndarray] = {
        "birth_date": np.array([c.birth_date for c in cases], dtype="datetime64[D]"),
        "disability": np.array([c.disability for c in cases], I64),
    }
    for name in TAXPAYER_AMOUNTS:
        if name not in CARRIED_BY_AGE:
            tp[name] = np.array([getattr(c, name) for c in cases], I64)
    tp.update(_carried_columns(cases))
    for name in TAXPAYER_FLAGS:
        tp[name] = np.array([getattr(c, name) for c in cases], bool)
    rows = [(i, rel is c.spouse, rel) for i, c in enumerate(cases)
            for rel in ((c.spouse,) if c.spouse else ()) + c.dependents]
    rel = {
        "owner": np.array([i for i, _, _ in rows], I64),
        "is_spouse": np.array([s for _, s, _ in rows], bool),
        "birth_date": np.array([r.birth_date for _, _, r in rows], dtype="datetime64[D]"),
        "total_income": np.array([r.total_income for _, _, r in rows], I64),
        "disability": np.array([r.disability for _, _, r in rows], I64),
        "cohabiting": np.array([r.cohabiting for _, _, r in rows], bool),
        "lineal_ascendant": np.array([r.lineal_ascendant for _, _, r in rows], bool),
        "child": np.array([r.child for _, _, r in rows], bool),
    }
    return tp, rel


# The answer's figures (tax-case-format.md): key → output column, nested as the answer nests them.
ANSWER_LAYOUT: dict[str, Any] = {
    "salary_income": "salary_income", "income_adjustment": "income_adjustment", "pension_income": "pension_income",
    "general_income": "general_income", "separate_income": "separate_income", "total_income": "total_income",
    "income_deductions": {key: col for col, key in DEDUCTION_KEYS.items()},
    "taxable_income": "taxable_income",
    "taxable_separate": {k: f"taxable_{k}" for k in ("land_short_term", "land_long_term", "land_long_term_qualified",
                                                     "land_long_term_residential", "general_stock", "listed_stock",
                                                     "listed_dividend")},
    "listed_stock_loss": {"offset": "listed_loss_offset", "carryover_used": "listed_carryover_used",
                          "remaining": "listed_loss_remaining", "lapsed": "listed_carryover_lapsed",
                          "expired": "listed_carryover_expired",
                          "carried_forward": {"income_year": "listed_loss_left_0y", "year_before": "listed_loss_left_1y",
                                              "two_years_before": "listed_loss_left_2y",
                                              "years_not_given": "listed_loss_left_undated"}},
    "gross_income_sum": "gross_income_sum",
    "income_levy_separate": {"city": "city_levy_separate", "pref": "pref_levy_separate"},
    "tax_credits": {name: {"city": f"{prefix}_city", "pref": f"{prefix}_pref"}
                    for name, prefix in (("adjustment", "adj"), ("dividend", "div"), ("housing_loan", "housing"),
                                         ("donation", "donation"), ("onestop", "onestop"),
                                         ("withholding", "withheld"))},
    "exempt_limit_adjustment": {"city": "limit_adj_city", "pref": "limit_adj_pref"},
    "city_income_levy": "city_income_levy", "pref_income_levy": "pref_income_levy",
    "city_per_capita": "city_per_capita", "pref_per_capita": "pref_per_capita", "forest_env_tax": "forest_env_tax",
    "exempt_per_capita": "exempt_per_capita", "exempt_income_levy": "exempt_income_levy",
    "total": "total",
}


def _shown(value: Any) -> Any:
    """A municipality figure as JSON: a rate as its decimal text ("0.06"), an amount or a flag as is."""
    if isinstance(value, Fraction):
        return str(Decimal(value.numerator) / Decimal(value.denominator))
    return value


def rule_set(p: Parameters, m: Municipality) -> dict[str, Any]:
    """What every answer computed under the same law and city shares: the fixed part of the answer, the layout of
    its figures, the output columns (the order an assessment stores its figures in) and the steps (column, rule,
    legal basis, always shown) in the law's order. Plain JSON data: stored once, it explains every assessment
    made under it (:func:`render`)."""
    years = {f"y{age}": p.fiscal_year - 1 - age for age in range(3)}  # the years a loss carried forward arose in
    return {
        "header": {
            "fiscal_year": p.fiscal_year,
            "fiscal_year_label": fiscal_year_label(p.fiscal_year),
            "municipality": {"code": m.code, "name": m.name, "designated_city": m.designated_city,
                             "assumed": [{"field": f"municipality.{f}", "value": _shown(getattr(m, f)),
                                          "basis": STANDARD_BASIS[f]} for f in m.assumed]},
            "parameters_version": p.version,
        },
        "layout": ANSWER_LAYOUT,
        "columns": list(OUTPUT_COLUMNS),
        "steps": [[col, rule.format(**years), basis, always] for col, rule, basis, always in STEPS],
    }


def render(rules: dict[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """The public answer (tax-case-format.md) for one result row under ``rules`` (:func:`rule_set`): the
    figures, then the explanation — every figure that matters, in the order the law computes it."""
    def fill(node: dict[str, Any]) -> dict[str, Any]:
        return {k: fill(v) if isinstance(v, dict) else row[v] for k, v in node.items()}

    return {**rules["header"], **fill(rules["layout"]),
            "steps": [{"rule": rule, "basis": basis, "value": row[col]} for col, rule, basis, always in rules["steps"]
                      if always or row[col]]}


def answer(row: Mapping[str, Any], p: Parameters, m: Municipality) -> dict[str, Any]:
    """The public answer for one result row, computed under ``p`` and ``m``."""
    return render(rule_set(p, m), row)
