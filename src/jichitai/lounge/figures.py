"""The platform's ledger of figures the analysts' SQL has published (:mod:`jichitai.lounge.overlap`), in the
database so that every process and every analyst shares it: a pair of figures 1 to D people apart is refused
whoever asks each half, and however the web server's workers are spread."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jichitai.lounge import setdiff
from jichitai.lounge.models import PublishedFigure
from jichitai.lounge.overlap import Cell, Figures

OVERLAP_DAYS = 365  # how long a published figure is remembered (a year: the lake's yearly tables); tests override
_local = threading.Lock()  # the embedded default (SQLite) has no advisory lock; one process serves it


def window() -> dt.timedelta:
    return dt.timedelta(days=int(settings.CONFIG.extras.get("lounge_overlap_days", OVERLAP_DAYS)))


class FigureLedger:
    def near(self, persons: set[int]) -> Figures:
        """Read as columns: at a city's scale a small count has tens of thousands of remembered figures within
        D of it (docs/benchmarks.md), too many to make objects of."""
        since = timezone.now() - window()
        rows = PublishedFigure.objects.filter(persons__in=sorted(persons), at__gte=since).order_by("persons")
        found = list(rows.values_list("persons", "keysum", "table", "moments"))
        legacy = [Cell(p, int(k), t) for p, k, t, m in found if not m]
        sketched = [(p, k, m) for p, k, _t, m in found if m]
        moments = np.array(",".join(m for _p, _k, m in sketched).split(",") if sketched else [], dtype=np.int64)
        return Figures(np.array([p for p, _k, _m in sketched], dtype=np.int64),
                       np.array([k for _p, k, _m in sketched], dtype=object),
                       moments.reshape(len(sketched), setdiff.MOMENTS), legacy)

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
