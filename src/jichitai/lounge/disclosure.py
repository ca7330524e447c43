"""Disclosure control (秘匿処理): the platform rule every lounge figure passes before anyone sees it.

Pure Python + NumPy, no Django. The query layer calls :func:`protect_cube` on the *whole* fixed table of an
indicator (every area of a level, with its margins and the coarser areas it adds up to) and only then slices
what the user filtered, so a filter can never single a person out and two filters cannot be differenced.

Rules (ONS / UK LLC research-output practice, MHLW's ``*`` for 1–9; see platform-anchors.md):

1. Primary suppression: a count ``0 < n < k`` is suppressed (``k`` = ``CONFIG.disclosure_k``, default 10).
   Zero is published (a structural zero discloses nobody).
2. Complementary (secondary) suppression: a table is a set of cells tied by additive constraints
   ``total = sum(parts)`` (row and column margins, ward = sum of its 町字, city = sum of wards). A
   suppressed cell must never be the only suppressed cell of a constraint and, stronger, must not be
   *determined* by the
   published cells: we compute the null space of the constraint matrix restricted to the suppressed cells; a
   suppressed cell whose coordinate is zero in every null-space vector has a unique value and is recoverable,
   so another cell of one of its constraints is suppressed (the smallest positive one) until none is.
   Complements are taken from positive cells, so the published solution lies strictly inside the non-negative
   orthant and a null-space direction moves it both ways: the interval an attacker can derive by linear
   programming has positive width (the tests check this with scipy's LP).
3. Means and rates: a mean or rate is suppressed when its underlying count (numerator or denominator, after
   the rules above) is suppressed or below ``k``.

What this does not do: it protects against exact recovery from margins, not against an attacker learning an
interval (a suppressed 3 beside a suppressed 4 in a row of total 107 is known to lie in 0..7). Cell-key
perturbation (ONS Census 2021) would be the next step; recorded in docs/lounge.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

TOTAL = "計"  # the label of a margin in every additive dimension

Key = tuple[Hashable, ...]


@dataclass(frozen=True)
class Constraint:
    total: Key
    parts: tuple[Key, ...]


@dataclass
class Protected:
    """The outcome: published values (``None`` where suppressed) and why each suppressed cell is hidden."""

    values: dict[Key, int | None]
    primary: set[Key] = field(default_factory=set)
    secondary: set[Key] = field(default_factory=set)

    @property
    def suppressed(self) -> set[Key]:
        return self.primary | self.secondary

    def published(self, key: Key) -> int | None:
        return self.values[key]


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the null space (columns), by SVD."""
    if matrix.size == 0:
        return np.eye(matrix.shape[1])
    _u, s, vt = np.linalg.svd(matrix, full_matrices=True)
    tol = max(matrix.shape) * (s[0] if s.size else 0.0) * 1e-10
    rank = int((s > tol).sum())
    return np.asarray(vt[rank:].T)


def recoverable(
    cells: Mapping[Key, int], constraints: Sequence[Constraint], suppressed: set[Key]
) -> set[Key]:
    """The suppressed cells whose value is uniquely determined by the published cells and the constraints."""
    if not suppressed:
        return set()
    # connected components of suppressed cells through constraints, so each SVD stays small
    parent: dict[Key, Key] = {c: c for c in suppressed}

    def find(x: Key) -> Key:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    relevant: list[list[Key]] = []
    for con in constraints:
        members = [c for c in (con.total, *con.parts) if c in suppressed]
        if not members:
            continue
        relevant.append([con.total, *con.parts])
        for other in members[1:]:
            ra, rb = find(members[0]), find(other)
            if ra != rb:
                parent[ra] = rb
    groups: dict[Key, list[Key]] = {}
    for c in suppressed:
        groups.setdefault(find(c), []).append(c)
    out: set[Key] = set()
    for members in groups.values():
        index = {c: i for i, c in enumerate(members)}
        rows = []
        for con_cells in relevant:
            if not any(c in index for c in con_cells):
                continue
            row = np.zeros(len(members))
            total, *parts = con_cells
            if total in index:
                row[index[total]] -= 1.0
            for p in parts:
                if p in index:
                    row[index[p]] += 1.0
            rows.append(row)
        matrix = np.array(rows) if rows else np.zeros((0, len(members)))
        basis = _null_space(matrix)
        for c, i in index.items():
            if basis.shape[1] == 0 or np.all(np.abs(basis[i]) < 1e-9):
                out.add(c)
    return out


