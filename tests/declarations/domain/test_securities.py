"""IN08: 上場株式等 (申告分離) — the declaration, the 特定口座年間取引報告書 as typed and as read, and the 付表 for a
譲渡損失 brought in (租税特別措置法第37条の11・第37条の12の2, 地方税法附則第35条の2・第35条の2の6)."""

from __future__ import annotations

from typing import Any

from jichitai.declarations.domain import review

from .factories import declaration, facts

# A 特定口座 (源泉徴収あり) of the income year 2025 as its 報告書 prints it: 譲渡の対価の額 3,000,000円, 取得費及び譲渡
# に要した費用の額等 2,400,000円 → 差引金額 600,000円; 株式等譲渡所得割 5 % → 30,000円; 所得税 15.315 % → 91,890円.
REPORT = {"proceeds": 3_000_000, "cost": 2_400_000, "net": 600_000, "income_tax": 91_890, "transfer_withheld": 30_000}


def stocks(gain: int = 0, loss: int = 0, withheld: int = 0, listed_dividend: int = 0,
           carried: list[tuple[int, int]] | None = None, attachments: list[dict[str, Any]] | None = None) -> Any:
    d = declaration(pattern="other", attachments=attachments or [])
    case = {**d.case, "separate_income": {"listed_stock": gain, "listed_stock_loss": loss,
                                          "listed_dividend": listed_dividend},
            "local_tax_withheld": {"dividend": 0, "stock_transfer": withheld},
            "carryover": {"listed_stock_loss_by_year": [{"year": y, "amount": a} for y, a in carried or []]}}
    return declaration(pattern="other", case=case, attachments=attachments or [])


