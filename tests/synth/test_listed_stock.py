"""The synthetic 住民税申告 with 上場株式等 (申告分離) and with a 寄附金受領証明書's photo, and their labelled defects,
against the review's rules IN08 and DE10 (consistency: from our own generator and our own rules).

A city of 5,000 (pure generator, no database) with a defect share of 30 % so that every kind gets one, and the
share of filers declaring 上場株式等 raised to 25 % so that there are some dozens of clean ones to look at (the
city's own share, listed_stock.DECLARED_SHARE, is 3 %). The photos are given their OCR text as the lines drawn
(a perfect reading); test_a_donation_photo_is_read_back_with_its_donor reads one generated image with tesseract."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from jichitai.declarations.domain import review
from jichitai.declarations.domain.model import Declaration
from jichitai.synth import listed_stock
from jichitai.synth.geography import build_towns
from jichitai.synth.history import Simulation
from jichitai.synth.population import City, build_base_population
from jichitai.synth.taxdata import TaxWriter, incomes
from jichitai.tax.calc import calculate
from jichitai.tax.case import parse_case
from tests.declarations.domain.factories import facts

SEED, N = 2026, 5000
INCOME_YEAR = 2025


@pytest.fixture(scope="module")
def year() -> dict[str, Any]:
    patch = pytest.MonkeyPatch()
    patch.setattr(listed_stock, "DECLARED_SHARE", 0.25)
    try:
        city = City(seed=SEED, t0=dt.date(2024, 4, 1), towns=build_towns(SEED))
        build_base_population(city, N, random.Random(f"population:{SEED}"))
        sim = Simulation(city, SEED, dt.date(2024, 4, 1), 2, dt.date(2026, 1, 1))
        for _ in sim.run():
            pass
        rng = random.Random("tax")
        ty = incomes(city, [city.people[p] for p in sorted(sim.jan1.address)], INCOME_YEAR, rng)
        writer = TaxWriter(city, ty, sim.jan1.address, {t.code: t for t in city.towns}, rng, 0.3)
        writer.reports()
        writer.declarations()
    finally:
        patch.undo()
    return {"ty": ty, "kind": dict(ty.defects)}


def as_read(d: dict[str, Any], scans: dict[str, list[str]]) -> Declaration:
    """The declaration as the review sees it after intake: each photo's text read (here: the lines drawn)."""
    attachments = []
    for a in d["attachments"]:
        a = dict(a)
        if "image" in a:
            a["ocr"] = {"text": "\n".join(scans[a.pop("image")]), "confidence": 90}
        attachments.append(a)
    return Declaration.from_record({**d, "attachments": attachments}, fiscal_year=INCOME_YEAR + 1)


def codes(d: Declaration) -> set[str]:
    return {f.code for f in review(d, facts()).findings if f.severity.value != "note"}


def has_stock(d: dict[str, Any]) -> bool:
    return listed_stock.has_claim(d["case"])


