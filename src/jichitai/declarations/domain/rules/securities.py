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
STATEMENT = "stock_transfer_statement"  # 株式等に係る譲渡所得等の金額の計算明細書 (a 一般口座 sale)
STATEMENT_KEYS = ("sale_revenue", "sale_expenses", "sale_net")  # its 上場株式等 column
TRANSFER_KEYS = ("proceeds", "cost", "net", "income_tax", "transfer_withheld")
CARRY_KEYS = ("carried_3", "carried_2", "carried_1")  # 本年の3年前分・2年前分・1年前分
CARRY_YEARS = 3  # 租税特別措置法第37条の12の2第5項 (翌年以後3年内), 地方税法附則第35条の2の6 (前年前3年内)
TRANSFER_RATE_PERCENT = 5  # 株式等譲渡所得割の税率 100分の5 (地方税法第71条の49)
# 源泉徴収選択口座 (特定口座・源泉徴収あり): 所得税 15 % (租税特別措置法第37条の11の4第1項) withheld with the 復興特別所得税,
# 2.1 % of it (東日本大震災からの復興のための施策を実施するために必要な財源の確保に関する特別措置法第28条, 2013–2037年):
# 15 % × 102.1 % = 15.315 %, per 100,000 yen of 差引金額. Rounding: each 1円未満切捨て on the 差引金額 itself — the
# 源泉徴収 確定金額 (国税通則法第119条第1項; zeiken.co.jp 用語「課税標準の端数計算」 備考) and the 株式等譲渡所得割
# (地方税法第20条の4の2第3項ただし書, 施行令第6条の17第2項; its 課税標準 is not rounded to 1,000円, 同条第1項;
# zeiken.co.jp 用語「地方税 端数計算」); a published 源泉徴収 of 31,000円 × 15.315 % = 4,747円 (yakunitatta.info).
INCOME_TAX_PER_100K = {year: 15_315 for year in range(2013, 2038)}
INCOME_TAX_PER_100K_OTHERWISE = 15_000  # outside the 復興特別所得税's years


def withholding_due(net: int, income_year: int) -> tuple[int, int]:
    """What a 源泉徴収あり 特定口座 withholds on a year's 差引金額: (所得税及び復興特別所得税, 株式等譲渡所得割), each
    1円未満切捨て; nothing on a loss (what was withheld during the year is refunded as the account's 差引金額 falls,
    租税特別措置法第37条の11の4)."""
    base = max(0, net)
    rate = INCOME_TAX_PER_100K.get(income_year, INCOME_TAX_PER_100K_OTHERWISE)
    return base * rate // 100_000, base * TRANSFER_RATE_PERCENT // 100


def _name(a: Attachment) -> str:
    return a.filename or ATTACHMENT_KINDS.get(a.kind, a.kind)


def _amount(a: Attachment, key: str) -> int:
    return statement_amount(a.document, key) or 0


def _transfer_reports(d: Declaration) -> list[Attachment]:
    """The 報告書 whose 譲渡の欄 was typed (a 配当の支払通知書 has none)."""
    return [a for a in d.attached(REPORT) if statement_amount(a.document, "net") is not None]


def _statements(d: Declaration) -> list[Attachment]:
    """The 計算明細書 whose 上場株式等 column was typed."""
    return [a for a in d.attached(STATEMENT) if statement_amount(a.document, "sale_net") is not None]


def _say(r: Rule, claimed: str, found: str, check: str, message: str) -> Finding:
    return r.finding(claimed=claimed, found=found, check=check, message=message + "職員が確認します。")


