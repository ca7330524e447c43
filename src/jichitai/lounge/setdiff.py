"""How many people two published figures are apart, up to :data:`D`, from a few numbers kept per figure.

Overlap control (:mod:`jichitai.lounge.overlap`) must not show a figure whose people differ from a remembered
figure's by a few people: her and a companion whose value the attacker knows, or one person swapped for another
(same count, different sets). The ledger keeps no one's identity, so the question "is |A Δ B| ≤ D?" has to be
answered from a fixed-size summary of each set. We keep its *power sums* (moments) over a prime field, the
set-reconciliation sketch of Minsky, Trachtenberg & Zippel ("Set reconciliation with nearly optimal
communication complexity", IEEE Trans. Inf. Theory 49(9), 2003; the same problem Eppstein, Goodrich, Uyeda &
Varghese 2011 solve with invertible Bloom lookup tables): each person's record key ``r`` becomes a field element
``h = r mod (Q-1) + 1`` and a set ``S`` keeps ``m_j = Σ h^j mod Q`` for ``j = 1 … D+2``, with its number of
people and the plain sum of its record keys.

Deciding. With ``X = A \\ B`` and ``Y = B \\ A``, the differences ``p_j = m_j(A) − m_j(B)`` are the power sums of
the signed set, so Newton's identities give the coefficients ``c_i`` of ``E(t) = Π_X(1 − x t) / Π_Y(1 − y t)``:
a rational function of exact type (|X|, |Y|) (numerator and denominator degrees, in lowest terms). The counts fix
``|X| − |Y|``; for each candidate size ``Δ' ≤ D`` of the difference, ``|X|`` and ``|Y|`` follow, the denominator
is solved from ``|Y|`` equations ``c_i + q_1 c_{i-1} + … = 0`` (``i > |X|``) and checked on the remaining ones
(at least two: ``D + 2`` moments). The true size passes exactly (its pivot is non-zero because the function is in
lowest terms); a smaller ``Δ'`` cannot pass (two rational functions of these degrees that agree at D + 2
coefficients are equal); a difference larger than ``D`` passes a check only by chance, ``Q^-2 ≈ 2^-62`` a pair.

Limits: ``Q = 2^31 − 1`` so that every product fits a 64-bit integer (numpy checks thousands of remembered figures
at once). Two people of a city share a field element with probability ~ n²/2Q (about 500 pairs among 1.5 M):
such a pair swapped looks like no difference in the moments, but the key sums then differ, which is reported as
"apart, size unknown" (:data:`UNKNOWN`), never as the same set; two of the *missing* people sharing one (``Y``
with a repeated element) make the swap of exactly those two invisible — one pair in about 2^31.

Pure Python and numpy (no Django).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

D = 4  # differences of up to D people are detected (docs/decisions/0004: why four)
MOMENTS = D + 2  # two more than D: every candidate size is checked on at least two spare equations
assert D <= 5, "the denominator is solved for degrees 0 to 2 only (_rational)"
Q = (1 << 31) - 1  # a Mersenne prime: products of two elements fit in a signed 64-bit integer
UNKNOWN = -1  # the moments are equal but the key sums are not: apart by at least two (a shared field element)


def element(record_key: int) -> int:
    """A person's field element, never zero (a zero would drop her from the moments)."""
    return int(record_key) % (Q - 1) + 1


def moments(record_keys: Iterable[int]) -> tuple[int, ...]:
    """``(Σ h, Σ h², …, Σ h^MOMENTS) mod Q`` of these people."""
    sums = [0] * MOMENTS
    for key in record_keys:
        h = element(key)
        power = 1
        for j in range(MOMENTS):
            power = power * h % Q
            sums[j] = (sums[j] + power) % Q
    return tuple(sums)


def moments_sql(person_key: str) -> list[str]:
    """DuckDB expressions of one person's powers ``h^1 … h^MOMENTS`` from the column of her record key, each
    referring to the previous by its alias ``__h1 …``; a cell's moments are their sums modulo ``Q``."""
    first = f"({person_key} % {Q - 1}) + 1 AS __h1"
    return [first, *(f"(__h{j - 1} * __h1) % {Q} AS __h{j}" for j in range(2, MOMENTS + 1))]


def apart(persons_a: int, keysum_a: int, moments_a: Sequence[int],
          persons_b: int, keysum_b: int, moments_b: Sequence[int]) -> int | None:
    """``|A Δ B|`` when it is at most :data:`D` (0: the same people), :data:`UNKNOWN` when the moments cannot tell
    two different sets apart, None when they are more than ``D`` apart."""
    result = apart_many(persons_a, keysum_a, moments_a, np.array([persons_b]), np.array([keysum_b], dtype=object),
                        np.array([list(moments_b)], dtype=np.int64))
    value = int(result[0])
    return None if value == _FAR else value


