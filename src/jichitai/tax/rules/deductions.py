"""所得控除: the 住民税 amounts (地方税法第314条の2; 道府県民税 第34条 is the same)."""

from __future__ import annotations

from typing import Any

from jichitai.common.money import times_rate_ceil, times_rate_floor
from jichitai.tax.rules import DISABILITY_KEYS, tier_index


def basic_deduction(total_income: int, tiers: list[dict[str, Any]]) -> int:
    """基礎控除 (地方税法第314条の2第2項): 43万円 up to 合計所得 2,400万, 29万 to 2,450万, 15万 to 2,500万, then 0."""
    for t in tiers:
        if total_income <= int(t["max_income"]):
            return int(t["amount"])
    return 0


def spouse_deduction(taxpayer_income: int, spouse_income: int, spouse_age: int, limit: int,
                     p: dict[str, Any]) -> int:
    """配偶者控除 (地方税法第314条の2第1項第10号・第3項): 控除対象配偶者 (合計所得 ≤ ``limit``: 58万 from 令和8年度)
    of a taxpayer with 合計所得 ≤ 1,000万; 老人控除対象配偶者 (70歳以上) larger; tiers by the taxpayer's income."""
    if spouse_income > limit:
        return 0
    i = tier_index(taxpayer_income, p["taxpayer_tiers"])
    if i >= len(p["taxpayer_tiers"]):
        return 0
    return int((p["elderly"] if spouse_age >= int(p["elderly_age"]) else p["general"])[i])


def spouse_special_deduction(taxpayer_income: int, spouse_income: int, p: dict[str, Any]) -> int:
    """配偶者特別控除 (地方税法第314条の2第1項第10号の2・第3項の2): spouse income above the 配偶者控除 limit up to
    133万; amount by the spouse's band and the taxpayer's tier (≤900万 / 950万 / 1,000万)."""
    i = tier_index(taxpayer_income, p["taxpayer_tiers"])
    if i >= len(p["taxpayer_tiers"]):
        return 0
    for band in p["bands"]:
        if int(band["above"]) < spouse_income <= int(band["upto"]):
            return int(band["amounts"][i])
    return 0


def dependent_class(age: int, income: int, limit: int, p: dict[str, Any]) -> str:
    """扶養親族の区分 (地方税法第292条第1項第9号・第314条の2第1項第11号): "" when not a 扶養親族 (income above
    ``limit``), else "young" (16歳未満), "specific" (19–22), "elderly" (70歳以上) or "general"."""
    if income > limit:
        return ""
    if age < int(p["young_under"]):
        return "young"
    if int(p["specific_from"]) <= age < int(p["specific_until"]):
        return "specific"
    if age >= int(p["elderly_from"]):
        return "elderly"
    return "general"


def dependent_deduction(age: int, income: int, cohabiting: bool, lineal_ascendant: bool, limit: int,
                        p: dict[str, Any]) -> int:
    """扶養控除 for one relative (地方税法第314条の2第1項第11号・第3項): 一般 33万, 特定 45万, 老人 38万,
    同居老親等 (70歳以上の直系尊属で同居) 45万, 年少 0."""
    cls = dependent_class(age, income, limit, p)
    if cls == "specific":
        return int(p["specific"])
    if cls == "general":
        return int(p["general"])
    if cls == "elderly":
        return int(p["elderly_cohabiting_parent"] if cohabiting and lineal_ascendant else p["elderly"])
    return 0


def specific_relative_deduction(age: int, income: int, p: dict[str, Any] | None) -> int:
    """特定親族特別控除 (地方税法第314条の2第1項第11号の2, 令和8年度から): a relative aged 19–22 who is not a
    扶養親族 because 合計所得 is above 58万, up to 123万; amount by band (45万 … 3万)."""
    if p is None or not int(p["age_from"]) <= age < int(p["age_until"]):
        return 0
    for band in p["bands"]:
        if int(band["above"]) < income <= int(band["upto"]):
            return int(band["amount"])
    return 0


def disability_deduction(kind: int, p: dict[str, Any]) -> int:
    """障害者控除 (地方税法第314条の2第1項第6号・第4項): 障害者 26万, 特別障害者 30万, 同居特別障害者 53万."""
    return int(p["disability"][DISABILITY_KEYS[kind]]) if kind else 0


def relative_disability_kind(kind: int, cohabiting: bool, *, spouse: bool) -> int:
    """The 障害者 kind of a 扶養親族 as the law counts it: a 特別障害者 who lives with the taxpayer (or the
    spouse, or another relative of the household) is a 同居特別障害者 (地方税法第314条の2第4項), one who does not
    is not. A spouse's kind is taken as given (the case does not say whether the spouse lives with them)."""
    if spouse or kind < 2:
        return kind
    return 3 if cohabiting else 2


