"""Query-set overlap control: no two published figures whose people differ by exactly one person.

Cell-key noise (:mod:`jichitai.lounge.cellkey`) gives the same people the same answer, so asking again teaches
nothing; but an analyst who builds many *different* pairs of groups that differ by the same person (a town with
and without her, an age band with and without her, …) can average the differences of the pairs, and the noise
falls with the square root of their number (docs/decisions/0004). The statistical databases' answer to this
"tracker" is to control how the sets of people behind answers overlap (Denning & Schlörer, "Inference controls
for statistical databases", IEEE Computer 16(7), 1983; Dobkin, Jones & Lipton 1979): here every published figure
is remembered as its number of people and the sum of their record keys (both already computed for its cell key),
and a new figure whose people are one more or one fewer than a remembered figure's *and* whose key sums differ by
exactly one person's record key is not shown. The second figure of every such pair is blank, so no pair (and no
average of pairs) is ever published, whichever order the analyst asks in.

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


@dataclass(frozen=True)
class Cell:
    """One published figure's people: how many, the sum of their record keys, and the table they come from."""

    persons: int
    keysum: int
    table: str


class Ledger(Protocol):
    def near(self, persons: set[int]) -> Iterable[Cell]:
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

    def near(self, persons: set[int]) -> Iterable[Cell]:
        return [c for n in persons for c in self.cells.get(n, ())]

    def remember(self, cells: Iterable[Cell]) -> None:
        for c in cells:
            self.cells[c.persons].add(c)


def _one_person(big: Cell, small: Cell, keys: Callable[[str], np.ndarray]) -> bool:
    """Whether ``big``'s people are ``small``'s plus one person: one more, and the key sums differ by a record key
    of a person of ``big``'s table (a difference of several people almost never equals one person's key)."""
    if big.persons != small.persons + 1:
        return False
    difference = big.keysum - small.keysum
    if difference <= 0:
        return False
    table_keys = keys(big.table)
    i = int(np.searchsorted(table_keys, difference))
    return i < len(table_keys) and int(table_keys[i]) == difference


def one_apart(cells: list[Cell], ledger: Ledger, keys: Callable[[str], np.ndarray]) -> set[int]:
    """The indexes of ``cells`` that must not be shown: each is one person apart from a remembered figure or from
    an earlier cell of the same answer that is shown. ``keys(table)`` is the sorted array of that table's record
    keys."""
    wanted = {c.persons + d for c in cells for d in (-1, 1)}
    known: dict[int, set[Cell]] = defaultdict(set)
    for c in ledger.near(wanted):
        known[c.persons].add(c)
    blocked: set[int] = set()
    for i, cell in enumerate(cells):
        neighbours = [*known.get(cell.persons - 1, ()), *known.get(cell.persons + 1, ())]
        if any(_one_person(cell, o, keys) or _one_person(o, cell, keys) for o in neighbours):
            blocked.add(i)
            continue
        known[cell.persons].add(cell)  # a later cell of this answer is checked against it too
    return blocked


def record_keys(person_keys: np.ndarray) -> np.ndarray:
    """The sorted distinct record keys of a table from its platform person ids (60 bits, positive; the record key
    is ``__person >> 12`` as the rewritten query computes it: :meth:`jichitai.lounge.sqlplan.Plan.sql`)."""
    return np.unique(person_keys.astype(np.int64) >> 12)
