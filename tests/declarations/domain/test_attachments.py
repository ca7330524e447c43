"""DE09 and DE10: what is attached is read and compared with the amount claimed (issue 20, item 3).

The 医療費通知's six items are those 国税庁タックスアンサー No.1119 lists (①被保険者等の氏名 ②療養を受けた年月
③療養を受けた者 ④病院等の名称 ⑤支払った医療費の額 ⑥保険者等の名称); 寄附金税額控除 counts the gifts made in
the year (地方税法第314条の7第1項)."""

from __future__ import annotations

from typing import Any

from jichitai.declarations.domain import Outcome, review
from jichitai.declarations.domain.documents import (
    OCR_MIN_CONFIDENCE,
    amounts_in_text,
    parse_medical_notice,
    read,
)

from .factories import OTHER, declaration, facts


def codes(decision: Any) -> set[str]:
    return {f.code for f in decision.findings}


def notice(*rows: tuple[str, str, str, str], name: str = "神戸 花子", insurer: str = "神戸市国民健康保険") -> str:
    """A 医療費通知情報 with the six items: one 療養 per row (年月, 受けた者, 病院等, 支払った額)."""
    body = "".join(
        f"<療養><療養を受けた年月>{m}</療養を受けた年月><療養を受けた者>{who}</療養を受けた者>"
        f"<病院等の名称>{where}</病院等の名称><支払った医療費の額>{amount}</支払った医療費の額></療養>"
        for m, who, where, amount in rows
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><医療費通知情報><被保険者等の氏名>{name}</被保険者等の氏名>'
            f"<保険者等の名称>{insurer}</保険者等の名称>{body}</医療費通知情報>")


def medical(paid: int, *attachments: dict[str, Any]) -> Any:
    return declaration(pattern="other", deductions={"medical_expenses": {"paid": paid, "reimbursed": 0}},
                       attachments=list(attachments))


def test_notice_xml_sums_the_income_year_only():
    """Independent: the amounts paid in 2025 (the income year of 令和8年度) are 12,300 + 4,560 円; a 療養 of
    December 2024 is not the year's 医療費 (所得税法第73条: その年中に支払った医療費)."""
    xml = notice(("2025-03", "神戸 花子", "神戸中央病院", "12,300"), ("2025-11", "神戸 太郎", "三宮薬局", "4560"),
                 ("2024-12", "神戸 花子", "神戸中央病院", "9,999"))
    reading = parse_medical_notice(xml, 2025)
    assert reading.usable and reading.total == 16_860
    assert "9,999円" in reading.notes[0]


def test_notice_missing_a_statutory_item_is_not_usable():
    """Independent: a 医療費通知 without ⑥保険者等の名称 (or with an amount that is no number) does not carry the
    six items the law requires, so it cannot stand for the 明細書."""
    no_insurer = notice(("2025-03", "神戸 花子", "神戸中央病院", "12300"), insurer="")
    reading = parse_medical_notice(no_insurer, 2025)
    assert not reading.usable and "⑥保険者等の名称" in (reading.problem or "")
    bad_amount = parse_medical_notice(notice(("2025-03", "神戸 花子", "病院", "一万円")), 2025)
    assert not bad_amount.usable and "⑤" in (bad_amount.problem or "")


def test_other_documents_and_hostile_xml_are_refused_in_words():
    """Consistency: a 住民票 passed off as a 医療費通知, broken XML and entity declarations are not read."""
    assert "医療費通知情報ではありません" in (parse_medical_notice("<住民票><氏名>神戸 花子</氏名></住民票>", 2025).problem or "")
    assert parse_medical_notice("<医療費通知情報>", 2025).problem
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><医療費通知情報>&a;</医療費通知情報>'
    assert "DOCTYPE" in (parse_medical_notice(bomb, 2025).problem or "")