def report(statement: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {"kind": "dividend_statement", "filename": "tokutei.pdf", "statement": statement, **extra}


def in08(d: Any) -> list[Any]:
    return [f for f in review(d, facts()).findings if f.code == "IN08"]


def test_the_declared_gain_agrees_with_the_report():
    """Independent: 差引金額 = 譲渡の対価の額 − 取得費及び譲渡に要した費用の額等 (租税特別措置法第37条の11第1項の
    上場株式等に係る譲渡所得等の金額), 3,000,000 − 2,400,000 = 600,000円, and 株式等譲渡所得割 5 % of it = 30,000円
    (地方税法第71条の49): declaring 600,000円 with 30,000円 credited, the report typed as printed, raises nothing;
    no 上場株式等 declared raises nothing either."""
    assert 3_000_000 - 2_400_000 == 600_000 and 600_000 * 5 // 100 == 30_000
    assert in08(stocks(600_000, withheld=30_000, attachments=[report(REPORT)])) == []
    assert in08(stocks()) == []


def test_a_gain_declared_above_the_report_goes_to_a_clerk_with_the_difference():
    """Independent: the 譲渡所得等 declared is the reports' 差引金額 (措法第37条の11, 地方税法附則第35条の2): 700,000円
    declared against a report of 600,000円 goes to a clerk, the resident's text naming 100,000円; a credit of
    35,000円 against the 30,000円 printed names 5,000円 (第37条の4・第314条の9: only what was withheld)."""
    (f,) = in08(stocks(700_000, withheld=30_000, attachments=[report(REPORT)]))
    assert f.severity.value == "clerk" and "100,000円違います" in f.resident_message
    assert "700,000円" in f.resident_message and "600,000円" in f.clerk_message
    (f,) = in08(stocks(600_000, withheld=35_000, attachments=[report(REPORT)]))
    assert "5,000円多く" in f.resident_message


def test_a_report_typed_inconsistently_goes_to_a_clerk():
    """Independent: a 差引金額 typed as 650,000円 where 対価 − 取得費等 is 600,000円 is 50,000円 off; a
    株式等譲渡所得割額 of 40,000円 on 600,000円 exceeds the 5 % rate's 30,000円 by 10,000円 (第71条の49)."""
    typo = {**REPORT, "net": 650_000}
    texts = [f.resident_message for f in in08(stocks(650_000, withheld=30_000, attachments=[report(typo)]))]
    assert any("50,000円違います" in t and "差引金額" in t for t in texts)
    over = {**REPORT, "transfer_withheld": 40_000}
    texts = [f.resident_message for f in in08(stocks(600_000, withheld=40_000, attachments=[report(over)]))]
    assert any("10,000円超えています" in t for t in texts)


def test_a_loss_agrees_with_a_negative_difference():
    """Independent: a year's 譲渡損失 of 200,000円 is a report's 差引金額 of △200,000円 (対価 1,000,000 − 取得費等
    1,200,000): nothing raised; a report showing △150,000円 is 50,000円 off, the amount printed with △."""
    loss = {"proceeds": 1_000_000, "cost": 1_200_000, "net": -200_000, "income_tax": 0, "transfer_withheld": 0}
    assert in08(stocks(loss=200_000, attachments=[report(loss)])) == []
    smaller = {**loss, "cost": 1_150_000, "net": -150_000}
    (f,) = in08(stocks(loss=200_000, attachments=[report(smaller)]))
    assert "△150,000円" in f.resident_message and "50,000円違います" in f.resident_message


def test_a_declared_sale_without_the_report_goes_to_a_clerk():
    """Consistency: 上場株式等の譲渡 declared with no report whose 譲渡の欄 was typed goes to a clerk."""
    (f,) = in08(stocks(600_000))
    assert "特定口座年間取引報告書" in f.resident_message


def test_listed_dividends_agree_with_the_reports():
    """Independent: 上場株式等の配当等 (申告分離, 租税特別措置法第8条の4, 地方税法附則第33条の2) declared 200,000円
    against a report printing 配当等の額 150,000円: a clerk, 50,000円 named. A report of 200,000円 beside an
    80,000円 総合課税 配当 (a 少額配当 on no report) raises nothing; a report of 300,000円 against 280,000円
    declared in all is 20,000円 undeclared."""
    (f,) = in08(stocks(listed_dividend=200_000, attachments=[report({"dividend": 150_000, "withheld": 7_500})]))
    assert "50,000円多く" in f.resident_message
    assert in08(stocks(listed_dividend=200_000, attachments=[report({"dividend": 200_000, "withheld": 10_000})])) == []
    mixed = stocks(listed_dividend=200_000, attachments=[report({"dividend": 200_000, "withheld": 10_000})])
    mixed = type(mixed).from_record({"case": {**mixed.case, "income": {**mixed.case["income"], "dividend": 80_000}},
                                     "pattern": "other", "attachments": [report({"dividend": 200_000})]})
    assert in08(mixed) == []
    more = type(mixed).from_record({"case": mixed.case, "pattern": "other",
                                    "attachments": [report({"dividend": 300_000})]})
    (f,) = in08(more)
    assert "20,000円多く" in f.resident_message


def schedule(**carried: int) -> dict[str, Any]:
    return {"kind": "stock_loss_schedule", "filename": "fuhyo.pdf", "statement": carried}


def test_a_carried_loss_needs_the_schedule_and_its_three_years():
    """Independent: 租税特別措置法第37条の12の2第5項・第7項 (the 付表 attached; the loss of the 3 years before),
    地方税法附則第35条の2の6: for the income year 2025 (令和8年度) a loss of 2022 is brought in, one of 2021 is not;
    a loss brought in without the 付表 goes to a clerk; 250,000円 of 2022 against the 付表's 本年の3年前分 of
    200,000円 is 50,000円 over."""
    fine = stocks(600_000, withheld=30_000, carried=[(2022, 200_000)],
                  attachments=[report(REPORT), schedule(carried_3=200_000, carried_2=0, carried_1=0)])
    assert in08(fine) == []
    (f,) = in08(stocks(600_000, withheld=30_000, carried=[(2022, 200_000)], attachments=[report(REPORT)]))
    assert "付表" in f.resident_message
    texts = [f.resident_message for f in in08(stocks(
        600_000, withheld=30_000, carried=[(2021, 100_000), (2022, 250_000)],
        attachments=[report(REPORT), schedule(carried_3=200_000, carried_2=0, carried_1=0)]))]
    assert any("2021年分 100,000円" in t and "3年" in t for t in texts)
    assert any("50,000円多く" in t for t in texts)


def test_the_reports_file_must_show_what_was_typed():
    """Consistency: claim ↔ typed ↔ read — a report read at intake that does not show the 差引金額 typed goes to a
    clerk naming the item; one that shows every amount typed raises nothing."""
    shown = {"text": "特定口座年間取引報告書\n譲渡の対価の額 3,000,000\n取得費及び譲渡に要した費用の額等 2,400,000\n"
                     "差引金額 600,000\n源泉徴収税額 91,890\n株式等譲渡所得割額 30,000", "confidence": 88}
    assert in08(stocks(600_000, withheld=30_000, attachments=[report(REPORT, ocr=shown)])) == []
    other = {**shown, "text": shown["text"].replace("差引金額 600,000", "差引金額 500,000")}
    (f,) = in08(stocks(600_000, withheld=30_000, attachments=[report(REPORT, ocr=other)]))
    assert "差引金額（譲渡所得等の金額） 600,000円" in f.resident_message and "tokutei.pdf" in f.clerk_message
