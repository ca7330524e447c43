"""上場株式等 (申告分離課税) against the 特定口座年間取引報告書 and the 付表: the 譲渡所得等, the 配当等, the
株式等譲渡所得割額 declared, the amounts the resident typed from each statement as printed, and what was read of
its file — three ways in agreement (the shape of IN07 and DE12); and a 譲渡損失 brought in only with the 付表 and
within its 3 years."""

from __future__ import annotations

from collections.abc import Iterator

from jichitai.declarations.domain.documents import statement_amount, statement_unconfirmed, yen_signed
from jichitai.declarations.domain.facts import Facts
from jichitai.declarations.domain.model import ATTACHMENT_KINDS, Attachment, Declaration
from jichitai.declarations.domain.rulebook import Finding, Rule, Severity, rule

REPORT = "dividend_statement"  # 特定口座年間取引報告書・配当の支払通知書
SCHEDULE = "stock_loss_schedule"  # 確定申告書付表（上場株式等に係る譲渡損失の損益通算及び繰越控除用）
TRANSFER_KEYS = ("proceeds", "cost", "net", "income_tax", "transfer_withheld")
CARRY_KEYS = ("carried_3", "carried_2", "carried_1")  # 本年の3年前分・2年前分・1年前分
CARRY_YEARS = 3  # 租税特別措置法第37条の12の2第5項 (翌年以後3年内), 地方税法附則第35条の2の6 (前年前3年内)
TRANSFER_RATE_PERCENT = 5  # 株式等譲渡所得割の税率 100分の5


def _name(a: Attachment) -> str:
    return a.filename or ATTACHMENT_KINDS.get(a.kind, a.kind)


def _amount(a: Attachment, key: str) -> int:
    return statement_amount(a.document, key) or 0


def _transfer_reports(d: Declaration) -> list[Attachment]:
    """The 報告書 whose 譲渡の欄 was typed (a 配当の支払通知書 has none)."""
    return [a for a in d.attached(REPORT) if statement_amount(a.document, "net") is not None]


def _say(r: Rule, claimed: str, found: str, check: str, message: str) -> Finding:
    return r.finding(claimed=claimed, found=found, check=check, message=message + "職員が確認します。")


def _transfer(d: Declaration, r: Rule, reports: list[Attachment]) -> Iterator[Finding]:
    """The 譲渡 figures: each report's 差引金額 is its 譲渡の対価の額 less the 取得費等 and bears at most 5 % of 株式等
    譲渡所得割; the reports' 差引金額 summed is the 譲渡所得等 (or 損失) declared; the 株式等譲渡所得割額 credited is
    what they show."""
    s = d.listed_stock
    declared = s["gain"] - s["loss"]
    if not (declared or s["withheld"]):
        return
    if not reports:
        yield _say(r, yen_signed(declared), "報告書の譲渡の欄の入力なし",
                   "特定口座年間取引報告書（一般口座なら取引の計算明細書）の添付・金額の入力を確認。",
                   f"上場株式等の譲渡（{yen_signed(declared)}）を申告されましたが、特定口座年間取引報告書の"
                   "譲渡の金額が添付・入力されていません。")
        return
    for a in reports:
        net, expected = _amount(a, "net"), _amount(a, "proceeds") - _amount(a, "cost")
        if net != expected:
            yield _say(r, yen_signed(declared), f"{_name(a)} 差引金額 {yen_signed(net)}",
                       f"差引金額が 譲渡の対価の額 − 取得費等 = {yen_signed(expected)} と {abs(net - expected):,}円 違う。"
                       "報告書を目視で確認。",
                       f"報告書（{_name(a)}）の差引金額（{yen_signed(net)}）が、譲渡の対価の額から取得費及び譲渡に要した"
                       f"費用の額等を引いた額（{yen_signed(expected)}）と{abs(net - expected):,}円違います。")
        cap = max(0, net) * TRANSFER_RATE_PERCENT // 100
        if _amount(a, "transfer_withheld") > cap:
            yield _say(r, yen_signed(declared), f"{_name(a)} 株式等譲渡所得割額 {_amount(a, 'transfer_withheld'):,}円",
                       f"差引金額の5%（{cap:,}円）を {_amount(a, 'transfer_withheld') - cap:,}円 超える。",
                       f"報告書（{_name(a)}）の株式等譲渡所得割額（{_amount(a, 'transfer_withheld'):,}円）が、差引金額の"
                       f"5%（{cap:,}円）を{_amount(a, 'transfer_withheld') - cap:,}円超えています。")
    shown = sum(_amount(a, "net") for a in reports)
    if shown != declared:
        yield _say(r, yen_signed(declared), f"報告書の差引金額の合計 {yen_signed(shown)}（{len(reports)}通）",
                   f"差額 {abs(shown - declared):,}円: ほかの口座（一般口座・別の証券会社）の有無、入力の誤りを確認。",
                   f"申告された上場株式等の譲渡所得等（{yen_signed(declared)}）が、添付の報告書の差引金額の合計"
                   f"（{yen_signed(shown)}）と{abs(shown - declared):,}円違います。")
    withheld = sum(_amount(a, "transfer_withheld") for a in reports)
    if s["withheld"] > withheld:
        yield _say(r, f"{s['withheld']:,}円", f"報告書の株式等譲渡所得割額 {withheld:,}円",
                   f"株式等譲渡所得割額が {s['withheld'] - withheld:,}円 多い。",
                   f"申告された株式等譲渡所得割額（{s['withheld']:,}円）が、添付の報告書の株式等譲渡所得割額"
                   f"（{withheld:,}円）より{s['withheld'] - withheld:,}円多くなっています。")


