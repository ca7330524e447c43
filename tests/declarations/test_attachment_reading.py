"""Attachments are read at intake (issue 20 item 3): a scanned receipt by tesseract-ocr-jpn, a PDF by its own
text, the 医療費通知 XML as sent; then the review compares what was read with what was claimed."""

from __future__ import annotations

import random
import re
import subprocess
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jichitai.declarations import ocr
from jichitai.declarations.domain.documents import read
from jichitai.declarations.models import Declaration, Status
from jichitai.synth.attachment_docs import receipt_scan
from jichitai.synth.receipt_images import receipt_png


def test_ocr_reads_the_amount_of_a_generated_receipt_image():
    """Independent of the reader: the amount is the one printed on the image (12,340円), read back by
    tesseract-ocr-jpn with its confidence, which is shown to the clerk."""
    got = ocr.read_document(receipt_png(["領収書", "神戸 花子 様", "診療日 令和7年5月12日", "合計 12,340円",
                                         "神戸中央クリニック"]), "image/png")
    assert got.get("engine") == "tesseract jpn", got
    reading = read("medical_detail", {"ocr": got}, 2025)
    assert reading.total == 12_340 and reading.usable
    assert reading.confidence is not None and 0 < reading.confidence <= 100
    assert "信頼度" in reading.describe()


def test_ocr_reads_a_receipt_the_synthetic_city_scanned():
    """Independent of the reader: the synthetic city's scanned receipt (synth/receipt_images.py) is read back by
    tesseract-ocr-jpn with the amount printed on it, above the confidence the review trusts."""
    _, lines = receipt_scan(7, "灘 花子", 123_450, 2025, random.Random(3))
    reading = read("medical_detail", {"ocr": ocr.read_document(receipt_png(lines), "image/png")}, 2025)
    assert reading.total == 123_450 and reading.usable, reading


@pytest.mark.django_db
def test_the_import_reads_the_scans_a_record_names(tmp_path, resident):
    """An imported record's scanned receipt is read as an upload (type by its first bytes, then OCR); a claim
    above the receipt goes to a clerk (DE09), one within it is accepted; a missing file or one outside the
    import folder becomes a reading that says why, never a dropped record."""
    from jichitai.declarations import filing, reviewing
    from tests.declarations.conftest import record_for

    (tmp_path / "scans").mkdir()
    _, lines = receipt_scan(1, "灘 花子", 150_000, 2025, random.Random(1))
    (tmp_path / "scans" / "r.png").write_bytes(receipt_png(lines))
    records = []
    for ref, paid, image in (("T-scan-ok", 150_000, "scans/r.png"), ("T-scan-short", 250_000, "scans/r.png"),
                             ("T-scan-missing", 150_000, "scans/none.png"), ("T-scan-out", 150_000, "../x.png")):
        rec = record_for(resident(name="灘 花子"), ref=ref, pattern="salary_only", medical={"paid": paid, "reimbursed": 0},
                         attachments=[{"kind": "medical_detail", "filename": "r.png", "image": image}])
        records.append(rec)
    filing.import_records(records, fiscal_year=2026, actor="system:test", files=tmp_path)
    docs = {d.source_ref: d.data["attachments"][0] for d in Declaration.objects.all()}
    assert docs["T-scan-ok"]["ocr"]["engine"] == "tesseract jpn" and "image" not in docs["T-scan-ok"]
    assert docs["T-scan-missing"]["ocr"]["problem"] == "添付ファイルが見つかりません"
    assert "外" in docs["T-scan-out"]["ocr"]["problem"]
    reviewing.review_submitted(2026)
    codes = {d.source_ref: d.review_codes for d in Declaration.objects.all()}
    assert "DE09" not in codes["T-scan-ok"] and "DE09" in codes["T-scan-short"]
    assert all("DE09" in codes[r] for r in ("T-scan-missing", "T-scan-out"))


def test_a_pdf_is_read_by_its_own_text(tmp_path):
    """Independent: a PDF whose text says 寄附金額 30,000円 (typeset here by Typst) is read without OCR."""
    typst = pytest.importorskip("typst")
    src = tmp_path / "r.typ"
    src.write_text('#set text(font: "Noto Sans CJK JP")\n寄附金受領証明書\n\n寄附金額 30,000円\n', encoding="utf-8")
    pdf = typst.compile(str(src), font_paths=["/usr/share/fonts/opentype/noto"])
    got = ocr.read_document(pdf, "application/pdf")
    assert got["engine"] == "pdftotext" and read("other", {"ocr": got}, 2025).total == 30_000


