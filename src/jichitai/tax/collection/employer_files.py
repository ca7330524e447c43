"""The 特別徴収税額決定通知書 (特別徴収義務者用) data of each employer and its data file; the same for each
年金保険者 (年金特徴: the notice of 地方税法第321条の7の5第1項, the amounts of April to February).

One CSV per 特別徴収義務者 (``<法人番号>.csv``, UTF-8 with BOM, CRLF), one row per employee whose current schedule
it withholds, the 12 monthly amounts June to May (docs/tax-year.md names each column). Our layout follows the
items of the printed notice; eLTAX's own 特別徴収税額通知 data layout was not available to check ([U]). No
employee address is written: the employer does not need it, and a person under 支援措置 must not be traced.
Streamed: the instalments are read in 法人番号 order and each file is written when its employer's rows end.
"""

from __future__ import annotations

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
# 年金特徴: 仮徴収 in April, June, August; 本徴収 in October, December, February (第321条の7の8, 第321条の7の2).
# Our layout; the eLTAX 年金特徴 data (by 基礎年金番号・年金コード, which we do not hold) was not available ([U]).
PENSION_MONTHS = (4, 6, 8, 10, 12, 2)
PENSION_HEADER = ("市区町村コード", "年度", "年金保険者法人番号", "年金保険者名称", "宛名番号", "氏名", "フリガナ",
                  "年金所得に係る特別徴収税額（年額）", *(f"{m}月分" for m in PENSION_MONTHS), "摘要")


@dataclass(frozen=True)
class Kind:
    """Whose withholding a file is for: employers (給与特徴) or 年金保険者 (年金特徴)."""

    method: str
    months: tuple[int, ...]
    header: tuple[str, ...]
    folder: str  # under the output folder ("" = the folder itself)


SALARY = Kind("salary", MONTHS, HEADER, "")
PENSION = Kind("pension", PENSION_MONTHS, PENSION_HEADER, "nenkin")


@dataclass
class EmployeeRow:
    atena_number: str
    name: str = ""
    kana: str = ""
    months: list[int] = field(default_factory=lambda: [0] * len(MONTHS))
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
        return [sum(e.months[i] for e in self.employees) for i in range(len(self.employees[0].months))] \
            if self.employees else []


def _current(fiscal_year: int, kind: Kind) -> QuerySet[CollectionInstalment]:
    return CollectionInstalment.objects.filter(fiscal_year=fiscal_year, method=kind.method, schedule__current=True)


def count_employers(fiscal_year: int, kind: Kind = SALARY) -> int:
    qs = _current(fiscal_year, kind)
    return int(qs.values("payer_number").distinct().count())


def notices(fiscal_year: int, payer_number: str | None = None, kind: Kind = SALARY) -> Iterator[EmployerNotice]:
    """Each employer's (or 年金保険者's) notice, in 法人番号 order (or only ``payer_number``'s)."""
    from jichitai.registry.models import Resident

    qs = _current(fiscal_year, kind)
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
            row = by_atena[atena] = EmployeeRow(atena, months=[0] * len(kind.months))
            current.employees.append(row)
        row.months[kind.months.index(month.month)] += amount
        if "一括徴収" in label:
            row.remarks.append(f"{month.month}月に一括徴収")
    if current is not None:
        yield finished(current)


def write_notice(notice: EmployerNotice, path: Path, municipality_code: str, kind: Kind = SALARY) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csvout.writer(fh, for_people=True, lineterminator="\r\n")
        out.writerow(kind.header)
        for e in notice.employees:
            out.writerow([municipality_code, notice.fiscal_year, notice.payer_number, notice.payer_name,
                          e.atena_number, e.name, e.kana, e.annual, *e.months, "・".join(e.remarks)])


def write_all(fiscal_year: int, out_dir: Path, *, progress: Callable[[int], None] | None = None,
              kind: Kind = SALARY) -> list[Path]:
    """Every employer's (or, with ``kind=PENSION``, 年金保険者's under ``nenkin/``) file under ``out_dir``
    (created); the paths written."""
    from jichitai.tax import parameters as P
    from jichitai.tax.services import configured_city_code

    code = P.municipality(configured_city_code(), fiscal_year).code
    folder = out_dir / kind.folder if kind.folder else out_dir
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for notice in notices(fiscal_year, kind=kind):
        path = folder / f"{notice.payer_number}.csv"
        write_notice(notice, path, code, kind)
        written.append(path)
        if progress is not None:
            progress(1)
    return written


