"""Serial numbers: 宛名番号 and 世帯番号 with the modulus-11 check digit (j130), and 発行番号 (j1040).

PostgreSQL draws serials from sequences (no lock held until commit, so concurrent 異動 do not queue on a
counter row); SQLite uses :class:`NumberSeries` rows. A sequence may skip a value when a transaction rolls back:
the standard asks for 単純連番 with a check digit, not for gap-free numbering.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F

from jichitai.common.checkdigit import with_modulus11
from jichitai.registry.domain.ledger import ATENA_WIDTH, SETAI_WIDTH
from jichitai.registry.models import NumberSeries

SEQUENCES = {"atena": "registry_atena_seq", "setai": "registry_setai_seq", "issue": "registry_issue_seq",
             "tax_certificate": "tax_certificate_seq"}  # 課税証明書の交付番号 (tax migration 0008)


def next_serial(name: str) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT nextval(%s)", [SEQUENCES[name]])
            return int(cur.fetchone()[0])
    with transaction.atomic():
        NumberSeries.objects.get_or_create(name=name)
        NumberSeries.objects.filter(name=name).update(last=F("last") + 1)
        return int(NumberSeries.objects.get(name=name).last)


def reserve(name: str, count: int) -> int:
    """Reserve ``count`` serials at once (bulk loading); returns the first. Moves the sequence past them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQUENCES[name], count])
            values = [int(r[0]) for r in cur.fetchall()]
        if values != list(range(values[0], values[0] + count)):  # interleaved with another session: retry once
            return reserve(name, count)
        return values[0]
    with transaction.atomic():
        NumberSeries.objects.get_or_create(name=name)
        NumberSeries.objects.filter(name=name).update(last=F("last") + count)
        return int(NumberSeries.objects.get(name=name).last) - count + 1


def serials(name: str, count: int) -> list[int]:
    """``count`` serials drawn at once for a batch of 異動 (not necessarily consecutive)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQUENCES[name], count])
            return [int(r[0]) for r in cur.fetchall()]
    first = reserve(name, count)
    return list(range(first, first + count))


def atena_number(serial: int) -> str:
    return with_modulus11(serial, ATENA_WIDTH)


def setai_number(serial: int) -> str:
    return with_modulus11(serial, SETAI_WIDTH)


def new_issue_number(year: int) -> str:
    """発行番号: year and an eight-digit serial, e.g. ``2026-00000042``."""
    return f"{year}-{next_serial('issue'):08d}"
