
"""Deductions within their caps, amounts that make sense, and the attachments the law requires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jichitai.declarations.domain.facts import Facts
from jichitai.declarations.domain.limits import limits_for
from jichitai.declarations.domain.model import Declaration
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule


def _amounts(d: Declaration) -> Iterator[tuple[str, Any]]:
    for k, v in d.income.items():
        yield f"income.{k}", v
    ded = d.deductions
    for k in (
        "social_insurance",
        "small_enterprise_mutual_aid",
        "earthquake_insurance",
        "long_term_damage_insurance_old",
    ):
        yield f"deductions.{k}", ded.get(k) or 0
    for k, v in (ded.get("life_insurance") or {}).items():
        yield f"deductions.life_insurance.{k}", v or 0
    paid, reimbursed = d.medical
    yield "deductions.medical_expenses.paid", paid
    yield "deductions.medical_expenses.reimbursed", reimbursed
    for k, v in d.donations.items():
        yield f"donations.{k}", v
    yield "housing_loan_credit", d.case.get("housing_loan_credit") or 0
    for k, v in d.dividends.items():
        yield f"dividends.{k}", v


ITEM_LABELS = {
    "income.salary": "給与収入",
    "income.public_pension": "公的年金等収入",
    "income.business": "事業所得",
    "income.misc_other": "その他の所得",
    "deductions.social_insurance": "社会保険料",
    "deductions.small_enterprise_mutual_aid": "小規模企業共済等掛金",
    "deductions.earthquake_insurance": "地震保険料",
    "deductions.long_term_damage_insurance_old": "旧長期損害保険料",
    "deductions.medical_expenses.paid": "支払医療費",
    "deductions.medical_expenses.reimbursed": "保険金などで補填される金額",
    "donations.furusato": "ふるさと納税",
    "donations.other": "その他の寄附金",
    "housing_loan_credit": "住宅借入金等特別税額控除",
    "dividends.aggregate": "配当所得（総合課税）",
    "dividends.listed_separate": "上場株式等の配当等（申告分離課税）",
    "dividends.withheld": "配当割額",
}


@rule(
    "DE01",
    "金額の入力",
    Severity.RETURN,
    "地方税法第317条の2第1項（申告事項）",
    "「{item}」に負の金額（{amount}円）が入力されています。0円以上で入力してください。",
    "{item} が負の値 {amount}円。",
)
def amounts_not_negative(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    for key, value in _amounts(d):
        if int(value) < 0:
            yield r.finding(item=ITEM_LABELS.get(key, key), amount=int(value))


@rule(
    "DE02",
    "医療費控除の補填額",
    Severity.RETURN,
    "地方税法第314条の2第1項第1号（保険金、損害賠償金等により補填される部分の金額を除く）",
    "保険金などで補填される金額（{reimbursed}円）が支払った医療費（{paid}円）を超えています。金額をご確認ください。",
    "医療費 支払 {paid}円 < 補填 {reimbursed}円。",
)
def medical_reimbursement(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    paid, reimbursed = d.medical
    if reimbursed > paid:
        yield r.finding(paid=paid, reimbursed=reimbursed)


def _gross(d: Declaration) -> int:
    return sum(max(v, 0) for v in d.income.values())


@rule(
    "DE03",
    "控除の限度額",
    Severity.CLERK,
    "地方税法第314条の2第1項第1号（医療費控除 200万円）・第4号（小規模企業共済等掛金控除）・第5号（生命保険料控除 7万円）・"
    "第5号の2（地震保険料控除 2万5千円）、附則第5条の4の2（住宅借入金等特別税額控除）",
    "{item}の金額（{amount}円）が控除の限度（{cap}円）を超えています。職員が確認します。",
    "{item} {amount}円 が限度 {cap}円 超。証明書類と計算を確認。",
)
def deductions_within_caps(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    lim = limits_for(d.fiscal_year)
    paid, reimbursed = d.medical
    # The deduction before the cap: 支払額 − 補填額 − min(総所得金額等×5%, 10万円); 総所得金額等 ≤ gross.
    medical = paid - reimbursed - min(_gross(d) * 5 // 100, 100_000)
    if medical > lim.medical_deduction_cap:
        yield r.finding(item="医療費控除", amount=medical, cap=lim.medical_deduction_cap)
    mutual = int(d.deductions.get("small_enterprise_mutual_aid") or 0)
    if mutual > lim.mutual_aid_plausible:
        yield r.finding(item="小規模企業共済等掛金", amount=mutual, cap=lim.mutual_aid_plausible)
    # The deductions the resident computed from the premiums: the engine recomputes them (so the tax is right),
    # but a written figure over its legal cap means the resident misapplied the table, and a person checks it.
    life = d.declared_life_insurance_deduction
    if life is not None and life > lim.life_insurance_deduction_cap:
        yield r.finding(item="生命保険料控除", amount=life, cap=lim.life_insurance_deduction_cap)
    quake = d.declared_earthquake_insurance_deduction
    if quake is not None and quake > lim.earthquake_insurance_deduction_cap:
        yield r.finding(item="地震保険料控除", amount=quake, cap=lim.earthquake_insurance_deduction_cap)
    housing = int(d.case.get("housing_loan_credit") or 0)
    if housing > lim.housing_loan_credit_cap:
        yield r.finding(item="住宅借入金等特別税額控除", amount=housing, cap=lim.housing_loan_credit_cap)


@rule(
    "DE04",
    "社会保険料の妥当性",
    Severity.CLERK,
    "地方税法第314条の2第1項第3号（社会保険料控除: 支払った金額）",
    "社会保険料の金額（{amount}円）が収入に比べて大きいため、職員が確認します。",
    "社会保険料 {amount}円 が収入合計 {gross}円 の30%かつ100万円を超える。家族分の国保税等か確認。",
)
def social_insurance_plausible(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    amount = int(d.deductions.get("social_insurance") or 0)
    gross = _gross(d)
    if amount > 1_000_000 and amount * 10 > gross * 3:
        yield r.finding(amount=amount, gross=gross)


@rule(
    "DE05",
    "医療費控除の明細書",
    Severity.RETURN,
    "地方税法第317条の2第1項・第4項、地方税法施行規則（医療費控除の明細書の添付）、所得税法第120条第4項",
    "医療費控除を受けるには「医療費控除の明細書」（または医療費通知）の添付が必要です。書類を添付して提出し直してください。",
    "医療費 {paid}円 の申告に明細書の添付なし。",
)
def medical_detail_attached(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    paid, _ = d.medical
    if paid > 0 and not d.has_attachment("medical_detail"):
        yield r.finding(paid=paid)


@rule(
    "DE06",
    "寄附金の受領証明書",
    Severity.RETURN,
    "地方税法第314条の7第1項、第317条の2第1項（寄附金税額控除: 受領を証する書類の添付）、地方税法施行規則",
    "寄附金税額控除を受けるには、寄附先が発行した「受領証明書」の添付が必要です。書類を添付して提出し直してください。",
    "寄附金 {amount}円 の申告に受領証明書の添付なし。",
)
def donation_receipt_attached(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    amount = sum(d.donations.values())
    if amount > 0 and not d.has_attachment("donation_receipt"):
        yield r.finding(amount=amount)


SOCIAL_INSURANCE_TOLERANCE = 1_000
NATIONAL_PENSION_YEAR = 210_120  # 国民年金保険料 令和7年度 17,510円 × 12月 (国民年金法第87条第3項, 告示額)


@rule(
    "DE07",
    "社会保険料と市の把握額",
    Severity.CLERK,
    "地方税法第314条の2第1項第3号（社会保険料控除: その年に支払った金額）、所得税法第74条・第120条第3項第1号と"
    "同法施行令第262条第1項（国民年金保険料等は控除証明書の添付）、地方税法第317条の2第1項",
    "社会保険料（{declared}円）が、市で把握している金額（{known}円: {sources}）を{excess}円上回っています。"
    "{action}",
    "社会保険料 申告 {declared}円 / 市の把握 {known}円（{sources}）、差 {excess}円。{check}",
)
def social_insurance_known(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """What the city knows the filer paid: the 社会保険料 on the reports received (給与から差し引かれた健康保険・
    厚生年金・雇用保険, 年金から差し引かれた介護保険料等) and the 国民健康保険税 it collected from the filer (the
    国保 system's feed). More than that needs evidence: 国民年金 (and 国民年金基金) needs the 控除証明書 the law
    requires — with it, up to one year's premium for the filer and a declared spouse is accepted; anything else
    (a family member's 国保税 paid elsewhere, 任意継続) goes to a clerk."""
    declared = int(d.deductions.get("social_insurance") or 0)
    if f.reported_social_insurance is None and f.kokuho_tax_paid is None:
        known, sources = 0, "給与・年金の支払報告書、国民健康保険税の記録なし"
    else:
        parts = []
        if f.reported_social_insurance is not None:
            parts.append(f"支払報告書 {f.reported_social_insurance:,}円")
        if f.kokuho_tax_paid is not None:
            parts.append(f"国民健康保険税 {f.kokuho_tax_paid:,}円")
        known, sources = (f.reported_social_insurance or 0) + (f.kokuho_tax_paid or 0), "、".join(parts)
    excess = declared - known
    if excess <= SOCIAL_INSURANCE_TOLERANCE:
        return
    pension_cap = NATIONAL_PENSION_YEAR * (2 if d.spouse is not None else 1)
    certificate = d.has_attachment("insurance_certificate")
    if certificate and excess <= pension_cap:
        return  # 国民年金保険料: the 控除証明書 the law requires is attached (its amount: item 3, reading)
    yield r.finding(
        declared=declared, known=known, sources=sources, excess=excess,
        action="職員が確認します。国民年金保険料の控除証明書や、ほかに支払った保険料の領収書があれば添付してください。",
        check=("控除証明書の添付あり、国民年金1年分を超える" if certificate else "控除証明書の添付なし")
        + "。国保税の他世帯分・任意継続・国民年金基金等を確認。",
    )


BIRTH_BENEFIT = 488_000  # 出産育児一時金 (健康保険法施行令第36条: 50万円、産科医療補償制度の対象外の出産は48万8千円)


@rule(
    "DE08",
    "医療費と出産育児一時金",
    Severity.CLERK,
    "地方税法第314条の2第1項第1号（保険金、損害賠償金その他これらに類するものにより補塡される部分の金額を除く）、"
    "所得税法第73条、所得税基本通達73-8（出産育児一時金は補塡される金額）、健康保険法施行令第36条",
    "{year}年に世帯でお子さんが生まれています。出産の費用を医療費に含める場合は、出産育児一時金（1児につき50万円）を"
    "「保険金などで補填される金額」に含めてください。職員が確認します。",
    "医療費 支払 {paid}円・補填 {reimbursed}円 / 世帯の出生 {births}人（{dates}）。出産育児一時金 {expected}円以上の"
    "補填がない。出産費用の有無と一時金の受給を確認。",
)
def medical_after_a_birth(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """A birth in the household during the income year means 出産育児一時金 (at least 48万8千円 a child):
    医療費 declared with less reimbursed than that is checked (the delivery costs are 医療費, the 一時金 reduces
    them)."""
    paid, reimbursed = d.medical
    if paid <= 0 or not f.births:
        return
    expected = BIRTH_BENEFIT * len(f.births)
    if reimbursed < min(expected, paid):
        yield r.finding(year=d.income_year, paid=paid, reimbursed=reimbursed, births=len(f.births),
                        dates="、".join(f"{b.month}月{b.day}日" for b in f.births), expected=expected)


@rule(
    "DE11",
    "住宅借入金等特別税額控除の証明書類",
    Severity.RETURN,
    "地方税法附則第5条の4の2（所得税の住宅借入金等特別控除可能額のうち所得税で控除しきれなかった額）、"
    "第317条の2第1項",
    "住宅借入金等特別税額控除（{amount}円）を受けるには、住宅借入金等特別控除可能額が記載された源泉徴収票、"
    "または住宅借入金等特別控除の計算明細書・確定申告書の控えの添付が必要です。書類を添付して提出し直してください。",
    "住宅借入金等特別税額控除 {amount}円 の申告に可能額の分かる書類の添付なし。",
)
def housing_loan_documents(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """The 住民税 credit is what the 所得税's 可能額 leaves: its figures come from the 源泉徴収票 (年末調整) or
    from the 確定申告 (the first year is claimed there); one of them must be attached."""
    amount = int(d.case.get("housing_loan_credit") or 0)
    if amount > 0 and not (d.has_attachment("withholding_slip") or d.has_attachment("housing_loan_statement")):
        yield r.finding(amount=amount)
