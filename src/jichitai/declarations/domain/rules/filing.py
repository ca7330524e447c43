
"""The figures the resident wrote against the computation, and whether a declaration was needed at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jichitai.declarations.domain.facts import EngineRefusal, Facts
from jichitai.declarations.domain.model import Declaration, Pattern
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule
from jichitai.declarations.domain.rules.income import INCOME_TOLERANCE, declared_pension, declared_salary

TAX_TOLERANCE = 100
"""A written 年税額 may differ from the computed one by less than 100円: the 100円未満切捨て is applied to
市民税 and 県民税 separately (地方税法第20条の4の2第3項), a resident who rounds the total once can be 100円 off."""


@rule(
    "AR01",
    "税額の計算",
    Severity.CLERK,
    "地方税法第20条の4の2（端数計算）、第314条の3・第35条（所得割の税率）、第310条・第38条（均等割）",
    "ご記入の税額（{declared}円）と市が計算した税額（{computed}円）が異なります。職員が確認し、正しい税額で課税します。",
    "申告書の年税額 {declared}円 / 計算 {computed}円（差 {diff}円、許容 100円未満）。計算過程（steps）を確認。",
)
def written_tax_matches(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if d.declared_total_tax is None or f.computed_total_tax is None:
        return
    diff = d.declared_total_tax - f.computed_total_tax
    if abs(diff) >= TAX_TOLERANCE:
        yield r.finding(declared=d.declared_total_tax, computed=f.computed_total_tax, diff=diff)


@rule(
    "AR02",
    "収入の転記",
    Severity.CLERK,
    "地方税法第317条の2第1項",
    "申告書の{item}の金額が、記入欄どうしで一致しません（{a}円と{b}円）。職員が確認します。",
    "{item}: 収入欄 {a}円 / 計算欄 {b}円 の不一致（転記誤り）。",
)
def income_transcribed(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if d.declared_salary is not None and abs(d.declared_salary - d.income["salary"]) > INCOME_TOLERANCE:
        yield r.finding(item="給与収入", a=d.declared_salary, b=d.income["salary"])
    if (
        d.declared_pension is not None
        and abs(d.declared_pension - d.income["public_pension"]) > INCOME_TOLERANCE
    ):
        yield r.finding(item="公的年金等収入", a=d.declared_pension, b=d.income["public_pension"])


# The case format's keys as a person reads them (the engine names the field at fault by its dotted path).
FIELD_LABELS = {
    "birth_date": "生年月日", "sex": "性別", "disability": "障害者の区分", "widow": "寡婦",
    "single_parent": "ひとり親", "working_student": "勤労学生", "public_assistance": "生活保護",
    "total_income": "合計所得金額", "cohabiting": "同居・別居の別", "relation": "続柄",
    "salary": "給与収入", "public_pension": "公的年金等の収入", "business": "事業所得", "misc_other": "その他の所得",
    "dividend": "配当所得", "social_insurance": "社会保険料", "small_enterprise_mutual_aid": "小規模企業共済等掛金",
    "general_new": "一般生命保険料（新）", "pension_new": "個人年金保険料（新）",
    "medical_care_new": "介護医療保険料", "general_old": "一般生命保険料（旧）", "pension_old": "個人年金保険料（旧）",
    "earthquake_insurance": "地震保険料", "long_term_damage_insurance_old": "旧長期損害保険料",
    "paid": "支払った医療費", "reimbursed": "保険金などで補填される金額", "furusato": "ふるさと納税",
    "other": "その他の寄附金", "housing_loan_credit": "住宅借入金等特別税額控除", "fiscal_year": "申告年度",
}
OWNER_LABELS = {"taxpayer": "あなたの", "spouse": "配偶者の", "dependents": "扶養親族の"}
# What the resident typed and can put right alone; any other refusal needs a clerk (a form or prefill fault).
RESIDENT_FIXES = {"birth_date", "total_income", "widow", "paid", "reimbursed", "furusato", "other", "salary",
                  "public_pension", "business", "misc_other", "social_insurance"}


def field_label(field: str, d: Declaration) -> str:
    """``dependents[1].birth_date`` → 「扶養親族「神戸 一郎」さんの生年月日」: the engine's path in words."""
    head, _, key = field.rpartition(".")
    item = FIELD_LABELS.get(key or head, "申告の内容")
    m = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", head.split(".")[0]) if head else None
    if m is None:
        return item
    owner = m.group(1)
    if owner == "dependents" and m.group(2) is not None and int(m.group(2)) < len(d.dependents):
        return f"扶養親族「{d.dependents[int(m.group(2))].name}」さんの{item}"
    if owner == "spouse" and d.spouse is not None:
        return f"配偶者「{d.spouse.name}」さんの{item}"
    return OWNER_LABELS.get(owner, "") + item