def _dividend(d: Declaration, r: Rule, reports: list[Attachment]) -> Iterator[Finding]:
    """上場株式等の配当等 declared for 申告分離: the 報告書・支払通知書 typed show at least that and at most that with
    the 総合課税の配当 declared (a 報告書 may carry both; a 少額配当 of an unlisted company is on none of them)."""
    listed = d.dividends["listed_separate"]
    typed = [a for a in d.attached(REPORT) if statement_amount(a.document, "dividend") is not None]
    if listed <= 0 or not typed:
        return
    shown = sum(_amount(a, "dividend") for a in typed)
    most = listed + d.dividends["aggregate"]
    if shown < listed:
        yield _say(r, f"{listed:,}円", f"報告書の配当等の額の合計 {shown:,}円（{len(typed)}通）",
                   f"報告書より {listed - shown:,}円 多い: ほかの口座・支払通知書の有無、入力の誤りを確認。",
                   f"申告された上場株式等の配当等（{listed:,}円）が、添付の報告書の配当等の額の合計（{shown:,}円）より"
                   f"{listed - shown:,}円多くなっています。")
    elif shown > most:
        yield _say(r, f"{most:,}円", f"報告書の配当等の額の合計 {shown:,}円（{len(typed)}通）",
                   f"報告書が {shown - most:,}円 多い: 申告漏れ、入力の誤りを確認。",
                   f"添付の報告書の配当等の額の合計（{shown:,}円）が、申告された配当（{most:,}円）より"
                   f"{shown - most:,}円多くなっています。")


def _carried(d: Declaration, r: Rule) -> Iterator[Finding]:
    """A 譲渡損失 brought in: the 付表 attached, each year's loss within the 3 years before the income year and at
    most what the 付表 carries for that year."""
    carried = d.listed_stock["carried"]
    if not carried:
        return
    total = sum(a for _, a in carried)
    old = [(y, a) for y, a in carried if d.income_year - y > CARRY_YEARS]
    if old:
        years = "・".join(f"{y}年分 {a:,}円" for y, a in old)
        yield _say(r, f"繰越損失 {total:,}円", years,
                   f"{d.income_year - CARRY_YEARS}年より前の損失は控除できない（3年を経過）。",
                   f"繰り越した損失のうち{years}は、生じた年の翌年以後3年を過ぎていて控除できません。")
    schedules = d.attached(SCHEDULE)
    if not schedules:
        yield _say(r, f"繰越損失 {total:,}円", "付表の添付なし", "付表（前年分の控え）の添付を確認。",
                   "上場株式等の譲渡損失を繰り越して控除するには、確定申告書付表（上場株式等に係る譲渡損失の"
                   "損益通算及び繰越控除用）の添付が必要です。")
        return
    typed = [a for a in schedules if any(statement_amount(a.document, k) is not None for k in CARRY_KEYS)]
    for y, a in carried:
        age = d.income_year - y
        if not typed or not 1 <= age <= CARRY_YEARS:
            continue
        shown = max(_amount(x, f"carried_{age}") for x in typed)
        if a > shown:
            yield _say(r, f"{y}年分 {a:,}円", f"付表の本年の{age}年前分 {shown:,}円",
                       f"付表より {a - shown:,}円 多い。",
                       f"{y}年分の繰越損失（{a:,}円）が、付表の本年の{age}年前分（{shown:,}円）より{a - shown:,}円"
                       "多くなっています。")


@rule(
    "IN08",
    "上場株式等の譲渡・配当と特定口座年間取引報告書・付表",
    Severity.CLERK,
    "租税特別措置法第37条の11（上場株式等に係る譲渡所得等の課税の特例）・第37条の12の2（上場株式等に係る譲渡損失"
    "の損益通算及び繰越控除: 付表の添付、翌年以後3年内）、地方税法附則第35条の2・第35条の2の2（株式等に係る譲渡"
    "所得等の課税の特例）・第35条の2の6（繰越控除）、第71条の49・第71条の28（株式等譲渡所得割・配当割の税率）、"
    "第37条の4・第314条の9（配当割額控除・株式等譲渡所得割額控除）",
    "{message}",
    "申告 {claimed} / {found}。{check}",
)
def listed_stock_statements(d: Declaration, f: Facts, r: Rule) -> Iterator[Finding]:
    """上場株式等の譲渡所得等・配当等 (申告分離) and the 株式等譲渡所得割額 declared must be what the 特定口座年間取引
    報告書 show, as typed from them and as read from their files; a 譲渡損失 brought in needs the 付表 and its 3
    years. Every disagreement goes to a clerk with the difference in yen."""
    reports = _transfer_reports(d)
    yield from _transfer(d, r, reports)
    yield from _dividend(d, r, reports)
    yield from _carried(d, r)
    if d.listed_stock["gain"] or d.listed_stock["loss"] or d.listed_stock["carried"]:
        unread = "、".join(f"{_name(a)}（{why}）" for k, keys in ((REPORT, TRANSFER_KEYS), (SCHEDULE, CARRY_KEYS))
                          for a in d.attached(k) if (why := statement_unconfirmed(a.document, keys)))
        if unread:
            yield _say(r, "報告書・付表の入力", "書類の読み取り",
                       f"入力された金額を書類の読み取りで確認できない: {unread}。書類を目視で確認。",
                       f"添付の書類から、入力された金額を確認できませんでした（{unread}）。")