def protect(cells: Mapping[Key, int], constraints: Sequence[Constraint], k: int) -> Protected:
    """Apply primary and complementary suppression to ``cells`` tied by ``constraints``."""
    if k < 1:
        raise ValueError("k must be at least 1")
    primary = {c for c, n in cells.items() if 0 < n < k}
    suppressed = set(primary)
    by_cell: dict[Key, list[Constraint]] = {}
    for con in constraints:
        for c in (con.total, *con.parts):
            by_cell.setdefault(c, []).append(con)

    def complement(con: Constraint) -> Key | None:
        candidates = [c for c in (*con.parts, con.total) if c not in suppressed]
        if not candidates:
            return None
        # smallest positive cell first (parts before the total on ties); zeros only as a last resort
        return min(candidates, key=lambda c: (cells[c] <= 0, cells[c], c == con.total))

    while True:
        changed = False
        # a constraint with exactly one suppressed cell gives it away
        for con in constraints:
            members = (con.total, *con.parts)
            if sum(1 for c in members if c in suppressed) == 1:
                extra = complement(con)
                if extra is not None:
                    suppressed.add(extra)
                    changed = True
        if changed:
            continue
        for cell in sorted(recoverable(cells, constraints, suppressed), key=repr):
            options = [x for x in (complement(con) for con in by_cell.get(cell, [])) if x is not None]
            if options:
                suppressed.add(min(options, key=lambda c: (cells[c] <= 0, cells[c])))
                changed = True
                break
        if not changed:
            break
    values: dict[Key, int | None] = {c: (None if c in suppressed else int(n)) for c, n in cells.items()}
    return Protected(values, primary, suppressed - primary)


# ---- cubes: long tables with additive dimensions ----------------------------------------------------------

@dataclass(frozen=True)
class Dimension:
    """An additive dimension of a cube. ``parent`` maps a value to the coarser value it adds up into (町字 →
    区); values without a parent add up into the dimension's :data:`TOTAL`."""

    name: str
    values: tuple[Hashable, ...]
    parent: Mapping[Hashable, Hashable] = field(default_factory=dict)

    def levels(self) -> list[Hashable]:
        parents = {p for p in self.parent.values()}
        return [*self.values, *sorted(parents - set(self.values), key=str), TOTAL]

    def groups(self) -> dict[Hashable, list[Hashable]]:
        """total -> parts, one entry per coarser level."""
        out: dict[Hashable, list[Hashable]] = {}
        parents = set(self.parent.values())
        for v in self.values:
            out.setdefault(self.parent.get(v, TOTAL), []).append(v)
        for p in sorted(parents - set(self.values), key=str):
            out.setdefault(TOTAL, []).append(p)
        return out

    def leaves_under(self, level: Hashable) -> list[Hashable]:
        if level == TOTAL:
            return list(self.values)
        kids = [v for v in self.values if self.parent.get(v) == level]
        return kids if kids else [level]


def cube(counts: Mapping[Key, int], dims: Sequence[Dimension]) -> tuple[dict[Key, int], list[Constraint]]:
    """All margins of a table of leaf counts, and the constraints tying them."""
    levels = [d.levels() for d in dims]
    leaves = {d.name: set(d.values) for d in dims}
    cells: dict[Key, int] = {}
    for key in itertools.product(*levels):
        pools = [dims[i].leaves_under(key[i]) if key[i] not in leaves[dims[i].name] else [key[i]]
                 for i in range(len(dims))]
        cells[key] = int(sum(counts.get(leaf, 0) for leaf in itertools.product(*pools)))
    constraints: list[Constraint] = []
    for i, d in enumerate(dims):
        others = [lv for j, lv in enumerate(levels) if j != i]
        for total, parts in d.groups().items():
            for rest in itertools.product(*others):
                def put(v: Hashable, rest: tuple[Hashable, ...] = rest, i: int = i) -> Key:
                    return (*rest[:i], v, *rest[i:])
                constraints.append(Constraint(put(total), tuple(put(p) for p in parts)))
    return cells, constraints


def protect_cube(counts: Mapping[Key, int], dims: Sequence[Dimension], k: int) -> Protected:
    cells, constraints = cube(counts, dims)
    return protect(cells, constraints, k)


def protect_ratio(numerator: int | None, denominator: int | None, k: int, scale: float = 1.0) -> float | None:
    """A rate (aging rate, automated share) is published only when both counts are published, the
    denominator is at least ``k`` and the numerator is not in ``0 < n < k``."""
    if numerator is None or denominator is None or denominator < k or 0 < numerator < k:
        return None
    return numerator / denominator * scale


def protect_mean(total: int | float | None, count: int | None, k: int) -> float | None:
    """A mean (所得割 per taxpayer, queue age) is published only when its count is published and ``>= k``."""
    if total is None or count is None or count < k:
        return None
    return total / count
