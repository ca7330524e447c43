"""Issue 18 item 9: a CSV cell starting with ``= + - @`` (or a tab, a carriage return) was written raw, and a
spreadsheet would run it as a formula (CSV injection, OWASP "CSV Injection"). Every CSV we write goes through
common/csvout; those for people neutralise formulas. Expected values follow OWASP's rule (independent)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from jichitai.common import csvout

SRC = Path(__file__).resolve().parents[2] / "src" / "jichitai"

# Files written for systems, exactly (a standard layout read back by a system), and why.
FOR_SYSTEMS = {
    "registry/exports/csvfile.py": "住民記録 標準 CSV: read back by other systems and our import (round trip)",
    "hub/extracts.py": "宛名 standard extract read by the business systems, over the API and as a placed file",
    "tax/reports.py": "給与支払報告書/公的年金等支払報告書 layout files read by the hub",
    "synth/city.py": "the synthetic city's input files, read by the loaders",
    "synth/payments.py": "the demo's synthetic コンビニ収納 速報 file, read back by `jichitai tax payments import`",
}


@pytest.mark.parametrize("cell", ["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3",
                                  "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "-", "+", "=", "@"])
def test_a_formula_cell_is_written_as_text_in_a_file_for_people(cell: str) -> None:
    out = io.StringIO()
    csvout.writer(out, for_people=True).writerow(["名前", cell])
    written = next(csv.reader(io.StringIO(out.getvalue())))
    assert written == ["名前", "'" + cell]


@pytest.mark.parametrize("cell", ["-5000", "+3.5", "-0.25", "1e3", "青木 太郎", "0120-000-000", "", "a=b"])
def test_numbers_and_ordinary_text_are_kept(cell: str) -> None:
    out = io.StringIO()
    csvout.writer(out, for_people=True).writerows([[cell, -5000, None]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [cell, "-5000", ""]


def test_the_quarantine_report_neutralises_what_the_sender_wrote() -> None:
    from jichitai.hub.files import problem_report

    report = problem_report(SimpleNamespace(problems=[{"line": 2, "item": "=cmd", "message": "@SUM(1)"}]))
    assert next(iter(csv.reader(io.StringIO(report.splitlines()[1])))) == ["2", "'=cmd", "'@SUM(1)"]


def test_every_csv_writer_goes_through_csvout_and_says_who_reads_it() -> None:
    """Walks every module: no csv.writer/DictWriter or pyarrow write_csv outside common/csvout.py; a file for
    systems only where listed above with its reason."""
    raw = re.compile(r"\bcsv\.(writer|DictWriter)\(|\bwrite_csv\(|\.to_csv\(")
    offenders, for_systems = [], set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "common/csvout.py":
            continue
        text = path.read_text(encoding="utf-8")
        if raw.search(text):
            offenders.append(rel)
        if "for_people=False" in text:
            for_systems.add(rel)
    assert offenders == [], f"CSV written without common.csvout: {offenders}"
    assert for_systems <= set(FOR_SYSTEMS), f"files for systems not listed with a reason: {for_systems - set(FOR_SYSTEMS)}"
