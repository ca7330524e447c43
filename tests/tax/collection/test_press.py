"""The bulk issuance's print press (tax.collection.press): the PDFs typeset by spawned worker processes print what
the one-process path prints, and a batch that fails is reported by its file and leaves nothing half-written.
No statute fixes these: they are the issuance's own promises (issue 21), so every test here is **consistency**."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from jichitai.tax.collection import press

D = dt.date
FAILING = """#let batch = json(bytes(sys.inputs.data))
#for d in batch [ #if d.fail { panic("テスト用の失敗: " + d.name) } #d.name #pagebreak(weak: true) ]
"""


def _text(pdf: bytes) -> str:
    import subprocess

    assert pdf.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.mark.django_db
def test_the_pool_prints_what_one_process_prints(city: dict[str, str], tmp_path: Path, monkeypatch: Any) -> None:
    """An employer's notices (its 特別徴収義務者用 notice and its employee's 納税義務者用 notice) and a 納税通知書,
    one notice a file: two spawned workers write the same files, each with the same text (pdftotext), as the
    one-process path, and count the same. Consistency (the one-process path is checked against the law in
    test_services.py)."""
    from jichitai.tax import reports
    from jichitai.tax.assessment import services as assessment
    from jichitai.tax.collection import issuance
    from jichitai.tax.collection import services as collection
    from jichitai.tax.models import ReceivedReport
    from tests.tax.conftest import HANAKO, store_report
    from tests.tax.test_reports import salary_row

    second = reports.make_corporate_number(400000000001)
    store_report("eltax-4.csv", salary_row(my_number=HANAKO, name="青木 花子", kana="アオキ ハナコ", payer_number=second,
                                           payer_name="副業株式会社", salary_paid=1_500_000, salary_income=950_000))
    assessment.run(2026)
    ReceivedReport.objects.filter(payer_number=second).update(status="withdrawn")  # Hanako: 普通徴収
    collection.build(2026, notice_on=D(2026, 5, 15))
    monkeypatch.setattr(issuance, "BATCH", 1)
    alone = issuance.write_pdfs(2026, tmp_path / "one", on=D(2026, 5, 15), workers=1)
    pooled = issuance.write_pdfs(2026, tmp_path / "two", on=D(2026, 5, 15), workers=2)
    assert alone == pooled == (1, 1)
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.pdf"))
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.pdf"))
    assert one == two and len(one) == 3
    for name in one:
        assert _text((tmp_path / "two" / name).read_bytes()) == _text((tmp_path / "one" / name).read_bytes())
    nouzei = "".join(_text(next((tmp_path / "two" / "nouzei").iterdir()).read_bytes()).split())
    assert "納税通知書" in nouzei and "青木花子" in nouzei and "納付書" in nouzei


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failed_batch_is_named_and_nothing_of_it_or_after_it_is_left(tmp_path: Path, workers: int) -> None:
    """Four files, the second fails in Typst: the error names that file and its cause; the first file is whole
    and counted, the failed one and those submitted after it are absent (a batch already running beside it is
    removed), no temporary file stays, and only the first was reported done. Consistency."""
    template = tmp_path / "failing.typ"
    template.write_text(FAILING, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    done: list[str] = []
    with pytest.raises(press.PressError) as caught, press.Press(workers) as pdfs:
        for name in ("a", "b", "c", "d"):
            pdfs.submit(out / f"{name}.pdf", template, [{"name": name, "fail": name == "b"}],
                        lambda name=name: done.append(name))  # type: ignore[misc]
    assert "out/b.pdf" in caught.value.message and "テスト用の失敗: b" in caught.value.message
    assert caught.value.fields["path"] == str(out / "b.pdf")
    assert done == ["a"] and sorted(p.name for p in out.iterdir()) == ["a.pdf"]
    assert _text((out / "a.pdf").read_bytes()).strip() == "a"


@pytest.mark.django_db
def test_the_command_reports_a_failed_batch_in_words(city: dict[str, str], tmp_path: Path, monkeypatch: Any) -> None:
    """``jichitai tax collection --pdf --workers 2`` whose 納税通知書 template cannot be typeset: a refusal that
    names the file and its cause, no 納税通知書 file and no temporary file written. Consistency."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from jichitai.tax.assessment import services as assessment
    from jichitai.tax.collection import notices
    from jichitai.tax.models import ReceivedReport

    templates = tmp_path / "templates"
    shutil.copytree(notices.TEMPLATES, templates)
    (templates / "ordinary_notice.typ").write_text('#panic("壊れた様式")\n', encoding="utf-8")
    monkeypatch.setattr(notices, "TEMPLATES", templates)
    assessment.run(2026)
    ReceivedReport.objects.update(status="withdrawn")  # Taro's 納税通知書 (普通徴収)
    out = tmp_path / "out"
    with pytest.raises(CommandError, match=r"nouzei/00001_\d+-\d+\.pdf を作れませんでした.*壊れた様式"):
        call_command("tax", "collection", "--fiscal-year", "2026", "--on", "2026-05-15", "--out", str(out),
                     "--pdf", "--workers", "2")
    assert list((out / "nouzei").iterdir()) == []
