"""所得税の確定申告書 data received through 国税連携 (eLTAX: the 国税庁 sends the 申告書 第一表・第二表・第三表 and
their attachments' data to the taxpayer's city of residence on 1月1日; 地方税法第317条の3第1項: a 確定申告書 filed
is a 住民税 申告). Our CSV layout takes the items of those tables that the 個人住民税 uses, one row per return,
named as on the form (docs/tax-inputs.md lists them with the table each comes from).

Pure Python: the layout, read like the reports (:mod:`jichitai.tax.reports`: whole file or nothing).
"""

from __future__ import annotations

from typing import Any

from jichitai.tax.reports import (
    _RECIPIENT,
    DISABILITY,
    FLAG,
    Column,
    Layout,
    _choice,
    _date,
    _housing_loan_kind,
    _my_number,
    _text,
    _year,
    _yen,
)

RETURN_KINDS = {"確定": "final", "期限後": "late", "修正": "amended"}
RELATIONS = {"子": "child", "父": "parent", "母": "parent", "祖父": "grandparent", "祖母": "grandparent", "その他": "other"}
# 住民税に関する事項: 給与・公的年金等以外の所得に係る住民税の徴収方法
OTHER_INCOME_COLLECTION = {"": None, "特別徴収": "special", "自分で納付": "ordinary"}
# 上場株式等の配当等・譲渡所得等に係る住民税の課税方式 (令和5年度分まで選べた; 令和6年度分から所得税と一致)
RESIDENT_TAX_METHOD = {"": None, "総合課税": "aggregate", "申告分離課税": "separate", "申告不要": "not_declared"}
MAX_RELATIVES = 4
CARRIED_AGES = (3, 2, 1)  # the 付表's rows, oldest first: the loss of the 3rd, 2nd and 1st year before the 年分
AGE_WORDS = {3: "3年前", 2: "2年前", 1: "前年"}


def _signed(required: bool = False) -> Any:
    """An amount that may be a loss (事業・不動産所得), written with a leading minus."""
    def parse(raw: str) -> int:
        value = raw.strip().replace(",", "")
        if not value:
            if required:
                raise ValueError("必須項目が空です")
            return 0
        digits = value[1:] if value.startswith(("-", "△", "▲")) else value
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError(f"整数（円）で記入してください（損失は先頭に -）: {raw!r}")
        return -int(digits) if digits != value else int(digits)
    return parse


def _relative_columns(n: int) -> list[Column]:
    p = f"扶養親族{n}"
    return [
        Column(f"{p}氏名", f"rel{n}_name", _text(required=False, max_len=100)),
        Column(f"{p}個人番号", f"rel{n}_my_number", _my_number(required=False)),
        Column(f"{p}続柄", f"rel{n}_relation", _choice({"": None, **RELATIONS}, required=False)),
        Column(f"{p}生年月日", f"rel{n}_birth_date", _date(required=False)),
        Column(f"{p}所得", f"rel{n}_total_income", _yen(required=False)),
        Column(f"{p}同居", f"rel{n}_cohabiting", _choice(FLAG, required=False)),
        Column(f"{p}障害者", f"rel{n}_disability", _choice(DISABILITY, required=False)),
    ]


