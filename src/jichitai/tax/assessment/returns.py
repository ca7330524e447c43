"""A 確定申告書 from 国税連携 as the tax case of the assessment (地方税法第317条の3第1項: it is the person's 住民税
申告). The 住民税 recomputes every deduction from what was paid (第二表), so the return's amounts paid, not its
所得税 deductions, enter the case; its 住宅借入金等特別控除 gives the 住民税 part (附則第5条の4の2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.tax.final_returns import AGE_WORDS, CARRIED_AGES, MAX_RELATIVES

LIFE = {"life_general_new": "general_new", "life_pension_new": "pension_new",
        "life_medical_care_new": "medical_care_new", "life_general_old": "general_old", "life_pension_old": "pension_old"}
SEPARATE = ("land_short_term", "land_long_term", "general_stock", "listed_stock", "listed_dividend")


# The note that says the taxpayer chose 普通徴収 for the other income (read by tax.collection: 第321条の3第2項 ただし書)
OTHER_INCOME_ORDINARY_NOTE = "給与・公的年金等以外の所得に係る住民税: 自分で納付 (普通徴収) を選択"

def _n(row: dict[str, Any], key: str) -> int:
    return int(row.get(key) or 0)


def case_from_final_return(fiscal_year: int, birth_date: str, sex: str,
                           row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The case of one return (as stored: ISO dates) and the notes of what it could not carry."""
    notes = [f"確定申告書 ({row.get('filed_on', '')} 提出、国税連携) により計算 (地方税法第317条の3)"]
    business, real_estate = _n(row, "business_income"), _n(row, "real_estate_income")
    if business < 0 or real_estate < 0:  # 損益通算 (所得税法第69条): 事業・不動産の損失は他の経常所得から
        net = business + real_estate
        business, real_estate = max(net, 0), 0
        if net < 0:
            notes.append(f"事業・不動産所得の損失 {-net:,}円 は給与・年金等との損益通算をしていません (職員が確認)")
    misc = max(_n(row, "misc_business_income"), 0) + _n(row, "misc_other_income")  # 雑所得の損失は通算できない
    case: dict[str, Any] = {
        "fiscal_year": fiscal_year,
        "taxpayer": {"birth_date": birth_date, "sex": "female" if sex in ("2", "F", "female") else "male",
                     "disability": row.get("disability"), "widow": bool(row.get("widow")),
                     "single_parent": bool(row.get("single_parent")),
                     "working_student": bool(row.get("working_student"))},
        "income": {"salary": _n(row, "salary_revenue"), "public_pension": _n(row, "pension_revenue"),
                   "business": business, "real_estate": real_estate, "misc_other": misc,
                   "dividend": _n(row, "dividend_income")},
        "separate_income": {k: _n(row, k) for k in (*SEPARATE, "land_long_term_qualified", "land_long_term_residential")},
        "carryover": _carryover(fiscal_year, row, notes),
        "deductions": {
            "social_insurance": _n(row, "social_insurance"),
            "small_enterprise_mutual_aid": _n(row, "small_enterprise_mutual_aid"),
            "life_insurance": {v: _n(row, k) for k, v in LIFE.items()},
            "earthquake_insurance": _n(row, "earthquake_insurance"),
            "long_term_damage_insurance_old": _n(row, "long_term_damage_insurance_old"),
            "medical_expenses": {"paid": _n(row, "medical_paid"), "reimbursed": _n(row, "medical_reimbursed")},
        },
        "donations": {"furusato": _n(row, "donation_furusato"), "other": _n(row, "donation_other")},
        "local_tax_withheld": {"dividend": _n(row, "withheld_dividend"),
                               "stock_transfer": _n(row, "withheld_stock_transfer")},
        "spouse": None,
        "dependents": [],
    }
    if row.get("spouse_name") and row.get("spouse_birth_date"):
        case["spouse"] = {"birth_date": row["spouse_birth_date"], "total_income": _n(row, "spouse_total_income"),
                          "disability": row.get("spouse_disability")}
    for n in range(1, MAX_RELATIVES + 1):
        if row.get(f"rel{n}_name") and row.get(f"rel{n}_birth_date"):
            case["dependents"].append({
                "birth_date": row[f"rel{n}_birth_date"], "total_income": _n(row, f"rel{n}_total_income"),
                "cohabiting": bool(row.get(f"rel{n}_cohabiting")), "relation": row.get(f"rel{n}_relation") or "other",
                "disability": row.get(f"rel{n}_disability")})
    if _n(row, "housing_loan_credit_available"):
        case["housing_loan_credit"] = _housing_loan(fiscal_year, row, notes)
    if row.get("other_income_collection") == "ordinary":
        notes.append(OTHER_INCOME_ORDINARY_NOTE)
    if row.get("resident_tax_method") and fiscal_year >= 2024:
        notes.append("上場株式等の住民税の課税方式の選択: 令和6年度分以後は所得税と同じ方式によるため適用していません "
                     "(令和4年度税制改正)")
    return case, notes


def _carryover(fiscal_year: int, row: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """上場株式等に係る譲渡損失 brought in: by the year it arose when the return carries the 付表's rows (本年の3年前分
    … 前年分; the engine deducts them oldest first and carries what is left by year: 附則第35条の2の6, 租税特別措置法
    第37条の12の2第5項), else the 第三表's 「差し引く繰越損失額」 as one sum within the 3 years."""
    income_year = fiscal_year - 1
    by_year = [{"year": income_year - age, "amount": _n(row, f"listed_loss_carried_{age}")} for age in CARRIED_AGES
               if _n(row, f"listed_loss_carried_{age}")]
    if not by_year:
        return {"listed_stock_loss": _n(row, "listed_stock_carryover")}
    notes.append("上場株式等の繰越損失は付表の年ごとの金額 (" + "・".join(
        f"{AGE_WORDS[income_year - e['year']]}分 {e['amount']:,}円" for e in by_year) + ") から古い年の順に控除 "
                 "(地方税法附則第35条の2の6, 租税特別措置法第37条の12の2第5項)")
    return {"listed_stock_loss_by_year": by_year}


def _housing_loan(fiscal_year: int, row: dict[str, Any], notes: list[str]) -> int:
    """住民税の住宅借入金等特別税額控除 (地方税法附則第5条の4の2) from the return: the 所得税 took
    min(可能額, 算出税額 − 配当控除); 所得税の課税総所得金額等 is the 課税される所得金額 plus the 分離課税の所得."""
    from jichitai.tax import parameters as P
    from jichitai.tax.rules.credits import resident_housing_loan_credit

    available = _n(row, "housing_loan_credit_available")
    used = min(available, max(_n(row, "income_tax_computed") - _n(row, "income_tax_dividend_credit"), 0))
    taxable = _n(row, "income_tax_taxable") + sum(_n(row, k) for k in SEPARATE)
    moved = row.get("housing_moved_in_on")
    got = resident_housing_loan_credit(available, used, taxable, dt.date.fromisoformat(moved) if moved else None,
                                       row.get("housing_loan_kind"), P.load(fiscal_year)["housing_loan"])
    notes.append(f"住宅借入金等特別控除: {got.reason}" if got.reason else
                 f"住宅借入金等特別控除: 所得税で控除しきれなかった額 {got.remaining:,}円、限度額 {got.cap:,}円 → 住民税から "
                 f"{got.amount:,}円 (地方税法附則第5条の4の2)")
    return got.amount