def test_de09_matching_notice_passes_automatically():
    """Independent: a well-formed 医療費通知 showing 150,000円 paid in the year covers a claim of 150,000円 — the
    claim is accepted without a clerk."""
    xml = notice(("2025-05", "神戸 花子", "神戸中央病院", "150000"))
    d = medical(150_000, {"kind": "medical_detail", "filename": "iryohi.xml", "xml": xml})
    decision = review(d, facts())
    assert "DE09" not in codes(decision) and decision.outcome is Outcome.ACCEPTED


def test_de09_claim_above_the_documents_goes_to_a_clerk_with_both_texts():
    """Independent: documents showing 120,000円 against 200,000円 claimed: 80,000円 is not shown."""
    xml = notice(("2025-05", "神戸 花子", "神戸中央病院", "120000"))
    d = medical(200_000, {"kind": "medical_detail", "filename": "iryohi.xml", "xml": xml})
    decision = review(d, facts())
    f = next(x for x in decision.findings if x.code == "DE09")
    assert decision.outcome is Outcome.CLERK
    assert "120,000円" in f.resident_message and "80,000円少なく" in f.resident_message
    assert "200,000円" in f.clerk_message and "医療費通知情報（XML）: 120,000円" in f.clerk_message
    assert "第314条の2" in f.basis


def test_de09_statement_lines_are_the_filers_word_the_law_accepts():
    """Independent: the 明細書 is accepted on the filer's word (所得税法第120条第4項, receipts kept): lines summing
    to the claim pass, lines short of it do not."""
    lines = [{"provider": "神戸中央病院", "amount": 80_000}, {"provider": "三宮薬局", "amount": 40_000}]
    ok = medical(120_000, {"kind": "medical_detail", "filename": "meisai.pdf", "lines": lines})
    assert "DE09" not in codes(review(ok, facts()))
    short = medical(130_000, {"kind": "medical_detail", "filename": "meisai.pdf", "lines": lines})
    assert "DE09" in codes(review(short, facts()))


def test_de09_a_file_with_nothing_read_is_not_trusted_by_its_presence():
    """Consistency: a 住民票 PDF attached as the 明細書 (no amount in it) goes to a clerk, as does a scan read with
    a confidence under the bar, even when its amount matches."""
    bare = medical(300_000, {"kind": "medical_detail", "filename": "juminhyo.pdf"})
    f = next(x for x in review(bare, facts()).findings if x.code == "DE09")
    assert "読み取れませんでした" in f.resident_message
    juminhyo = {"text": "住民票の写し\n氏名 神戸 花子\n住所 神戸市中央区", "confidence": 91}
    assert "DE09" in codes(review(medical(300_000, {"kind": "medical_detail", "ocr": juminhyo}), facts()))
    blurred = {"text": "領収書\n合計 300,000円", "confidence": OCR_MIN_CONFIDENCE - 1}
    f = next(x for x in review(medical(300_000, {"kind": "medical_detail", "ocr": blurred}), facts()).findings
             if x.code == "DE09")
    assert f"信頼度 {OCR_MIN_CONFIDENCE - 1}%" in f.clerk_message
    clear = {"text": "領収書\n神戸 花子 様\n合 計 ３００，０００円", "confidence": 88}
    assert "DE09" not in codes(review(medical(300_000, {"kind": "medical_detail", "ocr": clear}), facts()))


def test_de10_receipts_of_the_year_against_the_claim():
    """Independent: 寄附金税額控除 counts gifts made in the income year (地方税法第314条の7第1項): two receipts of
    2025 (30,000 + 20,000円) cover 50,000円; one dated 2026 does not count toward a 2025 claim."""
    rows = [{"donee": "北海道上士幌町", "amount": 30_000, "date": "2025-06-01"},
            {"donee": "佐賀県上峰町", "amount": 20_000, "date": "2025-12-31"}]
    ok = declaration(pattern="other", donations={"furusato": 50_000},
                     attachments=[{"kind": "donation_receipt", "receipts": rows}])
    assert review(ok, facts()).outcome is Outcome.ACCEPTED
    late = [rows[0], {**rows[1], "date": "2026-01-05"}]
    short = declaration(pattern="other", donations={"furusato": 50_000},
                        attachments=[{"kind": "donation_receipt", "receipts": late}])
    f = next(x for x in review(short, facts()).findings if x.code == "DE10")
    assert "30,000円" in f.resident_message and "20,000円少なく" in f.resident_message


