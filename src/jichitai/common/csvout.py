"""The one CSV writer. Every CSV the platform writes goes through :func:`writer` and says who will read it.

A file *for people* (opened in Excel or LibreOffice: exports, reports, quarantine reports) has every text cell
that a spreadsheet would take for a formula neutralised (CSV/formula injection, OWASP): a cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so ``=HYPERLINK(…)`` is shown
as text and never run. A number (``-5000``, ``+3.5``) is left as it is: it is data, not a formula.

A file *for systems* (a standard layout that another system reads back, 住民記録 標準 CSV, the 宛名 extract,
the synthetic city's input files) is written exactly: changing a value there would change the data exchanged.
Those files carry only values already checked at entry (文字要件), and are named in the test that walks every
CSV writer (tests/common/test_csvout.py), with the reason.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class _Out(Protocol):
    def write(self, s: str, /) -> Any: ...


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet will show it and never evaluate it."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class Writer:
    """``csv.writer`` with the formula guard for people's files."""

    def __init__(self, out: _Out, for_people: bool, **options: Any) -> None:
        self._w = csv.writer(out, **options)
        self.for_people = for_people

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._w.writerow([neutralise(v) for v in row] if self.for_people else row)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Out, *, for_people: bool, **options: Any) -> Writer:
    """A CSV writer on ``out``. ``for_people=True`` for anything a person opens; ``False`` only for a standard
    file that systems read back exactly (say why at the call)."""
    return Writer(out, for_people, **options)
