"""The platform's ledger of figures the analysts' SQL has published (:mod:`jichitai.lounge.overlap`), in the
database so that every process and every analyst shares it: a pair of figures 1 to D people apart is refused
whoever asks each half, and however the web server's workers are spread."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jichitai.lounge.models import PublishedFigure
from jichitai.lounge.overlap import Cell

OVERLAP_DAYS = 365  # how long a published figure is remembered (a year: the lake's yearly tables); tests override
_local = threading.Lock()  # the embedded default (SQLite) has no advisory lock; one process serves it


def window() -> dt.timedelta:
    return dt.timedelta(days=int(settings.CONFIG.extras.get("lounge_overlap_days", OVERLAP_DAYS)))


def _moments(text: str) -> tuple[int, ...] | None:
    return tuple(int(m) for m in text.split(",")) if text else None


class FigureLedger:
    def near(self, persons: set[int]) -> Iterable[Cell]:
        since = timezone.now() - window()
        rows = PublishedFigure.objects.filter(persons__in=sorted(persons), at__gte=since)
        return [Cell(p, int(k), t, _moments(m))
                for p, k, t, m in rows.values_list("persons", "keysum", "table", "moments")]

    def remember(self, cells: Iterable[Cell]) -> None:
        now = timezone.now()
        PublishedFigure.objects.bulk_create(
            [PublishedFigure(at=now, persons=c.persons, keysum=str(c.keysum), table=c.table,
                             moments=",".join(map(str, c.moments or ()))) for c in cells],
            update_conflicts=True, unique_fields=["persons", "keysum", "table"], update_fields=["at", "moments"])
        PublishedFigure.objects.filter(at__lt=now - window()).delete()

    @contextmanager
    def exclusive(self) -> Iterator[object]:
        with _local, transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(hashtext('jichitai.lounge.published_figures'))")
            yield self
