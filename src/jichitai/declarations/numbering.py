"""Receipt numbers (受付番号): ``R08-0001234-5`` — 年度 in 和暦 (令和), a serial, a modulus-11 check digit
(common.checkdigit) so that a mistyped number is refused before any look-up."""

from __future__ import annotations

import re

from django.db import connection

from jichitai.common.checkdigit import is_valid_modulus11, with_modulus11
from jichitai.declarations.models import Declaration

PATTERN = re.compile(r"^R(\d{2})-(\d{7})-(\d)$")


def _next_serials(n: int) -> list[int]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("CREATE SEQUENCE IF NOT EXISTS declarations_receipt_seq")
            cur.execute("SELECT nextval('declarations_receipt_seq') FROM generate_series(1, %s)", [n])
            return [int(row[0]) for row in cur.fetchall()]
    numbers = Declaration.objects.filter(receipt_number__isnull=False).values_list("receipt_number", flat=True)
    start = max((int(x.split("-")[1]) for x in numbers if x), default=0) + 1
    return list(range(start, start + n))


def new_receipt_numbers(fiscal_year: int, n: int) -> list[str]:
    """``n`` fresh receipt numbers (one sequence, so never two alike)."""
    reiwa = fiscal_year - 2018
    out = []
    for serial in _next_serials(n):
        number = with_modulus11(serial, 8)
        out.append(f"R{reiwa:02d}-{number[:-1]}-{number[-1]}")
    return out


def new_receipt_number(fiscal_year: int) -> str:
    return new_receipt_numbers(fiscal_year, 1)[0]


def is_well_formed(text: str) -> bool:
    m = PATTERN.match(text.strip())
    return bool(m) and is_valid_modulus11(m.group(2) + m.group(3))  # type: ignore[union-attr]