# Refusals whose engine message lists the case format's codes: said in words instead.
CODED_REASONS = {
    "relation": "扶養親族の欄の続柄が、扶養親族として扱えない値（配偶者など）になっている。申告書の作成・転記の誤り",
    "disability": "障害者の区分が、障害者・特別障害者・同居特別障害者のいずれでもない",
    "sex": "性別が記載されていないか読めない",
    "widow": "寡婦とひとり親の両方が申告されている（同時には該当しない: 所得税法第2条第1項第30号）",
}


def engine_reason(refusal: EngineRefusal, label: str) -> str:
    """The engine's message with its dotted path replaced by the words for it (for the clerk); a message that
    would show the case format's codes is said in words."""
    key = refusal.field.rpartition(".")[2]
    if key in CODED_REASONS:
        return CODED_REASONS[key]
    text = refusal.message.replace(refusal.field, label) if refusal.field else refusal.message
    return text.rstrip("。")


@rule(
    "AR03",
    "税額を計算できない申告",
    Severity.CLERK,
    "地方税法第317条の2第1項（申告事項）、第314条の2・第314条の3（所得控除と所得割の計算）",
    "{item}の内容では税額を計算できません（{reason}）。{action}",
    "税額計算エンジンが申告を受け付けない: {item} — {engine}。申告のまま賦課に引き継ぐことはできない。",
)
def engine_computes_the_case(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """A case the engine refuses is never accepted: it could not be assessed (and would break the hand-over).
    A figure the resident typed (a date, an amount) goes back to them; anything else (a form or prefill fault,
    an unsupported year) to a clerk."""
    refusal = f.engine_refusal
    if refusal is None:
        return
    key = refusal.field.rpartition(".")[2]
    label = field_label(refusal.field, d)
    fixable = key in RESIDENT_FIXES
    yield r.finding(
        severity=Severity.RETURN if fixable else Severity.CLERK, item=label,
        reason=_resident_reason(key), engine=engine_reason(refusal, label),
        action="内容を確かめて提出し直してください。" if fixable else "職員が確認します。",
        field=refusal.field,
    )


def _resident_reason(key: str) -> str:
    if key == "widow":
        return "寡婦とひとり親は同時に申告できません。どちらか一方を選んでください"
    if key == "birth_date":
        return "所得の年の12月31日より後の生年月日、または読めない日付です"
    if key in RESIDENT_FIXES:
        return "金額は0円以上の整数（円）で記入します"
    return "市の計算で扱えない値です"


@rule(
    "NE01",
    "申告の要否",
    Severity.NOTE,
    "地方税法第317条の2第1項ただし書（給与所得・公的年金等所得のみで支払報告書が提出された者は申告を要しない）",
    "{reason}、この申告がなくても税額は同じ（{tax}円）でした。本来この申告は不要でしたが、内容は課税と証明書の発行に使います。",
    "申告不要の事例: {reason}、報告書だけで計算した税額 {tax}円 と申告による税額が同じ。",
)
def declaration_needed(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """Only when the declaration changes nothing: the tax computed from the reports alone equals the tax of
    the declaration, and the income is all on reports that were received — salary only with its 年末調整
    done, or public pension only. Claiming anything the report does not carry (医療費, a relative, a status)
    changes the tax, and then the declaration was needed, whatever its pattern."""
    if f.tax_without_declaration is None or f.computed_total_tax is None:
        return
    if f.tax_without_declaration != f.computed_total_tax:
        return
    if d.income["business"] or d.income["misc_other"]:
        return
    if (
        d.pattern is Pattern.SALARY_ONLY
        and f.salary_year_end_adjusted
        and f.pension_reported is None
        and f.salary_reported is not None
        and abs(declared_salary(d) - f.salary_reported) <= INCOME_TOLERANCE
    ):
        yield r.finding(reason="勤務先の年末調整が済んだ給与支払報告書が届いており", tax=f.computed_total_tax)
    elif (
        d.pattern is Pattern.PENSION_ONLY
        and f.salary_reported is None
        and f.pension_reported is not None
        and abs(declared_pension(d) - f.pension_reported) <= INCOME_TOLERANCE
    ):
        yield r.finding(reason="公的年金等支払報告書が届いており", tax=f.computed_total_tax)


@rule(
    "NE03",
    "確定申告書との重複",
    Severity.NOTE,
    "地方税法第317条の3第1項（所得税の確定申告書を提出した者は住民税の申告書を提出したものとみなす）",
    "所得税の確定申告書も届いています。両方の内容を市で照合して課税します。",
    "所得税の確定申告書（国税連携）も受領済み: 申告との差異を照合。",
)
def final_return_filed(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if f.filed_final_return:
        yield r.finding()


@rule(
    "NE02",
    "同じ年度の重ねての申告",
    Severity.CLERK,
    "地方税法第317条の2第1項、第321条の3（賦課決定後の申告による更正）",
    "この年度の申告はすでに受け付けています。内容を変更する場合は、職員が確認します。",
    "同一年度の受理済み申告が {count}件ある。修正申告として扱うか確認。",
)
def already_declared(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if f.earlier_declarations:
        yield r.finding(count=f.earlier_declarations)
