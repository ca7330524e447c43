"""The 特別徴収税額決定通知書 (特別徴収義務者用) data of each employer and its data file.

One CSV per 特別徴収義務者 (``<法人番号>.csv``, UTF-8 with BOM, CRLF), one row per employee whose current schedule
it withholds, the 12 monthly amounts June to May (docs/tax-year.md names each column). Our layout follows the
items of the printed notice; eLTAX's own 特別徴収税額通知 data layout was not available to check ([U]). No
employee address is written: the employer does not need it, and a person under 支援措置 must not be traced.
Streamed: the instalments are read in 法人番号 order and each file is written when its employer's rows end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import QuerySet

from jichitai.common import csvout
from jichitai.dbcopy import with_keys
from jichitai.tax.collection.models import CollectionInstalment

MONTHS = (6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5)
HEADER = ("市区町村コード", "年度", "特別徴収義務者法人番号", "特別徴収義務者名称", "宛名番号", "氏名", "フリガナ",
          "特別徴収税額（年額）", *(f"{m}月分" for m in MONTHS), "摘要")


@dataclass
class EmployeeRow:
    atena_number: str
    name: str = ""
    kana: str = ""
    months: list[int] = field(default_factory=lambda: [0] * 12)
    remarks: list[str] = field(default_factory=list)

    @property
    def annual(self) -> int:
        return sum(self.months)


@dataclass
class EmployerNotice:
    fiscal_year: int
    payer_number: str
    payer_name: str
    employees: list[EmployeeRow]

    @property
    def total(self) -> int:
        return sum(e.annual for e in self.employees)

    def month_totals(self) -> list[int]:
        return [sum(e.months[i] for e in self.employees) for i in range(12)]


def _month_index(fiscal_year: int, month: dt.date) -> int:
    start = dt.date(fiscal_year, 6, 1)
    return (month.year - start.year) * 12 + month.month - start.month


def _current_salary(fiscal_year: int) -> QuerySet[CollectionInstalment]:
    return CollectionInstalment.objects.filter(fiscal_year=fiscal_year, method="salary", schedule__current=True)


def count_employers(fiscal_year: int) -> int:
    qs = _current_salary(fiscal_year)
    return int(qs.values("payer_number").distinct().count())


def notices(fiscal_year: int, payer_number: str | None = None) -> Iterator[EmployerNotice]:
    """Each employer's notice, in 法人番号 order (or only ``payer_number``'s)."""
    from jichitai.registry.models import Resident

    qs = _current_salary(fiscal_year)
    if payer_number is not None:
        qs = qs.filter(payer_number=payer_number)
    rows = (qs.order_by("payer_number", "schedule__atena_number", "position")
            .values_list("payer_number", "payer_name", "schedule__atena_number", "month", "amount", "label")
            .iterator(chunk_size=20_000))
    current: EmployerNotice | None = None
    by_atena: dict[str, EmployeeRow] = {}

    def finished(n: EmployerNotice) -> EmployerNotice:
        names = dict((a, (nm, kn)) for a, nm, kn in with_keys(Resident.objects, "atena_number", by_atena)
                     .values_list("atena_number", "name", "kana"))
        for e in n.employees:
            e.name, e.kana = names.get(e.atena_number, ("", ""))
        return n

    for payer, payer_name, atena, month, amount, label in rows:
        if current is None or payer != current.payer_number:
            if current is not None:
                yield finished(current)
            current = EmployerNotice(fiscal_year, payer, payer_name, [])
            by_atena = {}
        row = by_atena.get(atena)
        if row is None:
            row = by_atena[atena] = EmployeeRow(atena)
            current.employees.append(row)
        row.months[_month_index(fiscal_year, month)] += amount
        if "一括徴収" in label:
            row.remarks.append(f"{month.month}月に一括徴収")
    if current is not None:
        yield finished(current)


def write_notice(notice: EmployerNotice, path: Path, municipality_code: str) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csvout.writer(fh, for_people=True, lineterminator="\r\n")
        out.writerow(HEADER)
        for e in notice.employees:
            out.writerow([municipality_code, notice.fiscal_year, notice.payer_number, notice.payer_name,
                          e.atena_number, e.name, e.kana, e.annual, *e.months, "・".join(e.remarks)])


def write_all(fiscal_year: int, out_dir: Path, *, progress: Callable[[int], None] | None = None) -> list[Path]:
    """Every employer's file under ``out_dir`` (created); the paths written."""
    from jichitai.tax import parameters as P
    from jichitai.tax.services import configured_city_code

    code = P.municipality(configured_city_code(), fiscal_year).code
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for notice in notices(fiscal_year):
        path = out_dir / f"{notice.payer_number}.csv"
        write_notice(notice, path, code)
        written.append(path)
        if progress is not None:
            progress(1)
    return written


