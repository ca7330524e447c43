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


def test_the_tax_withheld_is_the_statutory_rate_of_the_difference_to_the_yen():
    """Independent: a 源泉徴収あり 特定口座 withholds 所得税 15 % with the 復興特別所得税 2.1 % of it, 15.315 %
    (租税特別措置法第37条の11の4第1項, 復興財源確保法第28条), and 株式等譲渡所得割 5 % (地方税法第71条の49), each
    1円未満切捨て (国税通則法第119条; 地方税法第20条の4の2第3項ただし書・施行令第6条の17第2項). By hand: 差引金額
    654,321円 × 15.315 % = 100,209.26… → 100,209円; × 5 % = 32,716.05 → 32,716円. Typed so, nothing is raised;
    100,210円 (rounded up) is 1円 over, 32,000円 is 716円 short — each named in yen, to a clerk."""
    net = {"proceeds": 2_654_321, "cost": 2_000_000, "net": 654_321}
    exact = {**net, "income_tax": 100_209, "transfer_withheld": 32_716}
    assert in08(stocks(654_321, withheld=32_716, attachments=[report(exact)])) == []
    up = {**exact, "income_tax": 100_210}
    (f,) = in08(stocks(654_321, withheld=32_716, attachments=[report(up)]))
    assert f.severity.value == "clerk" and "1円超えています" in f.resident_message
    assert "源泉徴収税額（所得税及び復興特別所得税）（100,210円）" in f.resident_message and "15.315%" in f.resident_message
    assert "100,209円" in f.clerk_message
    short = {**exact, "transfer_withheld": 32_000}
    (f,) = in08(stocks(654_321, withheld=32_000, attachments=[report(short)]))
    assert "株式等譲渡所得割額（32,000円）" in f.resident_message and "716円少なく" in f.resident_message


def test_no_tax_is_due_on_a_loss_and_none_is_checked_without_withholding():
    """Independent: on a 差引金額 of △200,000円 a 源泉徴収あり account withholds nothing (措法第37条の11の4), so a
    源泉徴収税額 of 3,000円 typed is 3,000円 over; a 源泉徴収なし account (簡易申告口座) prints no tax on a gain of
    600,000円 and raises nothing (the tax is then paid by this declaration)."""
    loss = {"proceeds": 1_000_000, "cost": 1_200_000, "net": -200_000, "income_tax": 3_000, "transfer_withheld": 0}
    (f,) = in08(stocks(loss=200_000, attachments=[report(loss)]))
    assert "源泉徴収税額" in f.resident_message and "0円を3,000円超えています" in f.resident_message
    plain = {**REPORT, "income_tax": 0, "transfer_withheld": 0}
    assert in08(stocks(600_000, attachments=[report(plain)])) == []


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


def statement(**amounts: int) -> dict[str, Any]:
    return {"kind": "stock_transfer_statement", "filename": "meisai.pdf", "statement": amounts}


def test_a_general_account_sale_with_its_statement_adding_up_is_accepted():
    """Independent: a 一般口座 sale has no 特定口座年間取引報告書; it is declared with the 株式等に係る譲渡所得等の金額の
    計算明細書, whose 差引金額 is 譲渡による収入金額 − 取得費及び譲渡に要した費用 (租税特別措置法第37条の11第1項):
    1,500,000 − 1,180,000 = 320,000円 declared as the 譲渡所得等 with no 株式等譲渡所得割額 (nothing withheld) raises
    nothing — where before it always went to a clerk. The same 明細書 with a 特定口座 report of 600,000円 carried onto
    it (収入 4,500,000 − 費用 3,580,000 = 920,000円) raises nothing either."""
    assert 1_500_000 - 1_180_000 == 320_000 and 4_500_000 - 3_580_000 == 920_000
    alone = statement(sale_revenue=1_500_000, sale_expenses=1_180_000, sale_net=320_000)
    assert in08(stocks(320_000, attachments=[alone])) == []
    both = statement(sale_revenue=4_500_000, sale_expenses=3_580_000, sale_net=920_000)
    assert in08(stocks(920_000, withheld=30_000, attachments=[report(REPORT), both])) == []


def test_a_statement_that_does_not_add_up_or_differs_from_the_declaration_goes_to_a_clerk():
    """Independent: 収入金額 1,500,000 − 費用 1,180,000 is 320,000円, so a 差引金額 of 330,000円 is 10,000円 off; a
    明細書 of 320,000円 against 350,000円 declared is 30,000円 off; a 一般口座 sale withholds nothing, so a
    株式等譲渡所得割額 of 16,000円 credited is 16,000円 more than any report shows (地方税法第37条の4・第314条の9);
    a 明細書 whose 収入金額 (1,000,000円) is below the 特定口座's 譲渡の対価 (3,000,000円) it must include is
    2,000,000円 short."""
    typo = statement(sale_revenue=1_500_000, sale_expenses=1_180_000, sale_net=330_000)
    texts = [f.resident_message for f in in08(stocks(330_000, attachments=[typo]))]
    assert texts == ["計算明細書（meisai.pdf）の差引金額（330,000円）が、譲渡による収入金額から取得費及び譲渡に要した費用を"
                     "引いた額（320,000円）と10,000円違います。職員が確認します。"]
    fine = statement(sale_revenue=1_500_000, sale_expenses=1_180_000, sale_net=320_000)
    (f,) = in08(stocks(350_000, attachments=[fine]))
    assert f.severity.value == "clerk" and "30,000円違います" in f.resident_message
    (f,) = in08(stocks(320_000, withheld=16_000, attachments=[fine]))
    assert "16,000円多く" in f.resident_message
    small = statement(sale_revenue=1_000_000, sale_expenses=400_000, sale_net=600_000)
    (f,) = in08(stocks(600_000, withheld=30_000, attachments=[report(REPORT), small]))
    assert "2,000,000円少なく" in f.resident_message