def _transfer(d: Declaration, r: Rule, reports: list[Attachment]) -> Iterator[Finding]:
    """The 譲渡 figures: each report's 差引金額 is its 譲渡の対価の額 less the 取得費等 and, withheld at source, bears
    exactly the 15.315 % and 5 % of it (:func:`_withheld`); the 譲渡所得等 (or 損失) declared is the reports'
    差引金額 summed, or with a 計算明細書 (a 一般口座 sale) the 明細書's; the 株式等譲渡所得割額 credited is what the
    reports show withheld."""
    s = d.listed_stock
    declared = s["gain"] - s["loss"]
    if not (declared or s["withheld"]):
        return
    statements = _statements(d)
    if not (reports or statements):
        yield _say(r, yen_signed(declared), "報告書・計算明細書の入力なし",
                   "特定口座年間取引報告書（一般口座なら株式等に係る譲渡所得等の金額の計算明細書）の添付・金額の入力を確認。",
                   f"上場株式等の譲渡（{yen_signed(declared)}）を申告されましたが、特定口座年間取引報告書（一般口座の"
                   "取引は株式等に係る譲渡所得等の金額の計算明細書）の金額が添付・入力されていません。")
        return
    for a in reports:
        yield from _difference(r, a, declared)
        yield from _withheld(d, r, a, yen_signed(declared))
    if statements:  # the 計算明細書 carries every account: its 差引金額 is what is declared
        yield from _statement(r, statements, reports, declared)
    elif (shown := sum(_amount(a, "net") for a in reports)) != declared:
        yield _say(r, yen_signed(declared), f"報告書の差引金額の合計 {yen_signed(shown)}（{len(reports)}通）",
                   f"差額 {abs(shown - declared):,}円: ほかの口座（一般口座・別の証券会社）の有無、入力の誤りを確認。",
                   f"申告された上場株式等の譲渡所得等（{yen_signed(declared)}）が、添付の報告書の差引金額の合計"
                   f"（{yen_signed(shown)}）と{abs(shown - declared):,}円違います。")
    yield from _credit(d, r, reports)


# each statement whose 差引金額 is its 収入 less its 費用: (差引金額, 収入, 費用) keys, its name, the 収入's and the 費用's
DIFFERENCE = {REPORT: (("net", "proceeds", "cost"), "報告書", "譲渡の対価の額", "取得費及び譲渡に要した費用の額等"),
              STATEMENT: (("sale_net", "sale_revenue", "sale_expenses"), "計算明細書", "譲渡による収入金額",
                          "取得費及び譲渡に要した費用")}


def _difference(r: Rule, a: Attachment, declared: int) -> Iterator[Finding]:
    """A statement's 差引金額 typed other than its 収入 − 費用 goes to a clerk with the difference in yen."""
    (net_key, plus, minus), doc, plus_words, minus_words = DIFFERENCE[a.kind]
    net, expected = _amount(a, net_key), _amount(a, plus) - _amount(a, minus)
    if net != expected:
        yield _say(r, yen_signed(declared), f"{_name(a)} 差引金額 {yen_signed(net)}",
                   f"差引金額が {plus_words} − {minus_words} = {yen_signed(expected)} と {abs(net - expected):,}円 違う。"
                   f"{doc}を目視で確認。",
                   f"{doc}（{_name(a)}）の差引金額（{yen_signed(net)}）が、{plus_words}から{minus_words}を引いた額"
                   f"（{yen_signed(expected)}）と{abs(net - expected):,}円違います。")


def _credit(d: Declaration, r: Rule, reports: list[Attachment]) -> Iterator[Finding]:
    """The 株式等譲渡所得割額 credited is at most what the reports show withheld (第37条の4・第314条の9)."""
    s = d.listed_stock
    withheld = sum(_amount(a, "transfer_withheld") for a in reports)
    if s["withheld"] > withheld:
        yield _say(r, f"{s['withheld']:,}円", f"報告書の株式等譲渡所得割額 {withheld:,}円",
                   f"株式等譲渡所得割額が {s['withheld'] - withheld:,}円 多い。",
                   f"申告された株式等譲渡所得割額（{s['withheld']:,}円）が、添付の報告書の株式等譲渡所得割額"
                   f"（{withheld:,}円）より{s['withheld'] - withheld:,}円多くなっています。")