def widow_deduction(is_widow: bool, female: bool, has_spouse: bool, divorced: bool, has_dependent: bool,
                    is_single_parent: bool, total_income: int, p: dict[str, Any]) -> int:
    """寡婦控除 (地方税法第314条の2第1項第8号; 寡婦 = 第292条第1項第11号, 所得税法第2条第1項第30号と同じ): 26万
    for a woman not now married (no 配偶者), not a ひとり親, 合計所得 ≤ 500万, who either lost her husband (死別・
    生死不明) or divorced and has a 扶養親族 (イ)."""
    ok = (is_widow and female and not has_spouse and not is_single_parent
          and (has_dependent or not divorced) and total_income <= int(p["widow_income_limit"]))
    return int(p["widow"]) if ok else 0


def single_parent_deduction(is_single_parent: bool, has_spouse: bool, has_child: bool, total_income: int,
                            p: dict[str, Any]) -> int:
    """ひとり親控除 (地方税法第314条の2第1項第8号の2; ひとり親 = 第292条第1項第12号): 30万 for a person of
    either sex not now married (no 配偶者) with a 生計を一にする子 whose 総所得金額等 is within the 扶養親族 limit
    (58万 from 令和8年度), 合計所得 ≤ 500万."""
    ok = is_single_parent and not has_spouse and has_child and total_income <= int(p["single_parent_income_limit"])
    return int(p["single_parent"]) if ok else 0


def working_student_deduction(is_student: bool, total_income: int, non_labour_income: int, p: dict[str, Any]) -> int:
    """勤労学生控除 (地方税法第314条の2第1項第9号; 勤労学生 = 第292条第1項第10号): 26万 if 合計所得 ≤ 85万 (令和8年度;
    75万 before) and the income other than from the student's own work (給与所得等以外: 年金・配当・分離課税 …) ≤ 10万."""
    ok = (is_student and total_income <= int(p["working_student_income_limit"])
          and non_labour_income <= int(p["working_student_other_income_limit"]))
    return int(p["working_student"]) if ok else 0


def _insurance_band(paid: int, bands: list[dict[str, Any]]) -> int:
    if paid <= 0:
        return 0
    for b in bands:
        if b.get("upto") is None:
            return int(b["fixed"])
        if paid <= int(b["upto"]):
            return times_rate_ceil(paid, int(b["num"]), int(b["den"])) + int(b["add"])
    raise ValueError("insurance bands must end with a fixed amount")


def life_insurance_deduction(general_new: int, pension_new: int, medical_care_new: int, general_old: int,
                             pension_old: int, p: dict[str, Any]) -> int:
    """生命保険料控除 (地方税法第314条の2第1項第5号): per category (一般 / 個人年金 / 介護医療) the new-contract
    (上限 2.8万) and old-contract (上限 3.5万) amounts; both in one category → the larger of the old alone and
    the sum capped at 2.8万; total cap 7万. 1円未満切上げ."""
    total = 0
    for new, old in ((general_new, general_old), (pension_new, pension_old), (medical_care_new, 0)):
        n = _insurance_band(new, p["new"])
        o = _insurance_band(old, p["old"])
        if new > 0 and old > 0:
            total += max(o, min(n + o, int(p["combined_category_cap"])))
        else:
            total += n + o
    return min(total, int(p["total_cap"]))


def earthquake_insurance_deduction(earthquake: int, long_term_old: int, p: dict[str, Any]) -> int:
    """地震保険料控除 (地方税法第314条の2第1項第5号の2, 附則第5条の5): 地震保険料 ≤5万 × 1/2, above 2.5万;
    旧長期損害保険料 ≤5,000 全額, ≤15,000 × 1/2 + 2,500, above 1万; together at most 2.5万."""
    e = p["earthquake"]
    eq = (times_rate_ceil(earthquake, int(e["num"]), int(e["den"])) if earthquake <= int(e["upto"])
          else int(e["fixed_above"]))
    return min(eq + _insurance_band(long_term_old, p["long_term_old"]), int(p["total_cap"]))


def medical_deduction(paid: int, reimbursed: int, gross_income_sum: int, p: dict[str, Any]) -> int:
    """医療費控除 (地方税法第314条の2第1項第1号, 所得税法第73条): (支払 − 補填) − min(総所得金額等 × 5%, 10万),
    at most 200万."""
    threshold = min(times_rate_floor(max(gross_income_sum, 0), int(p["threshold_num"]), int(p["threshold_den"])),
                    int(p["threshold"]))
    return min(max(0, paid - reimbursed - threshold), int(p["cap"]))