def test_clean_declarations_with_listed_shares_agree_with_their_reports(year: dict[str, Any]) -> None:
    """Consistency: every clean declaration of 上場株式等 carries 報告書 whose 差引金額 is 対価 − 取得費等 (租税特別措置法
    第37条の11) and sum to the 譲渡所得等 (or 損失) declared — or, for a few (a 一般口座), a 計算明細書 whose 差引金額 is
    収入 − 費用 and is what is declared —, withheld at 15.315 % and 5 % where anything is withheld (措法第37条の11の4,
    地方税法第71条の49), a 株式等譲渡所得割額 credited as they show, a loss brought in only of the 3 years before and with its 付表 (第37条の12の2); the engine
    computes each case, and IN08 raises nothing on any of them."""
    ty, kind = year["ty"], year["kind"]
    clean = [d for d in ty.declarations if has_stock(d) and d["declaration_ref"] not in kind]
    assert len(clean) >= 20, len(clean)
    assert any(d["case"]["separate_income"]["listed_stock_loss"] for d in clean)
    assert any(d["case"].get("carryover") for d in clean)
    general = [d for d in clean if any(a["kind"] == "stock_transfer_statement" for a in d["attachments"])]
    assert general and len(general) < len(clean) / 4, len(general)
    for d in clean:
        ref, case = d["declaration_ref"], d["case"]
        reports = [a["statement"] for a in d["attachments"] if "net" in a.get("statement", {})]
        meisai = [a["statement"] for a in d["attachments"] if a["kind"] == "stock_transfer_statement"]
        assert bool(reports) != bool(meisai), ref  # a 特定口座's 報告書, or a 一般口座's 計算明細書
        assert all(r["net"] == r["proceeds"] - r["cost"] for r in reports), ref
        assert all(m["sale_net"] == m["sale_revenue"] - m["sale_expenses"] for m in meisai), ref
        assert all(r["transfer_withheld"] == max(r["net"], 0) * 5 // 100 and
                   r["income_tax"] == max(r["net"], 0) * 15315 // 100000 for r in reports if r["income_tax"]), ref
        sep = case["separate_income"]
        assert sum(r["net"] for r in reports) + sum(m["sale_net"] for m in meisai) == \
            sep["listed_stock"] - sep["listed_stock_loss"], ref
        assert case["local_tax_withheld"]["stock_transfer"] == sum(r["transfer_withheld"] for r in reports), ref
        for e in (case.get("carryover") or {}).get("listed_stock_loss_by_year", []):
            assert 1 <= INCOME_YEAR - e["year"] <= 3, ref
            (fuhyo,) = [a["statement"] for a in d["attachments"] if a["kind"] == "stock_loss_schedule"]
            assert fuhyo[f"carried_{INCOME_YEAR - e['year']}"] == e["amount"], ref
        calculate(parse_case(case))  # no refusal
        assert "IN08" not in codes(as_read(d, ty.scans)), ref


def test_clean_donation_photos_name_the_filer(year: dict[str, Any]) -> None:
    """Consistency: a clean 受領証明書 photo names the filer as 寄附者 and shows the amount entered: DE10 raises
    nothing (地方税法第314条の7第1項)."""
    ty, kind = year["ty"], year["kind"]
    photos = [d for d in ty.declarations if d["declaration_ref"] not in kind
              and any(a["kind"] == "donation_receipt" and "image" in a for a in d["attachments"])]
    assert photos
    for d in photos:
        assert "DE10" not in codes(as_read(d, ty.scans)), d["declaration_ref"]


@pytest.mark.parametrize("defect", [*listed_stock.STOCK_DEFECTS, "donation_receipt_other_donor"])
def test_each_new_defect_is_caught_by_its_rule(year: dict[str, Any], defect: str) -> None:
    """Consistency: each labelled declaration of the kind (alone or with a second defect) draws the rule the bench
    counts for it — IN08 for the 上場株式等 kinds, DE10 for a photo naming a household member as 寄附者."""
    ty, kind = year["ty"], year["kind"]
    labelled = [d for d in ty.declarations if defect in kind.get(d["declaration_ref"], "").split("+")]
    assert labelled, defect
    rule = "DE10" if defect == "donation_receipt_other_donor" else "IN08"
    for d in labelled:
        assert rule in codes(as_read(d, ty.scans)), (defect, d["declaration_ref"])
        if defect == "donation_receipt_other_donor":
            (photo,) = [a for a in d["attachments"] if a["kind"] == "donation_receipt" and "image" in a]
            donor = ty.scans[photo["image"]][1]
            assert d["name"] not in donor, d["declaration_ref"]


def test_a_donation_photo_is_read_back_with_its_donor() -> None:
    """Consistency, with the real reader (tesseract-ocr-jpn): the generator's 受領証明書 photo
    (attachment_docs.donation_scan drawn by receipt_images) naming the filer passes DE10; the same photo naming her
    husband goes to a clerk naming him (地方税法第314条の7第1項: the taxpayer's own gifts)."""
    from jichitai.declarations import ocr
    from jichitai.synth.attachment_docs import donation_scan
    from jichitai.synth.receipt_images import receipt_png
    from tests.declarations.domain.factories import declaration, person

    row = {"donee": "北海道上士幌町", "amount": 30_000, "date": "2025-06-01"}

    def filed(donor: str) -> Declaration:
        attachment, lines = donation_scan(1, donor, row)
        attachment = {k: v for k, v in attachment.items() if k != "image"}
        attachment["ocr"] = ocr.read_document(receipt_png(lines), "image/png")
        return declaration(name="長田 花子", kana="ナガタ ハナコ", pattern="other", donations={"furusato": 30_000},
                           attachments=[attachment])

    husband = person("999999999999", name="長田 一郎", kana="ナガタ イチロウ")
    me = facts(person=person(name="長田 花子", kana="ナガタ ハナコ"), household=(husband,))
    assert "DE10" not in {f.code for f in review(filed("長田 花子"), me).findings}
    (f,) = [f for f in review(filed("長田 一郎"), me).findings if f.code == "DE10"]
    assert "長田 一郎" in f.clerk_message and f.severity.value == "clerk"
