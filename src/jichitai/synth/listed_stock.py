"""上場株式等 (申告分離) on the synthetic city's 住民税申告: who declares the 譲渡 and 配当 of a 特定口座, with the
特定口座年間取引報告書's amounts typed as the portal asks them (IN08: 譲渡の対価の額, 取得費等, 差引金額 — a loss
negative —, 源泉徴収税額, 株式等譲渡所得割額; 配当等の額 and 配当割額), the 確定申告書付表 when a loss is brought
in — or, for a 一般口座 sale, the 株式等に係る譲渡所得等の金額の計算明細書 —, and the defects IN08 exists for.

Who: [D] 3 % of the filers with an income (most 住民税申告 filers are pensioners, many with a 特定口座; per resident
0.72 % declare 株式等の譲渡 on a 確定申告, 広島国税局 令和5年分, :mod:`separate_returns`; a share chosen above it
so that a city of 20,000 has some to measure). Of them, as in :mod:`separate_returns`: 28,000 of 51,000 with a gain
(the rest a loss), half with 配当 in 申告分離, 3 in 10 of the gains bringing in a loss of the 3 years before with its
付表, 6 in 10 of the gains in a 源泉徴収あり account (株式等譲渡所得割 5 %, 地方税法第71条の49; 所得税 15.315 %), 1 in 5
with a second account. Amounts [D] log-normal. Each filer's draws come from their own generator, so the city's
other draws do not move. Pure: no Django."""

from __future__ import annotations

import random
from typing import Any

from jichitai.synth.separate_returns import CARRIED, DIVIDEND_SEPARATE, STOCK_GAIN, STOCK_TRANSFER_RATE, WITHHELD

DECLARED_SHARE = 0.03  # [D] of the 住民税申告 filers with an income
SECOND_ACCOUNT = 0.2  # [D]
INCOME_TAX_PER_MILLE = 153_150  # 所得税及び復興特別所得税 15.315 % (per 1,000,000)
DIVIDEND_RATE = 5  # 配当割 5 % (地方税法第71条の28)
CARRY_YEARS = 3  # 租税特別措置法第37条の12の2第5項, 地方税法附則第35条の2の6
GENERAL_ACCOUNT = 0.25  # [D] of the sales without 源泉徴収: a 一般口座 alone (no 配当), declared with the 計算明細書

# The defects IN08 is for, in words (declaration_defects.DEFECT_WORDS).
STOCK_DEFECTS = {
    "stock_net_not_difference": "報告書の差引金額が 譲渡の対価の額 − 取得費等 でない（入力の誤り）",
    "stock_gain_not_reports": "上場株式等の譲渡所得等が報告書の差引金額の合計と違う",
    "stock_credit_over_reports": "株式等譲渡所得割額の控除が報告書の額を超える",
    "stock_carried_expired": "3年より前の上場株式等の譲渡損失を繰越控除",
    "stock_carried_without_schedule": "上場株式等の譲渡損失の繰越控除に付表の添付がない",
    "stock_withheld_not_rate": "報告書（源泉徴収あり）の源泉徴収税額が差引金額の15.315%でない（入力の誤り）",
    "stock_statement_not_difference": "計算明細書（一般口座）の差引金額が 収入金額 − 取得費等 でない（入力の誤り）",
}


def _amount(rng: random.Random, median: int, sigma: float) -> int:
    """A non-round amount as a 報告書 prints it (to the yen)."""
    return max(1_000, int(rng.lognormvariate(0, sigma) * median))