def test_de10_scan_must_show_the_amounts_entered():
    """Consistency: the rows entered with a scan are checked against its OCR text; an amount entered that the
    scan does not show sends the claim to a clerk."""
    rows = [{"donee": "北海道上士幌町", "amount": 30_000, "date": "2025-06-01"}]
    seen = {"text": "寄附金受領証明書\n寄附者 神戸 花子 様\n寄附金額 30,000円\n上士幌町長", "confidence": 85}
    ok = declaration(pattern="other", donations={"furusato": 30_000},
                     attachments=[{"kind": "donation_receipt", "receipts": rows, "ocr": seen}])
    assert "DE10" not in codes(review(ok, facts()))
    other = {"text": "寄附金受領証明書\n寄附者 神戸 花子 様\n寄附金額 10,000円", "confidence": 85}
    bad = declaration(pattern="other", donations={"furusato": 30_000},
                      attachments=[{"kind": "donation_receipt", "receipts": rows, "ocr": other}])
    assert "DE10" in codes(review(bad, facts()))


def test_de10_a_scanned_receipt_must_name_the_filer_as_the_donor():
    """Independent: 寄附金税額控除 is for gifts the taxpayer made (地方税法第314条の7第1項 「所得割の納税義務者が…
    寄附金を支出し」): a 受領証明書 whose amount is right but whose 寄附者 is another person — even a household member —
    goes to a clerk, naming whose name was read; the filer in a variant form (髙/高, katakana, OCR's spaces) passes;
    a scan read below the confidence bar is not judged by name (the amount's finding already sends it on)."""
    from .factories import person

    rows = [{"donee": "北海道上士幌町", "amount": 30_000, "date": "2025-06-01"}]

    def scan(donor: str, confidence: int = 85) -> Any:
        text = f"寄附金受領証明書\n寄附者 {donor} 様\n寄附金額 30,000円\n上士幌町長"
        return declaration(name="髙橋 花子", kana="タカハシ ハナコ", pattern="other", donations={"furusato": 30_000},
                           attachments=[{"kind": "donation_receipt", "filename": "furusato.png", "receipts": rows,
                                         "ocr": {"text": text, "confidence": confidence}}])

    husband = person("999999999999", name="髙橋 一郎", kana="タカハシ イチロウ")
    f = next(x for x in review(scan("髙橋 一郎"), facts(household=(husband,))).findings if x.code == "DE10")
    assert "寄附をしたあなたのお名前を読み取れませんでした" in f.resident_message and "furusato.png" in f.resident_message
    assert "髙橋 一郎" in f.clerk_message and f.severity.value == "clerk"
    stranger = next(x for x in review(scan("須磨 一郎"), facts()).findings if x.code == "DE10")
    assert "読み取れた氏名" not in stranger.clerk_message
    for own in ("高 橋 花 子", "髙橋　花子", "タカハシ ハナコ"):
        assert "DE10" not in codes(review(scan(own), facts())), own
    assert "名前" not in "".join(x.resident_message for x in review(scan("須磨 一郎", 40), facts()).findings
                                 if x.code == "DE10")


def test_amounts_beside_a_total_word():
    """Consistency: OCR spacing and full-width digits are folded; amounts without a total's word are ignored."""
    text = "領 収 書\n電話 078-331-8181\n合 計 ￥ 1 2 , 3 4 0\n内消費税 1,121円"
    assert amounts_in_text(text)[0] == 12_340
    assert read("medical_detail", {}, 2025).problem