_FAR = -2


def _mul(a: np.ndarray, b: np.ndarray | int) -> np.ndarray:
    return (a * b) % Q


def _inverse(a: np.ndarray) -> np.ndarray:
    """``a^(Q-2) mod Q`` elementwise (zero stays zero: callers check it)."""
    result = np.ones_like(a)
    base = a % Q
    exponent = Q - 2
    while exponent:
        if exponent & 1:
            result = _mul(result, base)
        base = _mul(base, base)
        exponent >>= 1
    return result


def apart_many(persons: int, keysum: int, sketch: Sequence[int], others_persons: np.ndarray,
               others_keysum: np.ndarray, others_moments: np.ndarray) -> np.ndarray:
    """:func:`apart` of one set against many at once: an int64 array with the difference's size (0 … D),
    :data:`UNKNOWN`, or ``-2`` (more than D apart). ``others_moments`` has one row of :data:`MOMENTS` per set."""
    count = len(others_persons)
    out = np.full(count, _FAR, dtype=np.int64)
    if count == 0:
        return out
    mine = np.asarray(sketch, dtype=np.int64)
    theirs = np.asarray(others_moments, dtype=np.int64).reshape(count, MOMENTS)
    delta = persons - np.asarray(others_persons, dtype=np.int64)
    # orient every pair so that the larger set comes first: p are then the power sums of X minus those of Y
    sign = np.where(delta >= 0, 1, -1)
    p = ((mine[None, :] - theirs) * sign[:, None]) % Q
    gap = np.abs(delta)
    same_moments = ~p.any(axis=1)
    for row in np.flatnonzero(same_moments):  # rare: the same people again, or a shared field element
        out[row] = 0 if gap[row] == 0 and int(others_keysum[row]) == int(keysum) else UNKNOWN
    # Newton's identities: i c_i = −Σ_{j=1..i} p_j c_{i−j}
    c = np.zeros((count, MOMENTS + 1), dtype=np.int64)
    c[:, 0] = 1
    for i in range(1, MOMENTS + 1):
        acc = np.zeros(count, dtype=np.int64)
        for j in range(1, i + 1):
            acc = (acc + _mul(p[:, j - 1], c[:, i - j])) % Q
        c[:, i] = _mul((Q - acc) % Q, pow(i, Q - 2, Q))
    undecided = ~same_moments & (gap <= D)
    for size in range(1, D + 1):  # smallest first: the first size that fits is the size of the difference
        for y_size in range(0, size // 2 + 1):
            x_size = size - y_size
            rows = np.flatnonzero(undecided & (gap == x_size - y_size) & (out == _FAR))
            if len(rows):
                out[rows[_rational(c[rows], x_size, y_size)]] = size
    return out


def _rational(c: np.ndarray, x_size: int, y_size: int) -> np.ndarray:
    """Whether the series ``c`` (one row per pair) is a rational function with numerator degree ``x_size`` and
    denominator degree ``y_size`` (0, 1 or 2: enough for D ≤ 5): the denominator ``1 + q1 t + q2 t²`` is solved
    from the first ``y_size`` coefficients past the numerator (its pivot is non-zero in lowest terms), then
    ``c_i + q1 c_{i−1} + q2 c_{i−2} = 0`` must hold for every ``i`` past the numerator up to the last moment."""
    def at(offset: int) -> np.ndarray:
        return c[:, x_size + offset]

    zero = np.zeros(len(c), dtype=np.int64)
    if y_size == 0:  # a polynomial: every later coefficient is zero
        ok, q1, q2 = np.ones(len(c), dtype=bool), zero, zero
    elif y_size == 1:  # c_{a+1} + q1 c_a = 0
        ok, q2 = at(0) != 0, zero
        q1 = _mul((Q - at(1)) % Q, _inverse(at(0)))
    else:  # [c_a c_{a−1}; c_{a+1} c_a]·[q1; q2] = −[c_{a+1}; c_{a+2}], Cramer's rule
        det = (_mul(at(0), at(0)) - _mul(at(-1), at(1))) % Q
        ok = det != 0
        q1 = _mul((_mul(at(-1), at(2)) - _mul(at(0), at(1))) % Q, _inverse(det))
        q2 = _mul((_mul(at(1), at(1)) - _mul(at(0), at(2))) % Q, _inverse(det))
    for i in range(1, MOMENTS - x_size + 1):
        ok &= (at(i) + _mul(q1, at(i - 1)) + _mul(q2, at(i - 2))) % Q == 0
    return ok
