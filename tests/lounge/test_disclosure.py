"""Disclosure control: primary suppression below k, complementary suppression so no hidden cell can be
recovered from margins or from a coarser area (platform-anchors.md, "Disclosure control")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.lounge.disclosure import (
    TOTAL,
    Dimension,
    cube,
    protect,
    protect_cube,
    protect_mean,
    protect_ratio,
)

linprog = pytest.importorskip("scipy.optimize").linprog

K = 10


def lp_bounds(cells, constraints, published):
    """What an attacker learns: for every hidden cell, min and max over all non-negative tables that agree
    with every published cell and every additive constraint (a linear programme, solved by scipy)."""
    hidden = [c for c, v in published.items() if v is None]
    if not hidden:
        return {}
    index = {c: i for i, c in enumerate(hidden)}
    a_eq, b_eq = [], []
    for con in constraints:
        row = np.zeros(len(hidden))
        rhs = 0.0
        for cell, sign in ((con.total, -1.0), *((p, 1.0) for p in con.parts)):
            if cell in index:
                row[index[cell]] += sign
            else:
                rhs -= sign * published[cell]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    out = {}
    for c, i in index.items():
        obj = np.zeros(len(hidden))
        obj[i] = 1.0
        lo = linprog(obj, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        hi = linprog(-obj, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        assert lo.status == 0
        out[c] = (lo.fun, -hi.fun if hi.status == 0 else float("inf"))
    return out


def check(cells, constraints, result):
    published = result.values
    # 1. no published cell with 0 < n < k
    assert all(v is None or v == 0 or v >= K for v in published.values())
    # published cells are the true ones
    assert all(published[c] in (None, cells[c]) for c in cells)
    # 2. combinatorial: no constraint has exactly one hidden cell (else it equals total minus the others)
    for con in constraints:
        hidden = [c for c in (con.total, *con.parts) if published[c] is None]
        assert len(hidden) != 1, (con, hidden)
    # 3. LP: every hidden cell ranges over an interval of positive width that contains the truth
    for c, (lo, hi) in lp_bounds(cells, constraints, published).items():
        assert lo - 1e-6 <= cells[c] <= hi + 1e-6
        assert hi - lo > 1e-6, f"cell {c} (true {cells[c]}) is recoverable: [{lo}, {hi}]"


small_counts = st.one_of(st.integers(0, 3), st.integers(1, 9), st.integers(10, 60))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_two_way_table_with_margins(n_rows, n_cols, data):
    rows = Dimension("ward", tuple(f"w{i}" for i in range(n_rows)))
    cols = Dimension("band", tuple(f"b{j}" for j in range(n_cols)))
    counts = {(r, c): data.draw(small_counts) for r in rows.values for c in cols.values}
    cells, constraints = cube(counts, [rows, cols])
    check(cells, constraints, protect(cells, constraints, K))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 6), st.integers(1, 3), st.data())
def test_towns_within_wards_cannot_be_recovered_from_the_coarser_area(n_towns, n_sex, data):
    """The same indicator published by 町字 and by 区 (and the city): ward = sum of its towns."""
    towns = tuple(f"t{i}" for i in range(n_towns))
    parent = {t: ("wA" if i % 2 == 0 else "wB") for i, t in enumerate(towns)}
    area = Dimension("area", towns, parent)
    sex = Dimension("sex", tuple(["M", "F", "X"][:n_sex]))
    counts = {(t, s): data.draw(small_counts) for t in towns for s in sex.values}
    cells, constraints = cube(counts, [area, sex])
    assert ("wA", TOTAL) in cells and (TOTAL, TOTAL) in cells
    check(cells, constraints, protect(cells, constraints, K))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_three_way_cube(data):
    dims = [Dimension("a", ("a0", "a1", "a2")), Dimension("b", ("b0", "b1")),
            Dimension("c", ("c0", "c1", "c2"))]
    counts = {key: data.draw(small_counts) for key in
              [(a, b, c) for a in dims[0].values for b in dims[1].values for c in dims[2].values]}
    cells, constraints = cube(counts, dims)
    check(cells, constraints, protect(cells, constraints, K))


def test_a_single_small_cell_takes_a_complement_in_its_row_and_column():
    rows = Dimension("r", ("r0", "r1"))
    cols = Dimension("c", ("c0", "c1"))
    counts = {("r0", "c0"): 3, ("r0", "c1"): 50, ("r1", "c0"): 40, ("r1", "c1"): 60}
    result = protect_cube(counts, [rows, cols], K)
    assert result.primary == {("r0", "c0")}
    # a 2x2 table: the whole inner block must hide, margins stay published
    assert result.suppressed == {("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")}
    assert result.values[("r0", TOTAL)] == 53
    assert result.values[(TOTAL, TOTAL)] == 153


def test_the_known_counter_example_to_the_two_per_line_rule_is_caught():
    """Three small cells on a diagonal: each needs complements in its row and column; whatever pattern the
    greedy choice makes, the null-space test must leave no hidden cell determined (checked by LP)."""
    rows = Dimension("r", ("r0", "r1", "r2"))
    cols = Dimension("c", ("c0", "c1", "c2"))
    counts = {("r0", "c0"): 2, ("r0", "c1"): 30, ("r0", "c2"): 30,
              ("r1", "c0"): 30, ("r1", "c1"): 5, ("r1", "c2"): 30,
              ("r2", "c0"): 30, ("r2", "c1"): 30, ("r2", "c2"): 7}
    cells, constraints = cube(counts, [rows, cols])
    check(cells, constraints, protect(cells, constraints, K))


def test_zero_is_published_and_k_is_configurable():
    dims = [Dimension("r", ("r0", "r1", "r2"))]
    result = protect_cube({("r0",): 0, ("r1",): 12, ("r2",): 20}, dims, k=15)
    assert result.values[("r0",)] == 0
    assert result.values[("r1",)] is None and result.values[("r2",)] is None  # complement of 12
    assert result.values[(TOTAL,)] == 32


def test_rates_and_means_follow_their_counts():
    assert protect_ratio(5, 100, K) is None  # a numerator of 5 would reveal five people
    assert protect_ratio(0, 100, K) == 0.0
    assert protect_ratio(30, 9, K) is None
    assert protect_ratio(30, None, K) is None
    assert protect_ratio(25, 100, K, scale=100) == pytest.approx(25.0)
    assert protect_mean(1_000_000, 9, K) is None
    assert protect_mean(1_000_000, 10, K) == 100_000


def test_k_must_be_positive():
    with pytest.raises(ValueError):
        protect({}, [], 0)
