"""納付書 of the 納税通知書 and their コンビニ収納 GS1-128 barcode (GS1 Japan 「GS1-128シンボルによる標準料金代理収納
ガイドライン」; layout as stored in Hitachi EUR システム設計ガイド 4.4.6 and rolan.co.jp, see payment_slip.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from jichitai import config
from jichitai.common.errors import ConfigurationError
from jichitai.tax.collection import payment_slip as ps

D = dt.date
PAYER = ps.Payer(2026, "000000012345", 1, "青木 太郎")


def test_the_44_digits_are_laid_out_as_the_guideline_says() -> None:
    """Independent (the guideline's table): AI 91 (2) + 請求書発行企業コード (6) + 自由使用欄 (21) + 再発行区分 (1) +
    支払期限 YYMMDD (6) + 印紙フラグ (1) + 支払金額 (6) + チェックデジット (1) = 44. The 自由使用欄's inside is ours
    (年度 2 + 宛名番号 15 + 版 2 + 期別 2)."""
    free = ps.free_field(2026, "12345", 3, 2)
    assert free == "26" + "000000000012345" + "03" + "02"
    code = ps.payload("912345", free, due=D(2026, 8, 31), amount=12_300)
    assert len(code) == 44 and code.isdigit()
    assert (code[:2], code[2:8], code[8:29], code[29], code[30:36], code[36], code[37:43]) == (
        "91",
        "912345",
        free,
        "0",
        "260831",
        "0",
        "012300",
    )
    assert ps.human_readable(code) == (f"(91)912345-{free}", f"0-260831-0-012300-{code[43]}")


def test_check_digit_is_modulus_10_weights_3_1_from_the_right() -> None:
    """Independent: the published モジュラス10・ウェイト3 example 4 9 4 2 5 6 3 0 1 2 3 4 → 1 (its table's sum 89;
    123deta.com's バーコードの基礎知識) and JAN 490123456789 → 4. Leading zeros add nothing, so the 43-digit function gives the
    same digit. [U] whether the AI 「91」 is inside the sum is not confirmed (payment_slip.check_digit)."""
    assert ps.check_digit("0" * 31 + "494256301234") == "1"
    assert ps.check_digit("0" * 31 + "490123456789") == "4"


def test_check_digit_over_the_whole_43_digits_including_the_ai() -> None:
    """[U] our choice (the AI 「91」 inside the sum), by hand: 91 999999 (21 zeros) 0 260630 0 012300, positions
    counted from the right, weight 3 on odd ones. 支払金額 012300 (positions 1–6): 0·3+0·1+3·3+2·1+1·3+0·1 = 14;
    印紙 0; 支払期限 260630 (8–13): 0·1+3·3+6·1+0·3+6·1+2·3 = 27; 再発行 and 自由使用欄 0; 企業コード 999999
    (36–41): 9·(1+3+1+3+1+3) = 108; AI: 「1」 (42) ·1 + 「9」 (43) ·3 = 28. Sum 177 → check digit 3. Without the AI
    the sum is 149 → 1: the digit the 収納代行会社's test slips must settle."""
    body = "91" + "999999" + "0" * 21 + "0" + "260630" + "0" + "012300"
    assert len(body) == 43
    assert ps.check_digit(body) == "3"


def test_items_that_do_not_fit_are_refused() -> None:
    """Independent (field widths): 宛名番号 over 15 digits, an amount over 999,999円 (6 digits), a code not 6 digits."""
    with pytest.raises(ps.SlipError):
        ps.free_field(2026, "1" * 16, 1, 1)
    with pytest.raises(ps.SlipError):
        ps.payload("912345", "0" * 21, due=D(2026, 6, 30), amount=1_000_000)
    with pytest.raises(ps.SlipError):
        ps.payload("91234", "0" * 21, due=D(2026, 6, 30), amount=1_000)


def test_the_symbol_is_gs1_128_start_c_then_fnc1() -> None:
    """Independent (ISO/IEC 15417 Code 128 values: Start C = 105, FNC1 = 102, Code C's value of a digit pair is the
    pair, the check character (Start + Σ position × value) mod 103, Stop = 106; GS1-128 = FNC1 after the start): the
    slip's symbol characters are Start C, FNC1, the 44 digits as 22 pairs, the check character and the stop — 58.52 mm
    wide with 0.19 mm modules and 10-module quiet zones, inside the guideline's 60 mm."""
    code = ps.payload("912345", ps.free_field(2026, "12345", 1, 1), due=D(2026, 6, 30), amount=12_300)
    values = ps.symbol(code)
    pairs = [int(code[i : i + 2]) for i in range(0, 44, 2)]
    assert values[:2] == [105, 102] and values[2:24] == pairs and values[25] == 106 and len(values) == 26
    assert values[24] == (105 + sum(k * v for k, v in enumerate(values[1:24], start=1))) % 103
    assert ps.symbol_width_mm(values) == pytest.approx(58.52)


def test_the_template_draws_code_128s_bar_patterns() -> None:
    """Consistency: the bar patterns the 納付書 template draws each symbol character with (its ``code128`` table, one
    string of modules per value) are python-barcode's Code 128 table, the stop with its terminating bar last."""
    import re

    from barcode.charsets import code128

    from jichitai.tax.collection.notices import TEMPLATES

    source = (TEMPLATES / "ordinary_notice.typ").read_text()
    table = re.search(r"#let code128 = \((.*?)\n\)", source, re.S)
    assert table is not None
    assert re.findall(r'"([01]+)"', table.group(1)) == [*code128.CODES, code128.STOP + "11"]
    assert len(code128.CODES) == ps.STOP


def test_a_slip_over_the_limit_or_without_a_code_has_no_barcode() -> None:
    """Independent: over the contract's limit (30万円 here) or with no 請求書発行企業コード, no symbol and the sentence
    that the slip cannot be used at a コンビニ."""
    over = ps.slip(
        PAYER, ps.Due("第1期", D(2026, 6, 30), 300_001, 1), biller_code="912345", limit=300_000, sample=False
    )
    at = ps.slip(PAYER, ps.Due("第1期", D(2026, 6, 30), 300_000, 1), biller_code="912345", limit=300_000, sample=False)
    none = ps.slip(PAYER, ps.Due("第1期", D(2026, 6, 30), 12_300, 1), biller_code=None, limit=300_000, sample=False)
    assert over["symbol"] == [] and ps.NOT_AT_CVS in over["no_barcode"] and "300,000円" in over["no_barcode"]
    assert at["symbol"] != [] and at["digits"][1].startswith("0-260630-0-300000-")
    assert none["symbol"] == [] and none["no_barcode"] == ps.NOT_AT_CVS
    assert (over["due"], over["amount"]) == ("令和8年6月30日", "300,001円")


def test_the_settings_refuse_a_malformed_code_or_limit() -> None:
    """Independent: the code is 6 digits (guideline item 2); the limit fits the 6-digit amount."""
    assert config.load({"JICHITAI_CVS_BILLER_CODE": "912345"}).cvs_biller_code == "912345"
    assert config.load({}).cvs_limit == 300_000
    for env in (
        {"JICHITAI_CVS_BILLER_CODE": "4912345"},
        {"JICHITAI_CVS_BILLER_CODE": "91234a"},
        {"JICHITAI_CVS_LIMIT": "1000000"},
        {"JICHITAI_CVS_LIMIT": "0"},
    ):
        with pytest.raises(ConfigurationError):
            config.load(env)


def _text(pdf: bytes, *how: str) -> str:
    """The PDF's text without spaces (pdftotext spaces digits); ``how`` e.g. ``-layout``."""
    return "".join(
        subprocess.run(["pdftotext", *how, "-", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )


def _decoded(pdf: bytes, tmp_path: Path) -> list[str]:
    """The GS1-128 symbols zbar reads on the rendered pages (300 dpi), each with zbar's GS1 (FNC1) modifier."""
    import re

    (tmp_path / "n.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(tmp_path / "n.pdf"), str(tmp_path / "p")], check=True)
    found = []
    for page in sorted(tmp_path.glob("p-*.png")):
        out = subprocess.run(["zbarimg", "-q", "--xml", str(page)], capture_output=True, text=True).stdout
        found += re.findall(r"type='CODE-128'[^>]*modifiers='GS1'><data><!\[CDATA\[(\d+)\]\]>", out)
    return found


@pytest.mark.django_db
def test_the_notice_prints_a_slip_per_term_and_one_for_prepayment(
    city: dict[str, str], tmp_path: Path, settings: object
) -> None:
    """納税通知書 read back (pdftotext): each 期's 納期限 in 和暦 and 納付額, 通知書番号, the city and the digits under
    each barcode; zbar (when installed) reads each symbol back as GS1-128 with those digits. Then a limit below
    the 前納 amount: that slip prints 「この納付書はコンビニエンスストアではお使いいただけません」 and no symbol.
    Consistency (the schedule's stored amounts) plus the guideline's layout."""
    from jichitai.common.wareki import to_wareki
    from jichitai.tax.assessment import services as assessment
    from jichitai.tax.collection import services as collection
    from jichitai.tax.collection.models import CollectionSchedule
    from jichitai.tax.collection.notices import ordinary_notice_pdf
    from jichitai.tax.models import ReceivedReport

    assessment.run(2026)
    ReceivedReport.objects.update(status="withdrawn")
    collection.build(2026, notice_on=D(2026, 5, 15))
    schedule = CollectionSchedule.objects.get(atena_number=city["taro"], current=True)
    items = list(schedule.instalments.filter(method="ordinary").order_by("position"))
    pdf = ordinary_notice_pdf(2026, city["taro"], on=D(2026, 6, 1))
    page = _text(pdf, "-layout")
    assert "納付書" in page and "納入先:神戸市" in page and "全期前納" in page and "見本" in page
    assert f"26-{city['taro']}-{schedule.assessment_version:02d}" in page
    expected = []
    for n, i in enumerate(items, start=1):
        assert f"{i.label}" in page and to_wareki(i.due) in page and f"{i.amount:,}円" in page
        code = ps.payload(
            ps.SAMPLE_BILLER_CODE,
            ps.free_field(2026, city["taro"], schedule.assessment_version, n),
            due=i.due,
            amount=i.amount,
        )
        assert all(line in page for line in ps.human_readable(code))
        expected.append(code)
    total = sum(i.amount for i in items)
    assert f"{total:,}円" in page and ps.NOT_AT_CVS not in page
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        assert sorted(_decoded(pdf, tmp_path)) == sorted(
            [
                *expected,
                ps.payload(
                    ps.SAMPLE_BILLER_CODE,
                    ps.free_field(2026, city["taro"], schedule.assessment_version, 0),
                    due=items[0].due,
                    amount=total,
                ),
            ]
        )

    settings.CONFIG = dataclasses.replace(settings.CONFIG, cvs_limit=total - 1)  # type: ignore[attr-defined]
    page = _text(ordinary_notice_pdf(2026, city["taro"], on=D(2026, 6, 1)))
    assert ps.NOT_AT_CVS in page and page.count("(91)") == len(items)


def test_no_slip_for_a_term_with_nothing_to_pay_nor_a_prepayment_of_one_term() -> None:
    """Independent (what a 納付書 is for): after a 更正 that leaves 第1期・第2期 at 0円, only 第3期・第4期 get slips
    plus their 前納 (第3期〜第4期); with only 第4期 left there is no separate 前納 slip. The 期別 digits keep the
    schedule's positions (03, 04)."""
    from types import SimpleNamespace as NS

    schedule = NS(fiscal_year=2026, atena_number="12345", assessment_version=2)
    items = [
        NS(label="第1期", due=D(2026, 6, 30), amount=0),
        NS(label="第2期", due=D(2026, 8, 31), amount=0),
        NS(label="第3期", due=D(2026, 11, 2), amount=20_000),
        NS(label="第4期", due=D(2027, 2, 1), amount=19_000),
    ]
    prepay = NS(label="第3期〜第4期前納", due=D(2026, 11, 2), amount=39_000)
    data = ps.for_notice(schedule, items, prepay, "青木 太郎")
    assert [s["label"] for s in data["items"]] == ["第3期", "第4期", "第3期〜第4期前納"]
    assert [s["digits"][0][-2:] for s in data["items"]] == ["03", "04", "00"]
    one = ps.for_notice(
        schedule,
        items[:3] + [NS(label="第4期", due=D(2027, 2, 1), amount=0)],
        NS(label="第3期〜第4期前納", due=D(2026, 11, 2), amount=20_000),
        "青木 太郎",
    )
    assert [s["label"] for s in one["items"]] == ["第3期"]


def test_decode_reads_back_what_payload_wrote() -> None:
    """Consistency (round trip): every item the slip's builder put into the 44 digits is read back."""
    free = ps.free_field(2026, "123456789012345", 2, 3)
    code = ps.payload("912345", free, due=D(2026, 11, 2), amount=45_000)
    assert ps.decode(code) == ps.Barcode("912345", 2026, "123456789012345", 2, 3, 0, D(2026, 11, 2), 0, 45_000)
    assert ps.decode(ps.payload("912345", ps.free_field(2026, "5", 1, 0), due=D(2026, 6, 30), amount=1)).term == 0


def test_decode_a_code_laid_out_by_hand_from_the_guideline_lengths() -> None:
    """Independent: the 44 digits written by hand from the guideline's item lengths (AI 91 (2), 企業コード 999999 (6),
    自由使用欄 (21), 再発行区分 (1), 支払期限 260630 (6), 印紙フラグ (1), 支払金額 012300 (6)) with the check digit 3
    computed by hand in test_check_digit_over_the_whole_43_digits_including_the_ai; the 自由使用欄 here is ours
    (年度 26, 宛名番号 15 digits, 版 01, 期別 02)."""
    free = "26" + "000000000012345" + "01" + "02"
    hand = "91" + "999999" + "0" * 21 + "0" + "260630" + "0" + "012300" + "3"
    b = ps.decode(hand)
    assert (b.biller_code, b.reissue, b.due, b.stamp, b.amount) == ("999999", 0, D(2026, 6, 30), 0, 12_300)
    with_free = "91" + "999999" + free + "0" + "260630" + "0" + "012300"
    b2 = ps.decode(with_free + ps.check_digit(with_free))
    assert (b2.fiscal_year, b2.atena_number, b2.version, b2.term) == (2026, "000000000012345", 1, 2)


@pytest.mark.parametrize(("code", "words"), [
    ("91" + "9" * 41, "チェックデジット"),
    ("9" * 43, "44桁"),
    ("92" + "999999" + "0" * 21 + "0" + "260630" + "0" + "012300" + "3", "AI"),
    ("91" + "999999" + "0" * 21 + "0" + "261330" + "0" + "012300" + "0", "支払期限"),
])
def test_decode_refuses_in_words(code: str, words: str) -> None:
    """Independent: a wrong length, an AI other than 91, a check digit that does not match (the hand-computed 3
    replaced) and a 支払期限 that is no date (month 13; its check digit made right first) are refused, saying which."""
    if words == "支払期限":
        code = code[:43] + ps.check_digit(code[:43])
    if words == "チェックデジット":
        hand = "91" + "999999" + "0" * 21 + "0" + "260630" + "0" + "012300"
        code = hand + "4"
    with pytest.raises(ps.SlipError, match=words):
        ps.decode(code)


def _notice(payer: ps.Payer, terms: list[ps.Due], prepay: ps.Due, *, places: str = "") -> dict[str, object]:
    """A 納税通知書's content as ``notices.ordinary_notice_data`` gives it, built by hand (no database)."""
    return {
        "title": "令和8年度 市民税・県民税・森林環境税 納税通知書", "issued": "令和8年5月15日", "issuer": "神戸市長",
        "recipient": {"postcode": "650-0001", "address": "兵庫県神戸市中央区加納町6丁目5番1号", "name": payer.name},
        "atena_number": payer.atena_number, "amounts": [["年税額", f"{prepay.amount:,}円"]],
        "instalments": [[t.label, "令和8年6月30日", f"{t.amount:,}円"] for t in terms],
        "prepay": [prepay.label, "令和8年6月30日", f"{prepay.amount:,}円"], "notes": [], "basis": "地方税法第319条の2。",
        "slips": ps.slips(payer, terms, prepay, city_name="神戸市", places=places, biller_code="912345",
                          limit=300_000, sample=False),
    }


def test_every_symbol_of_a_bulk_batch_reads_back_as_its_44_digits(tmp_path: Path) -> None:
    """Independent (zbar, a decoder of its own, reads the drawn bars): three 納税通知書 typeset in one compilation as
    the bulk issuance does (no structure tree), 4 期 and a 前納 each, different payers and amounts — every one of
    the 15 symbols on the pages decodes as GS1-128 to exactly the 44 digits ``payload`` gives for its slip."""
    from jichitai.registry.certificates.render import typst_pdf
    from jichitai.tax.collection.notices import TEMPLATES

    batch, expected = [], []
    for k, amount in enumerate((1_000, 61_700, 299_900)):
        payer = ps.Payer(2026, f"{10_000 + k * 7_919}", 1 + k, f"青木 太郎{k}")
        terms = [ps.Due(f"第{n}期", D(2026, 4 + 2 * n, 1 + n), amount + n, n) for n in range(1, 5)]
        prepay = ps.Due("全期前納", D(2026, 6, 30), min(4 * amount, 300_000), 0)
        batch.append(_notice(payer, terms, prepay))
        expected += [ps.payload("912345", ps.free_field(2026, payer.atena_number, payer.version, d.term), due=d.due,
                                amount=d.amount) for d in [*terms, prepay]]
    pdf = typst_pdf(TEMPLATES / "ordinary_notice.typ", batch, tags=False)
    assert sorted(_decoded(pdf, tmp_path)) == sorted(expected)


def test_a_long_name_widens_its_row_and_pushes_the_places_down(tmp_path: Path) -> None:
    """Consistency (the slip's own layout): a 納税者 name too long for one line of its cell wraps inside the table —
    the 納付場所 line still prints below the name's last line, not over it — and the whole name is on the slip."""
    import re

    from jichitai.registry.certificates.render import typst_pdf
    from jichitai.tax.collection.notices import TEMPLATES

    name = "ウィリアムズ　アレクサンドラ　エリザベス　キャサリン　マーガレット　ヴィクトリア"
    payer = ps.Payer(2026, "12345", 1, name)
    terms = [ps.Due("第1期", D(2026, 6, 30), 12_300, 1), ps.Due("第2期", D(2026, 8, 31), 12_000, 2)]
    pdf = typst_pdf(TEMPLATES / "ordinary_notice.typ", _notice(payer, terms, ps.Due("全期前納", D(2026, 6, 30), 24_300, 0)))
    (tmp_path / "n.pdf").write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox", str(tmp_path / "n.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = sorted((round(float(y0)), float(x0), float(y1), w) for x0, y0, y1, w in
                   re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html))
    first_slip = [w for w in words if w[0] < 260]  # the first of three slips a page (84 mm ≈ 238 pt each)
    text = "".join(w for _, _, _, w in first_slip)  # line by line, left to right
    assert name.replace("　", "") in text.replace("納税者", "").replace("様", "")
    name_bottom = max(y1 for _, _, y1, w in first_slip if w.endswith("様"))
    places_top = min(y0 for y0, _, _, w in first_slip if w.startswith("納付場所"))
    assert places_top > name_bottom