# --- 配当割額控除 (IN06) --------------------------------------------------------------------------------------

def dividend(withheld: int, listed: int = 0, aggregate: int = 0, attach: bool = True,
             statement: dict[str, int] | None = None) -> Any:
    rec_attach = [{"kind": "dividend_statement", "filename": "tokutei.pdf"}] if attach else []
    if statement is not None:
        rec_attach[0]["statement"] = statement
    d = declaration(pattern="other", attachments=rec_attach)
    case = {**d.case, "separate_income": {"listed_dividend": listed},
            "local_tax_withheld": {"dividend": withheld}, "income": {**d.case["income"], "dividend": aggregate}}
    from jichitai.declarations.domain import Declaration

    return Declaration.from_record({"my_number": d.my_number, "name": d.name, "kana": d.kana, "pattern": "other",
                                    "birth_date": "1980-05-01", "case": case, "attachments": rec_attach,
                                    "address": {"town_code": d.town_code, "banchi": d.banchi}})


def test_in06_withheld_dividend_tax_needs_the_dividend_and_its_statement():
    """Independent: 配当割額控除 is for the 配当割 on 配当等 included in the 所得割 (地方税法第37条の4・第314条の9):
    a 配当割額 with no 配当 declared, or with no statement that shows it, goes back to the resident."""
    alone = next(f for f in review(dividend(5_000), facts()).findings if f.code == "IN06")
    assert "配当の金額も申告" in alone.resident_message and alone.severity.value == "return"
    unproven = next(f for f in review(dividend(5_000, listed=100_000, attach=False), facts()).findings
                    if f.code == "IN06")
    assert "特定口座年間取引報告書" in unproven.resident_message
    assert "IN06" not in codes(review(dividend(5_000, listed=100_000), facts()))
    assert "IN06" not in codes(review(dividend(0, aggregate=80_000, attach=False), facts()))


def test_de01_a_negative_dividend_is_returned():
    """Consistency: a negative 配当 is refused like any negative amount, named in words."""
    f = next(x for x in review(dividend(0, aggregate=-1), facts()).findings if x.code == "DE01")
    assert "配当所得（総合課税）" in f.resident_message


def test_de09_names_on_the_notice_are_the_filer_or_the_household():
    """Independent: 医療費控除 is for the filer and relatives sharing the filer's livelihood (地方税法第314条の2第1項
    第1号): a notice in a stranger's name goes to a clerk; one in a household member's name does not."""
    from .factories import person

    xml = notice(("2025-05", "須磨 一郎", "神戸中央病院", "150000"), name="須磨 一郎")
    d = medical(150_000, {"kind": "medical_detail", "filename": "iryohi.xml", "xml": xml})
    f = next(x for x in review(d, facts()).findings if x.code == "DE09")
    assert "須磨 一郎" in f.resident_message and "生計を一" in f.clerk_message
    member = person("999999999999", name="須磨　一郎")  # full-width space, as the registry may write it
    assert "DE09" not in codes(review(d, facts(household=(member,))))
    mine = medical(150_000, {"kind": "medical_detail", "xml": notice(("2025-05", "神戸 花子", "病院", "150000"))})
    assert "DE09" not in codes(review(mine, facts()))


# --- the statements' amounts (IN07 配当割額, DE12 住宅借入金等特別控除可能額) -----------------------------------------

