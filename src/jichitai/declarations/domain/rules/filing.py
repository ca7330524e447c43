
"""The figures the resident wrote against the computation, and whether a declaration was needed at all."""

from __future__ import annotations

from collections.abc import Iterator

from jichitai.declarations.domain.facts import Facts
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


@rule(
    "NE01",
    "申告の要否",
    Severity.NOTE,
    "地方税法第317条の2第1項ただし書（給与所得・公的年金等所得のみで支払報告書が提出された者）、第317条の3（確定申告書の提出によるみなし申告）",
    "{reason}ため、本来この申告は不要でした。申告の内容は課税と証明書の発行に使います。",
    "申告不要の事例: {reason}。",
)
def declaration_needed(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    paid, _ = d.medical
    extra = paid > 0 or sum(d.donations.values()) > 0 or d.income["business"] or d.income["misc_other"]
    if f.filed_final_return:
        yield r.finding(reason="所得税の確定申告書が提出済みの")
    elif (
        d.pattern is Pattern.SALARY_ONLY
        and f.salary_year_end_adjusted
        and not extra
        and f.salary_reported is not None
        and abs(declared_salary(d) - f.salary_reported) <= INCOME_TOLERANCE
    ):
        yield r.finding(reason="勤務先から年末調整済みの給与支払報告書が届いている")
    elif (
        d.pattern is Pattern.PENSION_ONLY
        and not extra
        and f.pension_reported is not None
        and abs(declared_pension(d) - f.pension_reported) <= INCOME_TOLERANCE
        and not d.relatives
        and not (d.deductions.get("social_insurance") or 0)
    ):
        yield r.finding(reason="公的年金等支払報告書が届いており、追加の控除もない")


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
