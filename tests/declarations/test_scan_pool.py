"""The import reads scanned attachments in a process pool (issue 20): one process per core, none forked from a
process that runs other threads, and the same result whatever the number of processes."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from jichitai.declarations import attachments as att
from jichitai.synth.attachment_docs import receipt_scan
from jichitai.synth.receipt_images import receipt_png


def test_one_worker_per_core_and_none_forked_beside_other_threads(monkeypatch):
    """Consistency with jichitai.dbcopy's rule: a process that runs another thread reads serially."""
    import jichitai.dbcopy

    monkeypatch.setattr(att.os, "cpu_count", lambda: 4)
    with monkeypatch.context() as alone:  # as in a process of one thread (a test session may keep a live server's)
        alone.setattr(jichitai.dbcopy.threading, "active_count", lambda: 1)
        assert att.scan_workers() == 4 and att.scan_workers(3) == 3
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert att.scan_workers() == 1 and att.scan_workers(3) == 1
    finally:
        stop.set()
        other.join()


def test_the_pool_reads_what_one_process_reads_in_the_records_order(tmp_path: Path):
    """Consistency: three scans among five records (one missing), read by two processes and by one: the same
    records, in the same order, each with its own reading (the amount printed on its image: independent of the
    reader), and the progress counted once per scan-bearing record."""
    (tmp_path / "scans").mkdir()
    amounts = {1: 12_340, 3: 56_780}
    for n, amount in amounts.items():
        _, lines = receipt_scan(n, "灘 花子", amount, 2025, random.Random(n))
        (tmp_path / "scans" / f"r{n}.png").write_bytes(receipt_png(lines))
    records = [{"declaration_ref": f"T-{n}", "attachments": (
        [{"kind": "medical_detail", "filename": f"r{n}.png", "image": f"scans/r{n}.png"}] if n in (1, 3, 4) else [])}
        for n in range(5)]
    counted: list[int] = []
    pooled = list(att.read_all_scans(records, tmp_path, workers=2, chunk=2, progress=counted.append))
    alone = list(att.read_all_scans(records, tmp_path, workers=1))
    assert pooled == alone and sum(counted) == 3
    assert [r["declaration_ref"] for r in pooled] == [f"T-{n}" for n in range(5)]
    from jichitai.declarations.domain.documents import read

    for n, amount in amounts.items():
        assert read("medical_detail", pooled[n]["attachments"][0], 2025).total == amount
    assert pooled[4]["attachments"][0]["ocr"] == {"problem": "添付ファイルが見つかりません"}
    assert pooled[0] is records[0]  # a record without a scan passes through untouched


@pytest.mark.django_db
def test_the_import_command_reads_the_scans_with_a_progress_bar(tmp_path: Path, resident):
    """Consistency: `jichitai declarations import` reads the scan a record names (its reading stored, the image
    path not) and says how many it took in."""
    import io
    import json

    from django.core.management import call_command

    from jichitai.declarations.models import Declaration
    from tests.declarations.conftest import record_for

    (tmp_path / "scans").mkdir()
    _, lines = receipt_scan(1, "灘 花子", 150_000, 2025, random.Random(1))
    (tmp_path / "scans" / "r.png").write_bytes(receipt_png(lines))
    rec = record_for(resident(name="灘 花子"), ref="T-cmd", pattern="salary_only",
                     medical={"paid": 150_000, "reimbursed": 0},
                     attachments=[{"kind": "medical_detail", "filename": "r.png", "image": "scans/r.png"}])
    (tmp_path / "declarations.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("declarations", "import", str(tmp_path / "declarations.jsonl"), "--scan-workers", "1", stdout=out)
    assert "取込 1 件" in out.getvalue()
    (a,) = Declaration.objects.get(source_ref="T-cmd").data["attachments"]
    assert a["ocr"]["engine"] == "tesseract jpn" and "image" not in a