def test_an_unreadable_file_says_why():
    """Consistency: HEIC (tesseract cannot open it) gives a reason, never an exception."""
    assert "HEIC" in ocr.read_document(b"\x00\x00\x00\x18ftypheic", "image/heic")["problem"]
    assert subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.count("jpn") == 1


# --- through the portal -----------------------------------------------------------------------------------

def _client_with_draft(resident: Any, salary_report: Any, **amounts: str) -> tuple[Client, Declaration, str]:
    me = resident()
    salary_report(me["my_number"], 4_200_000)
    c = Client(enforce_csrf_checks=True)

    def token(url: str) -> str:
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', c.get(url).content.decode())
        assert m
        return m.group(1)

    c.post("/declarations/portal/", {"my_number": me["my_number"], "csrfmiddlewaretoken": token("/declarations/portal/")})
    c.post("/declarations/portal/new/", {"pattern": "other", "csrfmiddlewaretoken": token("/declarations/portal/new/")})
    d = Declaration.objects.get(owner_index=me["actor"].my_number_index)
    edit = f"/declarations/portal/{d.pk}/edit/"
    t = token(edit)
    form = {"csrfmiddlewaretoken": t, "others": "1", "salary": "4200000", "pension": "0", "business": "0",
            "misc_other": "0", "social_insurance": "600000", "medical_paid": "0", "medical_reimbursed": "0",
            "furusato": "0", "donation_other": "0", "save": "1", **amounts}
    assert c.post(edit, form).status_code in (200, 302)
    return c, d, t


def _attach(c: Client, d: Declaration, t: str, kind: str, name: str, content: bytes, content_type: str,
            **fields: str) -> Any:
    """Upload one file through the portal's form (with the 受領証明書's fields when given)."""
    return c.post(f"/declarations/portal/{d.pk}/attachments/", {
        "csrfmiddlewaretoken": t, "kind": kind, **fields,
        "file": SimpleUploadedFile(name, content, content_type=content_type)})


