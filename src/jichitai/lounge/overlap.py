"""Query-set overlap control: no two published figures whose people differ by one to D people.

Cell-key noise (:mod:`jichitai.lounge.cellkey`) gives the same people the same answer, so asking again teaches
nothing; but an analyst who builds many *different* pairs of groups that differ by the same person (a town with
and without her, an age band with and without her, …) can average the differences of the pairs, and the noise
falls with the square root of their number (docs/decisions/0004). The same works with pairs a few people apart
when she has a companion whose value the attacker knows, or when one person is swapped for another (same count,
different sets). The statistical databases' answer to this "tracker" is to control how the sets of people behind
answers overlap (Denning & Schlörer, "Inference controls for statistical databases", IEEE Computer 16(7), 1983;
Dobkin, Jones & Lipton 1979): every published figure is remembered as its number of people, the sum of their
record keys and a set-difference sketch (:mod:`jichitai.lounge.setdiff`), and a new figure whose people are 1 to
:data:`~jichitai.lounge.setdiff.D` people apart from a remembered figure's is not shown (the same people again
are: the noise is the same). The second figure of every such pair is blank, so no pair (and no average of pairs)
is ever published, whichever order the analyst asks in. Only remembered figures whose count is within ``D`` of
the new one's can be that close, so only they are read (the ledger's index on the count).

Figures remembered before the sketch (no moments) are compared as they were: one person apart by their key sums.

Pure: numpy and the cells; the store of remembered figures is the caller's (:class:`Ledger`).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from jichitai.lounge import setdiff


@dataclass(frozen=True)
class Cell:
    """One published figure's people: how many, the sum of their record keys, and the table they come from."""

    persons: int
    keysum: int
    table: str
    moments: tuple[int, ...] | None = None  # setdiff.moments of their record keys; None: remembered before it


@dataclass
class Figures:
    """Remembered figures as columns (a ledger may hold millions; only their counts, key sums and moments are
    needed): those with moments, sorted by count, and those remembered before the sketch as cells."""

    persons: np.ndarray  # int64, ascending
    keysums: np.ndarray  # object: int or its decimal text (compared only when the moments are equal)
    moments: np.ndarray  # int64, one row of setdiff.MOMENTS per figure
    legacy: list[Cell]

    @classmethod
    def of(cls, cells: Iterable[Cell]) -> Figures:
        legacy: list[Cell] = []
        sketched: list[Cell] = []
        for c in cells:
            (legacy if c.moments is None else sketched).append(c)
        sketched.sort(key=lambda c: c.persons)
        return cls(np.array([c.persons for c in sketched], dtype=np.int64),
                   np.array([c.keysum for c in sketched], dtype=object),
                   np.array([c.moments for c in sketched], dtype=np.int64).reshape(len(sketched), setdiff.MOMENTS),
                   legacy)


class Ledger(Protocol):
    def near(self, persons: set[int]) -> Figures:
        """The remembered figures with these numbers of people."""

    def remember(self, cells: Iterable[Cell]) -> None:
        """Keep these published figures."""

    def exclusive(self) -> AbstractContextManager[object]:
        """Held from the check to the remembering, so two answers checked at once cannot form a pair."""


class MemoryLedger:
    """A ledger in memory (one process; the tests and the benchmark). The platform's is in the database."""

    def __init__(self) -> None:
        self.cells: dict[int, set[Cell]] = defaultdict(set)
        self._lock = threading.Lock()

    def exclusive(self) -> AbstractContextManager[object]:
        return self._lock

    def near(self, persons: set[int]) -> Figures:
        return Figures.of(c for n in persons for c in self.cells.get(n, ()))

    def remember(self, cells: Iterable[Cell]) -> None:
        for c in cells:
            self.cells[c.persons].add(c)


def _one_person(big: Cell, small: Cell, keys: Callable[[str], np.ndarray]) -> bool:
    """Whether ``big``'s people are ``small``'s plus one person: one more, and the key sums differ by a record key
    of a person of ``big``'s table (the check for figures remembered without moments)."""
    if big.persons != small.persons + 1:
        return False
    difference = big.keysum - small.keysum
    if difference <= 0:
        return False
    table_keys = keys(big.table)
    i = int(np.searchsorted(table_keys, difference))
    return i < len(table_keys) and int(table_keys[i]) == difference


class _Known:
    """The figures a new one is compared with, by count: numpy rows for those with moments, a list for the rest."""

    def __init__(self, figures: Figures) -> None:
        self.legacy: dict[int, list[Cell]] = defaultdict(list)
        for c in figures.legacy:
            self.legacy[c.persons].append(c)
        self.persons, self.keysums, self.moments = figures.persons, figures.keysums, figures.moments
        self.added: dict[int, list[Cell]] = defaultdict(list)  # cells of this answer already shown

    def close(self, cell: Cell, keys: Callable[[str], np.ndarray]) -> bool:
        """Whether ``cell``'s people are 1 to D people apart from a known figure's."""
        near = range(cell.persons - setdiff.D, cell.persons + setdiff.D + 1)
        legacy = [o for n in (cell.persons - 1, cell.persons + 1) for o in self.legacy.get(n, ())]
        if cell.moments is None:
            others = [*legacy, *(o for n in (cell.persons - 1, cell.persons + 1) for o in self.added.get(n, ()))]
            return any(_one_person(cell, o, keys) or _one_person(o, cell, keys) for o in others)
        if any(_one_person(cell, o, keys) or _one_person(o, cell, keys) for o in legacy):
            return True
        lo, hi = np.searchsorted(self.persons, [near.start, near.stop])
        added = [o for n in near for o in self.added.get(n, ()) if o.moments is not None]
        persons = np.concatenate([self.persons[lo:hi], np.array([o.persons for o in added], dtype=np.int64)])
        keysums = np.concatenate([self.keysums[lo:hi], np.array([o.keysum for o in added], dtype=object)])
        moments = np.concatenate([self.moments[lo:hi], np.array([o.moments for o in added], dtype=np.int64)
                                  .reshape(len(added), setdiff.MOMENTS)])
        apart = setdiff.apart_many(cell.persons, cell.keysum, cell.moments, persons, keysums, moments)
        return bool(((apart > 0) | (apart == setdiff.UNKNOWN)).any())

    def add(self, cell: Cell) -> None:
        self.added[cell.persons].append(cell)


def too_close(cells: list[Cell], ledger: Ledger, keys: Callable[[str], np.ndarray]) -> set[int]:
    """The indexes of ``cells`` that must not be shown: each is 1 to D people apart from a remembered figure or
    from an earlier cell of the same answer that is shown. ``keys(table)`` is the sorted array of that table's
    record keys (for remembered figures without moments)."""
    wanted = {c.persons + d for c in cells for d in range(-setdiff.D, setdiff.D + 1)}
    known = _Known(ledger.near(wanted))
    blocked: set[int] = set()
    for i, cell in enumerate(cells):
        if known.close(cell, keys):
            blocked.add(i)
            continue
        known.add(cell)  # a later cell of this answer is checked against it too
    return blocked


def record_keys(person_keys: np.ndarray) -> np.ndarray:
    """The sorted distinct record keys of a table from its platform person ids (60 bits, positive; the record key
    is ``__person >> 12`` as the rewritten query computes it: :meth:`jichitai.lounge.sqlplan.Plan.sql`)."""
    return np.unique(person_keys.astype(np.int64) >> 12)
