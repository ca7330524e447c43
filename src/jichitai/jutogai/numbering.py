"""住登外者宛名番号: 15 digits, a 14-digit serial and the modulus-11 check digit of the 宛名番号 (j130), drawn from
its own range — serials from 90,000,000,000,000 — so a new 住登外者宛名番号 never equals a resident's 宛名番号
(drawn from 1 upward). Migrated numbers are kept as they were (共通機能標準仕様書 §2.3: no renumbering); the
sequence is moved past the highest migrated one in the range, and a drawn number that exists already is skipped,
so a new number never collides with a migrated one either."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F

from jichitai.common.checkdigit import with_modulus11
from jichitai.jutogai.models import JutogaiSeries, Jutogaisha

WIDTH = 15
FIRST_SERIAL = 90_000_000_000_000
SEQUENCE = "jutogai_number_seq"


def serials(sequence: str, count: int = 1) -> list[int]:
    """``count`` values of the PostgreSQL sequence ``sequence`` (no counter row locked until commit), or of its
    :class:`JutogaiSeries` row on SQLite. Shared with the 統合宛名番号 (jichitai.togo)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return [int(r[0]) for r in cur.fetchall()]
    with transaction.atomic():
        JutogaiSeries.objects.get_or_create(name=sequence)
        JutogaiSeries.objects.filter(name=sequence).update(last=F("last") + count)
        last = int(JutogaiSeries.objects.get(name=sequence).last)
    return list(range(last - count + 1, last + 1))


def new_number() -> str:
    """A number no 住登外者 holds (a migrated one in the range is skipped)."""
    while True:
        number = with_modulus11(FIRST_SERIAL + serials(SEQUENCE)[0], WIDTH)
        if not Jutogaisha.objects.filter(pk=number).exists():
            return number


def serial_of(number: str) -> int | None:
    """The serial of a number of our range (14 digits + check digit from FIRST_SERIAL), else None."""
    if len(number) == WIDTH and number.isascii() and number.isdigit() and int(number[:-1]) >= FIRST_SERIAL:
        return int(number[:-1]) if with_modulus11(int(number[:-1]), WIDTH) == number else None
    return None


def move_past(serial: int) -> None:
    """After a migration: the next number drawn is above ``serial`` (a number of our range kept as it was)."""
    offset = serial - FIRST_SERIAL
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT setval('{SEQUENCE}', GREATEST(%s, (SELECT last_value FROM {SEQUENCE})))",  # noqa: S608
                        [offset])
        return
    JutogaiSeries.objects.get_or_create(name=SEQUENCE)
    JutogaiSeries.objects.filter(name=SEQUENCE, last__lt=offset).update(last=offset)