def _return_checks(row: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if row["medical_reimbursed"] > row["medical_paid"]:
        out.append(("保険金などで補填される金額", "支払った医療費を超えています"))
    if row["widow"] and row["single_parent"]:
        out.append(("寡婦", "寡婦とひとり親は同時に該当しません"))
    for n in range(1, MAX_RELATIVES + 1):
        if row.get(f"rel{n}_name") and not row.get(f"rel{n}_birth_date"):
            out.append((f"扶養親族{n}生年月日", "氏名があるのに生年月日が空です"))
    if row["spouse_name"] and not row["spouse_birth_date"]:
        out.append(("配偶者生年月日", "氏名があるのに生年月日が空です"))
    carried = sum(row.get(f"listed_loss_carried_{age}") or 0 for age in CARRIED_AGES)
    if carried and (row.get("listed_stock_carryover") or 0) > carried:
        out.append(("上場株式等から差し引く繰越損失額", f"付表の繰り越された損失の合計 ({carried:,}円) を超えています"))
    return out


FINAL_RETURN = Layout(
    name="final_return",
    title="所得税及び復興特別所得税の確定申告書（国税連携）",
    legal_basis="地方税法第317条の3第1項, 所得税法第120条",
    columns=tuple(
        [Column("年分", "income_year", _year),
         Column("申告の種類", "return_kind", _choice(RETURN_KINDS)),
         Column("提出年月日", "filed_on", _date())]
        + _RECIPIENT[3:]
        + [
            # 第一表 収入金額等
            Column("事業（営業等）収入", "business_revenue", _yen(required=False)),
            Column("不動産収入", "real_estate_revenue", _yen(required=False)),
            Column("配当収入", "dividend_revenue", _yen(required=False)),
            Column("給与収入", "salary_revenue", _yen(required=False)),
            Column("公的年金等収入", "pension_revenue", _yen(required=False)),
            Column("雑（業務）収入", "misc_business_revenue", _yen(required=False)),
            Column("雑（その他）収入", "misc_other_revenue", _yen(required=False)),
            # 第一表 所得金額等
            Column("事業（営業等）所得", "business_income", _signed()),
            Column("不動産所得", "real_estate_income", _signed()),
            Column("配当所得", "dividend_income", _yen(required=False)),
            Column("雑（業務）所得", "misc_business_income", _signed()),
            Column("雑（その他）所得", "misc_other_income", _yen(required=False)),
            # 第三表 分離課税 (所得金額: 特別控除後)
            Column("短期譲渡所得", "land_short_term", _yen(required=False)),
            Column("長期譲渡所得", "land_long_term", _yen(required=False)),
            Column("一般株式等の譲渡所得等", "general_stock", _yen(required=False)),
            Column("上場株式等の譲渡所得等", "listed_stock", _yen(required=False)),
            Column("上場株式等の配当所得等", "listed_dividend", _yen(required=False)),
            # 第三表: the parts of the 長期譲渡所得 at reduced rates (特定 = 優良住宅地の造成等, 軽課 = 居住用財産; 地方税法附則
            # 第34条の2・第34条の3) and 「本年分の上場株式等から差し引く繰越損失額」 (附則第35条の2の6); the 上場株式等の
            # 配当所得等 above is after the year's 損益通算 (付表), before that 繰越控除. Optional: added after the first layout.
            Column("長期譲渡所得のうち特定分", "land_long_term_qualified", _yen(required=False), optional=True),
            Column("長期譲渡所得のうち軽課分", "land_long_term_residential", _yen(required=False), optional=True),
            Column("上場株式等から差し引く繰越損失額", "listed_stock_carryover", _yen(required=False), optional=True),
            # 付表（上場株式等に係る譲渡損失の損益通算及び繰越控除用）3: 前年から繰り越された上場株式等に係る譲渡損失の
            # 金額 by the year it arose — 本年の3年前分・2年前分・前年分 (租税特別措置法第37条の12の2第5項: 翌年以後3年内);
            # the 住民税 deducts them itself, the oldest first (附則第35条の2の6). Optional: added after the first layout.
            *(Column(f"繰り越された上場株式等の譲渡損失（本年の{AGE_WORDS[age]}分）", f"listed_loss_carried_{age}",
                     _yen(required=False), optional=True) for age in CARRIED_AGES),
            # 第二表 所得から差し引かれる金額に関する事項 (支払額: 住民税は支払額から計算する)
            Column("社会保険料", "social_insurance", _yen(required=False)),
            Column("小規模企業共済等掛金", "small_enterprise_mutual_aid", _yen(required=False)),
            Column("新生命保険料", "life_general_new", _yen(required=False)),
            Column("旧生命保険料", "life_general_old", _yen(required=False)),
            Column("新個人年金保険料", "life_pension_new", _yen(required=False)),
            Column("旧個人年金保険料", "life_pension_old", _yen(required=False)),
            Column("介護医療保険料", "life_medical_care_new", _yen(required=False)),
            Column("地震保険料", "earthquake_insurance", _yen(required=False)),
            Column("旧長期損害保険料", "long_term_damage_insurance_old", _yen(required=False)),
            Column("支払った医療費", "medical_paid", _yen(required=False)),
            Column("保険金などで補填される金額", "medical_reimbursed", _yen(required=False)),
            # 第二表 本人・配偶者・親族
            Column("本人障害者", "disability", _choice(DISABILITY, required=False)),
            Column("寡婦", "widow", _choice(FLAG, required=False)),
            Column("ひとり親", "single_parent", _choice(FLAG, required=False)),
            Column("勤労学生", "working_student", _choice(FLAG, required=False)),
            Column("配偶者氏名", "spouse_name", _text(required=False, max_len=100)),
            Column("配偶者個人番号", "spouse_my_number", _my_number(required=False)),
            Column("配偶者生年月日", "spouse_birth_date", _date(required=False)),
            Column("配偶者の合計所得", "spouse_total_income", _yen(required=False)),
            Column("配偶者障害者", "spouse_disability", _choice(DISABILITY, required=False)),
        ]
        + [c for n in range(1, MAX_RELATIVES + 1) for c in _relative_columns(n)]
        + [
            # 第一表 税金の計算 (住宅借入金等特別控除の住民税分に要る所得税の額)
            Column("課税される所得金額", "income_tax_taxable", _yen(required=False)),
            Column("課税される所得金額に対する税額", "income_tax_computed", _yen(required=False)),
            Column("配当控除", "income_tax_dividend_credit", _yen(required=False)),
            Column("住宅借入金等特別控除", "housing_loan_credit_available", _yen(required=False)),
            Column("居住開始年月日", "housing_moved_in_on", _date(required=False)),
            Column("住宅借入金等特別控除区分", "housing_loan_kind", _housing_loan_kind),
            # 第二表 住民税に関する事項
            Column("都道府県・市区町村への寄附", "donation_furusato", _yen(required=False)),
            Column("条例指定寄附", "donation_other", _yen(required=False)),
            Column("配当割額控除額", "withheld_dividend", _yen(required=False)),
            Column("株式等譲渡所得割額控除額", "withheld_stock_transfer", _yen(required=False)),
            Column("給与・公的年金等以外の所得に係る住民税の徴収方法", "other_income_collection",
                   _choice(OTHER_INCOME_COLLECTION)),
            Column("上場株式等の住民税の課税方式", "resident_tax_method", _choice(RESIDENT_TAX_METHOD), optional=True),
        ]
    ),
    row_checks=(_return_checks,),
    words={"return_kind": {v: k for k, v in RETURN_KINDS.items()},
           "other_income_collection": {v: k for k, v in OTHER_INCOME_COLLECTION.items()},
           "resident_tax_method": {v: k for k, v in RESIDENT_TAX_METHOD.items()},
           **{f"rel{n}_relation": {None: "", "child": "子", "parent": "父", "grandparent": "祖父", "other": "その他"}
              for n in range(1, MAX_RELATIVES + 1)},
           **{f"rel{n}_disability": {None: "", "general": "一般", "special": "特別", "special_cohabiting": "同居特別"}
              for n in range(1, MAX_RELATIVES + 1)}},
)
