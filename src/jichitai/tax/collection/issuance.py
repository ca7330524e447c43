"""Bulk issuance (一斉発送) of a 年度's collection notices as PDF for the print room: every employer's
特別徴収税額決定通知書 (特別徴収義務者用, 地方税法第321条の4第1項) with its employees' 納税義務者用 notices (第2項, which
the employer hands over), and every 納税通知書 with a 普通徴収 part (第319条の2).

Streamed and batched: employers one at a time in 法人番号 order, 納税通知書 :data:`BATCH` at a time in 宛名番号
order; each batch's data is read in a few queries (schedules, 期, 変更前の税額, 送付先 through the Shield) and
typeset in one Typst compilation, one page or more per notice (Typst's fixed cost per compilation is 3–4 ms;
a notice's cost grows with the size of the compilation: a 納税通知書 with its 納付書 took 9–11 ms of CPU in
compilations of 100 or 200, 11–13 ms in 500s and 14–15 ms in 1,000s; and Typst's caches held the process at
2.2 GB with 100s but grew past 6 GB in four 1,000s, before :mod:`.press` dropped them after each file —
docs/benchmarks.md). The files:

- ``employers/<法人番号>.pdf``: the 特別徴収義務者用 notice;
- ``employers/<法人番号>_納税義務者用.pdf``: the employees' notices, in the order of the employer's notice; an
  employer of more than :data:`BATCH` employees gets them in parts, ``…_納税義務者用_001.pdf``, ``_002`` … (one
  compilation of a large employer's thousands would grow Typst's memory past the 4 GB the issue allows);
- ``nouzei/<連番>_<first宛名番号>-<last宛名番号>.pdf``: up to :data:`BATCH` 納税通知書 each, in 宛名番号 order.

This process reads the database and builds each batch's content; the typesetting goes to :mod:`.press`, in this
process or in ``workers`` spawned processes (``jichitai tax collection --pdf --workers N``; two by default). What
the run has issued is its files: each is written whole or not at all, and the counts and the progress bar move
only when a file is complete, in the order of the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from jichitai.dbcopy import with_keys
from jichitai.tax.collection import employer_files, notices, press
from jichitai.tax.collection.models import CollectionSchedule

BATCH = 100  # notices per file and per compilation (larger costs more per notice: see the module)


def write_pdfs(fiscal_year: int, out_dir: Path, *, on: dt.date,
               progress: Callable[[str, int], None] | None = None, workers: int = 1) -> tuple[int, int]:
    """Every employer's notices and every 納税通知書 of ``fiscal_year`` under ``out_dir`` (see the module);
    ``progress`` is told ("employers", 1) per employer and ("nouzei", n) per batch once their files are written.
    ``workers`` > 1: the files are typeset by that many processes (:mod:`.press`) while this one reads the next
    batches; 1 typesets here. (employers, 納税通知書) written; a failure raises :class:`.press.PressError`."""
    from jichitai.registry import suppression

    guard = suppression.shield()  # read once for the whole run
    (out_dir / "employers").mkdir(parents=True, exist_ok=True)
    (out_dir / "nouzei").mkdir(parents=True, exist_ok=True)
    written = {"employers": 0, "nouzei": 0}

    def counted(kind: str, n: int) -> Callable[[], None]:
        def done() -> None:
            written[kind] += n
            if progress is not None:
                progress(kind, n)
        return done

    def nothing() -> None:
        pass

    with press.Press(workers) as pdfs:
        for notice in employer_files.notices(fiscal_year):
            folder = out_dir / "employers"
            pages = [data for _, data in notices.employee_notices_data(notice, on)]
            parts = [pages[i:i + BATCH] for i in range(0, len(pages), BATCH)]
            pdfs.submit(folder / f"{notice.payer_number}.pdf", notices.TEMPLATES / "employer_notice.typ",
                        notices.employer_notice_data(notice, on), nothing if parts else counted("employers", 1))
            for k, part in enumerate(parts, start=1):  # a city hall's thousands of employees: BATCH a compilation
                suffix = "" if len(parts) == 1 else f"_{k:03d}"
                pdfs.submit(folder / f"{notice.payer_number}_納税義務者用{suffix}.pdf",
                            notices.TEMPLATES / "employee_notice.typ", part,
                            counted("employers", 1) if k == len(parts) else nothing)
        for n, batch in enumerate(_ordinary_batches(fiscal_year), start=1):
            read = notices.prefetch(batch, guard)
            data = [notices.ordinary_notice_data(s, on, read=read) for s in batch]
            name = f"{n:05d}_{batch[0].atena_number}-{batch[-1].atena_number}.pdf"
            pdfs.submit(out_dir / "nouzei" / name, notices.TEMPLATES / "ordinary_notice.typ", data,
                        counted("nouzei", len(batch)))
    return written["employers"], written["nouzei"]


def _ordinary_batches(fiscal_year: int) -> Iterator[list[CollectionSchedule]]:
    """The current schedules with a 普通徴収 part, :data:`BATCH` at a time in 宛名番号 order: their keys read as
    one stream, each batch's rows (with the assessment's printed figures) by one query."""
    keys = (CollectionSchedule.objects.filter(fiscal_year=fiscal_year, current=True, ordinary_total__gt=0)
            .order_by("atena_number").values_list("atena_number", flat=True).iterator(chunk_size=BATCH * 10))
    batch: list[str] = []
    for atena in keys:
        batch.append(atena)
        if len(batch) == BATCH:
            yield _schedules(fiscal_year, batch)
            batch = []
    if batch:
        yield _schedules(fiscal_year, batch)


def _schedules(fiscal_year: int, atenas: list[str]) -> list[CollectionSchedule]:
    current = CollectionSchedule.objects.filter(fiscal_year=fiscal_year, current=True)
    return list(with_keys(current, "atena_number", atenas).select_related("assessment").defer(*notices.HEAVY)
                .order_by("atena_number"))
