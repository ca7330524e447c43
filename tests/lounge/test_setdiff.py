"""The set-difference sketch of overlap control (lounge/setdiff.py): from each set's count, key sum and D + 2
power sums, tell exactly how far apart two sets of people are when it is at most D, and never call sets more
than D apart close (docs/decisions/0004, "pairs two or more people apart").

Independent: the truth is the size of the symmetric difference of the two Python sets, computed here with set
operations, not by the code under test; the sets are random 48-bit record keys like the platform's.
"""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.lounge import setdiff

KEYS = st.integers(min_value=0, max_value=(1 << 48) - 1)


def sketch(people: set[int]) -> tuple[int, int, tuple[int, ...]]:
    return len(people), sum(people), setdiff.moments(people)


@settings(max_examples=400, deadline=None)
@given(base=st.sets(KEYS, min_size=0, max_size=60), removed=st.integers(0, 7), added=st.sets(KEYS, max_size=7),
       seed=st.integers(0, 2**32))
def test_the_size_of_a_difference_up_to_d_is_exact_and_beyond_d_is_far(
        base: set[int], removed: int, added: set[int], seed: int) -> None:
    """Any two sets: ``apart`` is |A Δ B| when that is at most D (0 for the same people), None beyond — whatever
    mix of removals and additions (her and a companion, a swap, three out and one in …) made B from A."""
    out = set(random.Random(seed).sample(sorted(base), min(removed, len(base))))
    a, b = base, (base - out) | (added - base)
    truth = len(a ^ b)
    got = setdiff.apart(*sketch(a), *sketch(b))
    assert got == (truth if truth <= setdiff.D else None), (truth, got)
    assert setdiff.apart(*sketch(b), *sketch(a)) == got  # symmetric


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), size=st.integers(10, 400))
def test_many_at_once_agrees_with_one_at_a_time(seed: int, size: int) -> None:
    """``apart_many`` (numpy, the ledger's path) gives each remembered set what ``apart`` gives it alone, for sets
    near and far from the new one and of counts within D of it."""
    rng = random.Random(seed)
    new = {rng.getrandbits(48) for _ in range(size)}
    others = []
    for _ in range(40):
        keep = set(rng.sample(sorted(new), len(new) - rng.randint(0, 6)))
        others.append(keep | {rng.getrandbits(48) for _ in range(rng.randint(0, 6))})
    others.append({rng.getrandbits(48) for _ in range(size)})  # unrelated, same count
    many = setdiff.apart_many(*sketch(new), np.array([len(o) for o in others]),
                              np.array([sum(o) for o in others], dtype=object),
                              np.array([setdiff.moments(o) for o in others], dtype=np.int64))
    for o, got in zip(others, many, strict=True):
        truth = len(new ^ o)
        assert got == (truth if truth <= setdiff.D else -2)
        assert setdiff.apart(*sketch(new), *sketch(o)) == (None if got == -2 else got)


def test_a_shared_field_element_is_apart_not_the_same() -> None:
    """Two people whose record keys give the same field element (about 500 pairs in a city of 1.5 M): swapping
    one for the other leaves the moments as they were, but the key sums differ — reported as apart (size
    unknown), never as the same people (independent: the two keys are built to collide modulo Q − 1)."""
    her = 123456789
    other = her + (setdiff.Q - 1) * 1000
    assert setdiff.element(her) == setdiff.element(other)
    base = {5, 6, 7, 8, 9}
    assert setdiff.apart(*sketch(base | {her}), *sketch(base | {other})) == setdiff.UNKNOWN
    assert setdiff.apart(*sketch(base | {her}), *sketch(base | {her})) == 0


def test_the_sql_powers_are_the_python_moments() -> None:
    """The engine computes each person's powers with :func:`setdiff.moments_sql`; summed modulo Q they are the
    Python moments (consistency: two implementations of one definition)."""
    import duckdb

    keys = [random.Random(7).getrandbits(48) for _ in range(300)]
    select = ", ".join(setdiff.moments_sql("k"))
    sums = ", ".join(f"sum(__h{j}) % {setdiff.Q}" for j in range(1, setdiff.MOMENTS + 1))
    con = duckdb.connect(":memory:")
    rows = con.sql(f"SELECT {sums} FROM (SELECT {select} FROM (SELECT unnest(?::BIGINT[]) AS k))",
                   params=[keys]).fetchall()
    assert tuple(int(v) for v in rows[0]) == setdiff.moments(keys)