def test_in07_the_withheld_dividend_tax_is_at_most_what_the_statements_show():
    """Independent: 配当割額控除 credits the 配当割 actually withheld on the 配当等 declared (地方税法第37条の4・
    第314条の9); 配当割 is 5 % (第71条の28): 100,000円 of 配当 → 5,000円. A statement showing 5,000円 covers a claim
    of 5,000円; a claim of 6,000円 goes to a clerk with both amounts; a statement without amounts entered is
    IN06's presence check only."""
    def claim(withheld: int, statement: dict[str, int] | None) -> Any:
        return dividend(withheld, aggregate=100_000, statement=statement)

    assert "IN07" not in codes(review(claim(5_000, {"dividend": 100_000, "withheld": 5_000}), facts()))
    f = next(x for x in review(claim(6_000, {"dividend": 100_000, "withheld": 5_000}), facts()).findings
             if x.code == "IN07")
    assert f.severity.value == "clerk" and "6,000円" in f.resident_message and "5,000円" in f.resident_message
    assert "IN07" not in codes(review(claim(6_000, None), facts()))


def test_de12_the_housing_credit_is_at_most_the_available_amount():
    """Independent: 地方税法附則第5条の4の2第1項 — the 住民税 credit is the part of the 所得税's 住宅借入金等特別控除
    可能額 that the 所得税 could not use (capped): never more than the 可能額 itself. 可能額 175,000円 (残高 2,500万円
    × 0.7 %) covers a 住民税 credit of 97,500円; a credit of 97,500円 against a 可能額 of 90,000円 goes to a clerk."""
    def housing(credit: int, available: int) -> Any:
        return declaration(housing_loan_credit=credit, attachments=[
            {"kind": "housing_loan_statement", "filename": "jutaku.pdf", "statement": {"available": available}}])

    assert 25_000_000 * 7 // 1000 == 175_000
    assert "DE12" not in codes(review(housing(97_500, 175_000), facts()))
    f = next(x for x in review(housing(97_500, 90_000), facts()).findings if x.code == "DE12")
    assert "97,500円" in f.resident_message and "90,000円" in f.clerk_message
    assert {"DE11", "DE12"}.isdisjoint(codes(review(housing(97_500, 97_500), facts())))


def test_in07_the_statements_file_must_show_the_amounts_entered():
    """Consistency: claim ↔ statement ↔ file. A 報告書 whose file was read at intake (OCR above the bar, or a
    PDF's own text) must show the 配当等の額 and 配当割額 entered with it; a file that shows other amounts, or was
    read below the confidence bar, goes to a clerk with the item named in Japanese. An imported statement without
    its file (nothing read) stands as entered."""
    entered = {"dividend": 100_000, "withheld": 5_000}

    def claim(ocr: dict[str, Any] | None) -> Any:
        d = dividend(5_000, aggregate=100_000, statement=entered)
        if ocr is not None:
            d.attachments[0].document["ocr"] = ocr
        return d

    shown = {"text": "特定口座年間取引報告書\n配当等の額 100,000\n配当割額 5,000", "confidence": 84}
    assert "IN07" not in codes(review(claim(shown), facts()))
    assert "IN07" not in codes(review(claim(None), facts()))
    other = {"text": "特定口座年間取引報告書\n配当等の額 100,000\n配当割額 3,000", "confidence": 84}
    f = next(x for x in review(claim(other), facts()).findings if x.code == "IN07")
    assert "配当割額（住民税） 5,000円" in f.resident_message and f.severity.value == "clerk"
    assert "tokutei.pdf" in f.clerk_message
    blurred = {**shown, "confidence": OCR_MIN_CONFIDENCE - 5}
    f = next(x for x in review(claim(blurred), facts()).findings if x.code == "IN07")
    assert f"信頼度 {OCR_MIN_CONFIDENCE - 5}%" in f.clerk_message