def _report(pid: int, n: int, net: int, rng: random.Random, withheld: bool,
            dividend: int = 0) -> dict[str, Any]:
    """One 特定口座年間取引報告書 as typed: the 譲渡の欄 adding up (差引金額 = 対価 − 取得費等), tax withheld on a gain
    in a 源泉徴収あり account, the 配当等の額 with its 配当割額."""
    proceeds = max(net, 0) + _amount(rng, 2_000_000, 0.8)
    taxed = withheld and net > 0
    statement = {"proceeds": proceeds, "cost": proceeds - net, "net": net,
                 "income_tax": net * INCOME_TAX_PER_MILLE // 1_000_000 if taxed else 0,
                 "transfer_withheld": net * STOCK_TRANSFER_RATE // 100 if taxed else 0,
                 "dividend": dividend, "withheld": dividend * DIVIDEND_RATE // 100}
    return {"kind": "dividend_statement", "filename": f"tokutei_{pid}_{n}.pdf", "statement": statement}


def sale_statement(pid: int, net: int, rng: random.Random) -> dict[str, Any]:
    """The 株式等に係る譲渡所得等の金額の計算明細書 of a 一般口座 sale, its 上場株式等 column as typed: 差引金額 =
    譲渡による収入金額 − 取得費及び譲渡に要した費用 (no 報告書, nothing withheld)."""
    revenue = max(net, 0) + _amount(rng, 2_000_000, 0.8)
    return {"kind": "stock_transfer_statement", "filename": f"meisai_{pid}.pdf",
            "statement": {"sale_revenue": revenue, "sale_expenses": revenue - net, "sale_net": net}}


def schedule(pid: int, carried: list[tuple[int, int]], income_year: int) -> dict[str, Any]:
    """The 確定申告書付表 with its 前年から繰り越された損失 by age (本年の3年前・2年前・1年前分)."""
    by_age = {income_year - y: a for y, a in carried}
    return {"kind": "stock_loss_schedule", "filename": f"fuhyo_{pid}.pdf",
            "statement": {f"carried_{age}": by_age.get(age, 0) for age in (3, 2, 1)}}


def claim(case: dict[str, Any], attachments: list[dict[str, Any]], pid: int, income_year: int,
          rng: random.Random, gain: bool = False, general: bool | None = None, withheld: bool | None = None) -> None:
    """Give ``case`` a 上場株式等 declaration (申告分離) and ``attachments`` its 報告書 — or, for a 一般口座 sale, its
    計算明細書 — (and 付表), all agreeing (``gain``: a gain for the year in any case; ``general``, ``withheld``: the
    kind of account when a defect needs one)."""
    accounts = 2 if rng.random() < SECOND_ACCOUNT else 1
    dividend = _amount(rng, 150_000, 1.0) if rng.random() < DIVIDEND_SEPARATE else 0
    drawn = rng.random() < WITHHELD
    withheld = drawn if withheld is None else withheld
    if general is None:  # its own draw, so that the city's other draws do not move
        general = not withheld and random.Random(f"general:{pid}").random() < GENERAL_ACCOUNT
    if general:
        accounts, dividend = 1, 0
    if rng.random() < STOCK_GAIN or gain:
        nets = [_amount(rng, 600_000, 1.0) for _ in range(accounts)]
    else:
        nets = [-_amount(rng, 300_000, 1.0)] + [_amount(rng, 50_000, 0.8) for _ in range(accounts - 1)]
        nets[0] = min(nets[0], -sum(nets[1:]) - 1_000)  # a loss for the year in all
    reports = [] if general else [_report(pid, n, net, rng, withheld, dividend if n == 1 else 0)
                                  for n, net in enumerate(nets, 1)]
    attachments.extend(reports or [sale_statement(pid, nets[0], rng)])
    total = sum(nets)
    sep = case.setdefault("separate_income", {})
    sep.update(listed_stock=max(total, 0), listed_stock_loss=max(-total, 0), listed_dividend=dividend)
    paid = case.setdefault("local_tax_withheld", {"dividend": 0, "stock_transfer": 0})
    paid["stock_transfer"] = sum(r["statement"]["transfer_withheld"] for r in reports)
    paid["dividend"] = paid.get("dividend", 0) + dividend * DIVIDEND_RATE // 100
    if total > 0 and rng.random() < CARRIED:
        years = sorted(rng.sample(range(income_year - CARRY_YEARS, income_year), rng.choice((1, 1, 2))))
        carried = [(y, _amount(rng, 400_000, 0.8)) for y in years]
        case["carryover"] = {"listed_stock_loss_by_year": [{"year": y, "amount": a} for y, a in carried]}
        attachments.append(schedule(pid, carried, income_year))


def has_claim(case: dict[str, Any]) -> bool:
    sep = case.get("separate_income") or {}
    return bool(sep.get("listed_stock") or sep.get("listed_stock_loss"))


def inject(kind: str, d: dict[str, Any], case: dict[str, Any], pid: int, income_year: int,
           rng: random.Random) -> bool:
    """Make defect ``kind`` on declaration ``d`` (giving it a clean 上場株式等 claim first where it has none, as a
    resident with a 特定口座 would): what the resident typed or claimed no longer agrees with the 報告書 or 付表."""
    gain = kind in ("stock_gain_not_reports", "stock_carried_expired", "stock_carried_without_schedule",
                    "stock_withheld_not_rate", "stock_statement_not_difference")
    if d["pattern"] == "no_income" or (gain and has_claim(case) and not case["separate_income"].get("listed_stock")):
        return False  # (a declaration left unchanged: its written tax still holds)
    if not has_claim(case):
        claim(case, d["attachments"], pid, income_year, rng, gain=gain,
              general=kind == "stock_statement_not_difference",
              withheld=True if kind == "stock_withheld_not_rate" else None)
        d["pattern"] = "other"  # no longer 給与所得のみ / 公的年金所得のみ
    sep, paid = case["separate_income"], case["local_tax_withheld"]
    reports = [a for a in d["attachments"] if a["kind"] == "dividend_statement" and "net" in a.get("statement", {})]
    statements = [a for a in d["attachments"] if a["kind"] == "stock_transfer_statement"]
    if kind == "stock_statement_not_difference":  # the 明細書's 差引金額 mistyped; the declaration follows it
        if not statements:
            return False
        typo = rng.choice((1, -1)) * rng.randint(1, 9) * 10_000
        statements[0]["statement"]["sale_net"] += typo
        net = statements[0]["statement"]["sale_net"]
        sep.update(listed_stock=max(net, 0), listed_stock_loss=max(-net, 0))
        return True
    if kind == "stock_withheld_not_rate":  # one digit of the 源泉徴収税額 mistyped
        taxed = [r for r in reports if r["statement"]["income_tax"]]
        if not taxed:
            return False
        typo = rng.randint(1, 9) * 100
        taxed[0]["statement"]["income_tax"] += -typo if taxed[0]["statement"]["income_tax"] > typo and \
            rng.random() < 0.5 else typo
        return True
    if kind == "stock_net_not_difference" and not reports:
        return False
    if kind == "stock_net_not_difference":  # one figure mistyped; the declaration follows the typed 差引金額
        typo = rng.choice((1, -1)) * rng.randint(1, 9) * 10_000
        reports[0]["statement"]["net"] += typo
        total = sum(r["statement"]["net"] for r in reports)
        sep.update(listed_stock=max(total, 0), listed_stock_loss=max(-total, 0))
        return True
    if kind == "stock_gain_not_reports":  # a gain declared other than the reports show (another account, a typo)
        off = rng.randint(5, 50) * 10_000
        sep["listed_stock"] += -off if sep["listed_stock"] > off and rng.random() < 0.5 else off
        return True
    if kind == "stock_credit_over_reports":
        paid["stock_transfer"] += rng.randint(2, 40) * 500
        return True
    carried = (case.get("carryover") or {}).get("listed_stock_loss_by_year") or []
    if kind == "stock_carried_expired":
        old = income_year - CARRY_YEARS - rng.randint(1, 2)
        case["carryover"] = {"listed_stock_loss_by_year": sorted(
            [*carried, {"year": old, "amount": _amount(rng, 300_000, 0.8)}], key=lambda e: e["year"])}
        if not any(a["kind"] == "stock_loss_schedule" for a in d["attachments"]):
            d["attachments"].append(schedule(pid, [(e["year"], e["amount"]) for e in carried], income_year))
        return True
    if kind == "stock_carried_without_schedule":
        if not carried:
            year = income_year - rng.randint(1, CARRY_YEARS)
            case["carryover"] = {"listed_stock_loss_by_year": [{"year": year, "amount": _amount(rng, 300_000, 0.8)}]}
        d["attachments"] = [a for a in d["attachments"] if a["kind"] != "stock_loss_schedule"]
        return True
    return False