def _submit(c: Client, d: Declaration, t: str) -> Declaration:
    confirm = c.get(f"/declarations/portal/{d.pk}/confirm/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', confirm).group(1)  # type: ignore[union-attr]
    c.post(f"/declarations/portal/{d.pk}/submit/", {"csrfmiddlewaretoken": t, "idempotency_key": key})
    d.refresh_from_db()
    return d


@pytest.mark.django_db
def test_a_juminhyo_pdf_no_longer_passes_as_the_medical_statement(resident, salary_report):
    """Consistency: the issue's case — a 住民票 PDF attached as the 医療費 statement goes to a clerk, with what was
    read shown to the clerk and the resident."""
    c, d, t = _client_with_draft(resident, salary_report, medical_paid="250000")
    pdf = _typst_pdf("住民票の写し\n\n氏名 神戸 花子\n\n住所 兵庫県神戸市中央区加納町6丁目5番1号")
    assert _attach(c, d, t, "medical_detail", "iryohi.pdf", pdf, "application/pdf").status_code == 302
    d = _submit(c, d, t)
    assert d.status == Status.CLERK
    finding = next(f for f in d.decisions.get().findings if f["code"] == "DE09")
    assert "読み取れませんでした" in finding["resident_message"]


@pytest.mark.django_db
def test_a_donation_receipt_photo_matching_the_claim_is_accepted(resident, salary_report):
    """Independent: a receipt photo printed with 寄附金額 30,000円, entered as 北海道上士幌町・30,000円・令和7年6月1日,
    covers a ふるさと納税 claim of 30,000円 in the 2025 income year: accepted without a clerk."""
    c, d, t = _client_with_draft(resident, salary_report, furusato="30000")
    year = d.fiscal_year - 1
    png = receipt_png(["寄附金受領証明書", "神戸 花子 様", f"寄附日 {year}年6月1日", "寄附金額 30,000円", "北海道上士幌町長"])
    missing = _attach(c, d, t, "donation_receipt", "kifu.png", png, "image/png")
    assert missing.status_code == 400 and "寄附先" in missing.content.decode()
    ok = _attach(c, d, t, "donation_receipt", "kifu.png", png, "image/png", donee="北海道上士幌町", amount="30000",
                 donated_on=f"令和{year - 2018}年6月1日")
    assert ok.status_code == 302, ok.content.decode()[:800]
    d = _submit(c, d, t)
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings


def _typst_pdf(text: str) -> bytes:
    import tempfile
    from pathlib import Path

    import typst

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "d.typ"
        src.write_text('#set text(font: "Noto Sans CJK JP")\n' + text + "\n", encoding="utf-8")
        return bytes(typst.compile(str(src), font_paths=["/usr/share/fonts/opentype/noto"]))


def test_a_disability_book_copy_is_read_for_the_clerk():
    """Independent of the reader: the name and the grade printed on a generated 身体障害者手帳 copy (「神戸 花子」,
    「2級」) are read back and shown in the clerk's text of ST03; the claim still goes to a clerk (a copy is never
    accepted by OCR alone)."""
    from jichitai.declarations.domain import Outcome, review
    from tests.declarations.domain.factories import declaration, facts

    got = ocr.read_document(receipt_png(["身体障害者手帳", "氏名 神戸 花子", "障害程度等級 2級"]), "image/png")
    d = declaration(case={**declaration().case, "taxpayer": {"birth_date": "1980-05-01", "sex": "female",
                                                             "disability": "general"}},
                    attachments=[{"kind": "disability_certificate", "filename": "techo.png", "ocr": got}])
    decision = review(d, facts())
    f = next(x for x in decision.findings if x.code == "ST03")
    assert decision.outcome is Outcome.CLERK
    assert "氏名 一致" in f.clerk_message and "等級 2級" in f.clerk_message and "信頼度" in f.clerk_message


def test_ocr_reads_the_name_on_a_generated_receipt():
    """Independent of the reader: receipts drawn with a 宛名 (synth/receipt_images.py) and read back by
    tesseract-ocr-jpn. 「髙橋 花子 様」 for a filer registered as 「高橋 花子」 is the filer (異体字 folded by
    common.text); 「須磨 一郎 様」, nobody in her household nor claimed, goes to a clerk (DE09) with the words,
    though the amount covers the claim (地方税法第314条の2第1項第1号: the filer's or a relative's 医療費)."""
    from jichitai.declarations.domain import review
    from tests.declarations.domain.factories import declaration, facts, person

    def claim(name_on_receipt: str) -> Any:
        png = receipt_png(["領収書", f"{name_on_receipt} 様", "神戸中央病院", "2025年5月12日", "合計 150,000円"])
        got = ocr.read_document(png, "image/png")
        return declaration(name="高橋 花子", deductions={"medical_expenses": {"paid": 150_000, "reimbursed": 0}},
                           attachments=[{"kind": "medical_detail", "filename": "r.png", "ocr": got}])

    me = facts(person=person(name="高橋 花子", kana="タカハシ ハナコ"))
    assert not [f for f in review(claim("髙橋 花子"), me).findings if f.code == "DE09"]
    (f,) = [f for f in review(claim("須磨 一郎"), me).findings if f.code == "DE09"]
    assert "お名前を読み取れませんでした" in f.resident_message and f.severity.value == "clerk"


def test_a_name_line_is_read_again_on_its_own():
    """Consistency (real tesseract-ocr-jpn on generated photos): read with the whole page, tesseract misread these
    donors' given names (「阿久津 MAB 佑志」); the 「… 様」 line read again alone gives them, so DE10 does not send a
    clean 受領証明書 to a clerk for a misreading. (Of 30 synthetic names, 7 were misread on the page, 3 still are.)"""
    from jichitai.declarations.domain.documents import names_shown

    for donor in ("阿久津\u3000佑志", "藤原\u3000宇哉", "岩田\u3000宗治"):
        got = ocr.read_document(receipt_png(["寄附金受領証明書", f"寄附者 {donor} 様", "寄附日 2025年6月1日",
                                             "寄附金額 30,000円", "北海道上士幌町長"]), "image/png")
        assert names_shown(got["text"], [donor]), got["text"]
        assert names_shown(got["text"].splitlines()[-1], [donor])    # the re-read line, below the page's text
        assert len(got["text"].splitlines()) == 6                        # the page's five lines are kept as read
