
"""Income as declared against the reports the city received (給与支払報告書, 公的年金等支払報告書).

Tolerance (stated, and the same in docs/declarations.md): a declared 収入金額 may differ from the sum of the
reports received by at most :data:`INCOME_TOLERANCE` yen — residents write figures in thousands of yen from the
源泉徴収票 (e.g. 3,456千円); anything more goes to a clerk, in either direction (less: undeclared pay; more: an
employer whose report we lack, or a typo). Without any report the declaration is the only source: recorded as a
note, not blocking (small employers need not file a report for leavers paid ≤ 30万円, 地方税法第317条の6第3項).
"""

from __future__ import annotations

from collections.abc import Iterator

from jichitai.declarations.domain.facts import Facts
from jichitai.declarations.domain.model import Declaration, Pattern
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule

INCOME_TOLERANCE = 999


def declared_salary(d: Declaration) -> int:
    return d.declared_salary if d.declared_salary is not None else d.income["salary"]


def declared_pension(d: Declaration) -> int:
    return d.declared_pension if d.declared_pension is not None else d.income["public_pension"]


@rule(
    "IN01",
    "給与収入と給与支払報告書",
    Severity.CLERK,
    "地方税法第317条の6第1項（給与支払報告書）、第317条の2第1項（申告事項）",
    "ご申告の給与収入（{declared}円）が、勤務先から提出された給与支払報告書の合計（{reported}円）と一致しません。職員が確認します。",
    "給与収入 申告 {declared}円 / 給与支払報告書 {reports}件 計 {reported}円（差 {diff}円、許容 ±999円）。",
)
def salary_matches_reports(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    declared = declared_salary(d)
    if f.salary_reported is None:
        return
    diff = declared - f.salary_reported
    if abs(diff) > INCOME_TOLERANCE:
        yield r.finding(declared=declared, reported=f.salary_reported, reports=f.salary_reports, diff=diff)


@rule(
    "IN02",
    "公的年金等収入と公的年金等支払報告書",
    Severity.CLERK,
    "地方税法第317条の6第4項（公的年金等支払報告書）、第317条の2第1項",
    "ご申告の年金収入（{declared}円）が、年金の支払者から提出された公的年金等支払報告書の合計（{reported}円）と一致しません。職員が確認します。",
    "公的年金等収入 申告 {declared}円 / 公的年金等支払報告書 {reports}件 計 {reported}円（差 {diff}円、許容 ±999円）。",
)
def pension_matches_reports(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    declared = declared_pension(d)
    if f.pension_reported is None:
        return
    diff = declared - f.pension_reported
    if abs(diff) > INCOME_TOLERANCE:
        yield r.finding(declared=declared, reported=f.pension_reported, reports=f.pension_reports, diff=diff)


@rule(
    "IN03",
    "支払報告書のない収入",
    Severity.NOTE,
    "地方税法第317条の6第3項（退職者で支払金額30万円以下の者は報告を要しない）",
    "ご申告の{kind}について、支払者からの報告は届いていません。申告の内容で課税します。",
    "{kind} {declared}円: 支払報告書の受領なし。申告値を採用。",
)
def income_without_report(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if f.salary_reported is None and declared_salary(d) > 0:
        yield r.finding(kind="給与収入", declared=declared_salary(d))
    if f.pension_reported is None and declared_pension(d) > 0:
        yield r.finding(kind="公的年金等収入", declared=declared_pension(d))


_PATTERN_ALLOWS = {
    Pattern.NO_INCOME: set(),
    Pattern.SALARY_ONLY: {"salary"},
    Pattern.PENSION_ONLY: {"public_pension"},
    Pattern.OTHER: {"salary", "public_pension", "business", "misc_other"},
}
_INCOME_LABEL = {
    "salary": "給与収入",
    "public_pension": "公的年金等収入",
    "business": "事業所得",
    "misc_other": "その他の所得",
}


@rule(
    "IN04",
    "申告の区分と所得の種類",
    Severity.RETURN,
    "地方税法第317条の2第1項（所得の種類ごとの申告）、地方税法施行規則第2条の2（申告書の様式）",
    "「{pattern}」を選ばれましたが、{items}が入力されています。申告の区分を選び直してください。",
    "区分 {pattern} と所得の種類が合わない: {items}。",
)
def pattern_fits_income(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    inc = dict(d.income)
    inc["salary"] = max(inc["salary"], declared_salary(d))
    inc["public_pension"] = max(inc["public_pension"], declared_pension(d))
    extra = [_INCOME_LABEL[k] for k, v in inc.items() if v and k not in _PATTERN_ALLOWS[d.pattern]]
    if extra:
        yield r.finding(pattern=d.pattern.label, items="・".join(extra))


@rule(
    "IN05",
    "収入なしの申告と支払報告書",
    Severity.CLERK,
    "地方税法第317条の2第1項、第317条の6第1項・第4項",
    "「収入なし」で申告されましたが、あなたへの給与または年金の支払報告書が届いています。職員が確認します。",
    "収入なし申告だが報告あり: 給与 {salary}円、年金 {pension}円。申告漏れを確認。",
)
def no_income_but_reports(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    if d.pattern is not Pattern.NO_INCOME:
        return
    salary, pension = f.salary_reported or 0, f.pension_reported or 0
    if salary or pension:
        yield r.finding(salary=salary, pension=pension)


@rule(
    "IN06",
    "配当割額控除と証明書",
    Severity.RETURN,
    "地方税法第37条の4・第314条の9（配当割額控除: 所得割の課税標準に算入した配当等に係る配当割額）、"
    "第317条の2第1項（申告事項）",
    "{message}",
    "配当割額 {withheld}円 / 申告した配当 {declared}円 / 証明書の添付 {attached}。{check}",
)
def dividend_withholding_credit(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """配当割額控除 is for the 配当割 withheld on 配当等 declared in the 所得割: a 配当割額 without the 配当 it was
    withheld on, or without the 特定口座年間取引報告書 (or the 支払通知書) that shows it, goes back to the resident."""
    div = d.dividends
    withheld, declared = div["withheld"], div["aggregate"] + div["listed_separate"]
    if withheld <= 0:
        return
    attached = d.has_attachment("dividend_statement")
    if declared <= 0:
        yield r.finding(withheld=withheld, declared=declared, attached="あり" if attached else "なし",
                        check="配当の記載なしで配当割額のみ。",
                        message=f"配当割額（{withheld:,}円）を控除するには、その配当の金額も申告してください。")
    elif not attached:
        yield r.finding(withheld=withheld, declared=declared, attached="なし", check="証明書の添付なし。",
                        message="配当割額を控除するには、特定口座年間取引報告書（または配当の支払通知書）の添付が"
                        "必要です。書類を添付して提出し直してください。")