def test_de12_the_credit_is_at_most_what_the_income_tax_left():
    """Independent: 附則第5条の4の2第1項 — the 住民税 credit is the part of the 可能額 the 所得税 could not use. 可能額
    200,000円 of which 所得税 used 150,000円 leaves 50,000円: a credit of 97,500円 goes to a clerk; with 50,000円
    used (150,000円 left) it passes. The 源泉徴収票 and the 計算明細書 of one home repeat its figures: two documents
    of 90,000円 each do not make 180,000円."""
    def housing(credit: int, *statements: dict[str, int], ocr: dict[str, Any] | None = None) -> Any:
        docs = [{"kind": k, "filename": f"{k}.pdf", "statement": s}
                for k, s in zip(("withholding_slip", "housing_loan_statement"), statements, strict=False)]
        if ocr is not None:
            docs[0]["ocr"] = ocr
        return declaration(housing_loan_credit=credit, attachments=docs)

    f = next(x for x in review(housing(97_500, {"available": 200_000, "used": 150_000}), facts()).findings
             if x.code == "DE12")
    assert "50,000円" in f.resident_message and "控除しきれなかった" in f.resident_message
    assert "DE12" not in codes(review(housing(97_500, {"available": 200_000, "used": 50_000}), facts()))
    twice = housing(97_500, {"available": 90_000}, {"available": 90_000})
    assert "DE12" in codes(review(twice, facts()))
    slip = {"text": "給与所得の源泉徴収票\n住宅借入金等特別控除可能額 200,000\n住宅借入金等特別控除の額 50,000",
            "confidence": 90}
    assert "DE12" not in codes(review(housing(97_500, {"available": 200_000, "used": 50_000}, ocr=slip), facts()))
    f = next(x for x in review(housing(97_500, {"available": 250_000, "used": 50_000}, ocr=slip), facts()).findings
             if x.code == "DE12")
    assert "住宅借入金等特別控除可能額 250,000円" in f.resident_message


# --- the name on a scanned receipt (DE09) -----------------------------------------------------------------------

def test_de09_a_scanned_receipt_must_name_the_filer_or_a_relative_of_the_same_livelihood():
    """Independent: 医療費控除 is for 医療費 paid for the filer or a relative sharing the filer's livelihood
    (地方税法第314条の2第1項第1号). A receipt whose amount covers the claim but whose name is another person's goes
    to a clerk with the words; the filer's name in a variant form (髙/高, katakana reading, OCR's spaces), a claimed
    relative's and a household member's pass."""
    from .factories import person

    def scan(name_line: str, **over: Any) -> Any:
        text = f"領収書\n{name_line} 様\n神戸中央病院\n合計 150,000円"
        return declaration(name="髙橋 花子", kana="タカハシ ハナコ",
                           deductions={"medical_expenses": {"paid": 150_000, "reimbursed": 0}},
                           attachments=[{"kind": "medical_detail", "filename": "r.png",
                                         "ocr": {"text": text, "confidence": 88}}], **over)

    stranger = next(x for x in review(scan("須磨 一郎"), facts()).findings if x.code == "DE09")
    assert "お名前を読み取れませんでした" in stranger.resident_message and "r.png" in stranger.resident_message
    assert "生計を一" in stranger.clerk_message and stranger.severity.value == "clerk"
    for own in ("高 橋 花 子", "髙橋　花子", "タカハシ ハナコ", "たかはし はなこ"):
        assert "DE09" not in codes(review(scan(own), facts())), own
    member = person("999999999999", name="須磨 一郎", kana="スマ イチロウ")
    assert "DE09" not in codes(review(scan("須磨 一郎"), facts(household=(member,))))
    parent = {"my_number": OTHER, "name": "須磨 一郎", "birth_date": "1950-01-01", "total_income": 0,
              "relation": "parent", "cohabiting": False}
    assert "DE09" not in codes(review(scan("須磨 一郎", dependents=[parent]), facts()))
    blurred = declaration(deductions={"medical_expenses": {"paid": 150_000, "reimbursed": 0}}, attachments=[
        {"kind": "medical_detail", "ocr": {"text": "領収書\n須磨 一郎 様\n合計 150,000円", "confidence": 40}}])
    f = next(x for x in review(blurred, facts()).findings if x.code == "DE09")
    assert "信頼度 40%" in f.clerk_message  # below the bar: the amount's finding already sends it to a clerk