def _statement(r: Rule, statements: list[Attachment], reports: list[Attachment], declared: int) -> Iterator[Finding]:
    """A 計算明細書 (a sale in a 一般口座, or several accounts): its 上場株式等 column adds up — 譲渡による収入金額 −
    取得費及び譲渡に要した費用 = 差引金額 (租税特別措置法第37条の11第1項の上場株式等に係る譲渡所得等の金額) —
    and, covering every account (the 特定口座 totals are carried onto it), its 差引金額 is the 譲渡所得等 declared and
    its 収入金額 at least the 特定口座's 譲渡の対価."""
    for a in statements:
        yield from _difference(r, a, declared)
    shown = sum(_amount(a, "sale_net") for a in statements)
    if shown != declared:
        yield _say(r, yen_signed(declared), f"計算明細書の差引金額 {yen_signed(shown)}",
                   f"差額 {abs(shown - declared):,}円: 入力の誤り、明細書の記載漏れを確認。",
                   f"申告された上場株式等の譲渡所得等（{yen_signed(declared)}）が、添付の計算明細書の差引金額"
                   f"（{yen_signed(shown)}）と{abs(shown - declared):,}円違います。")
    revenue, sold = sum(_amount(a, "sale_revenue") for a in statements), sum(_amount(a, "proceeds") for a in reports)
    if sold > revenue:
        yield _say(r, yen_signed(declared), f"計算明細書の収入金額 {revenue:,}円・報告書の譲渡の対価 {sold:,}円",
                   f"特定口座の対価が明細書の収入金額を {sold - revenue:,}円 超える: 特定口座分の記載漏れを確認。",
                   f"計算明細書の譲渡による収入金額（{revenue:,}円）が、添付の特定口座年間取引報告書の譲渡の対価の額"
                   f"（{sold:,}円）より{sold - revenue:,}円少なくなっています。")


def _withheld(d: Declaration, r: Rule, a: Attachment, declared: str) -> Iterator[Finding]:
    """A 源泉徴収あり report (one printing any tax withheld; a 源泉徴収なし account prints none) withholds 15.315 % and
    5 % of its 差引金額, 1円未満切捨て (:func:`withholding_due`): each amount typed otherwise goes to a clerk with the
    difference in yen."""
    paid = {"income_tax": _amount(a, "income_tax"), "transfer_withheld": _amount(a, "transfer_withheld")}
    if not any(paid.values()):
        return
    net = _amount(a, "net")
    due = dict(zip(paid, withholding_due(net, d.income_year), strict=True))
    rate = {"income_tax": f"{INCOME_TAX_PER_100K.get(d.income_year, INCOME_TAX_PER_100K_OTHERWISE) / 1000:g}%",
            "transfer_withheld": f"{TRANSFER_RATE_PERCENT}%"}
    for key, label in (("income_tax", "源泉徴収税額（所得税及び復興特別所得税）"), ("transfer_withheld", "株式等譲渡所得割額")):
        got, want = paid[key], due[key]
        if got == want:
            continue
        diff = f"{abs(got - want):,}円"
        how = f"を{diff}超えています" if got > want else f"より{diff}少なくなっています"
        yield _say(r, declared, f"{_name(a)} {label} {got:,}円",
                   f"差引金額 {yen_signed(net)} × {rate[key]}（1円未満切捨て）= {want:,}円 と {diff} 違う"
                   "（源泉徴収ありの特定口座）。報告書を目視で確認。",
                   f"報告書（{_name(a)}）の{label}（{got:,}円）が、差引金額（{yen_signed(net)}）の{rate[key]}"
                   f"（1円未満切捨て）の{want:,}円{how}。")


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
    "租税特別措置法第37条の11の4・復興財源確保法第28条（特定口座の源泉徴収 15.315%）、"
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
        unread = "、".join(f"{_name(a)}（{why}）" for k, keys in ((REPORT, TRANSFER_KEYS), (SCHEDULE, CARRY_KEYS),
                                                                   (STATEMENT, STATEMENT_KEYS))
                          for a in d.attached(k) if (why := statement_unconfirmed(a.document, keys)))
        if unread:
            yield _say(r, "報告書・付表の入力", "書類の読み取り",
                       f"入力された金額を書類の読み取りで確認できない: {unread}。書類を目視で確認。",
                       f"添付の書類から、入力された金額を確認できませんでした（{unread}）。")
