"""Cell-key perturbation and the dominance rule: the platform's answer to differencing (pure Python, no Django).

Why (docs/decisions/0004-lounge-cell-key-perturbation.md): suppression alone lets an analyst subtract two
published figures that differ by one person (a group with and without her, two snapshots, a 更正). Statistical
offices answer with *deterministic* noise: the Australian Bureau of Statistics' TableBuilder (Fraser & Wooton
2005; Thompson, Broadfoot & Elazar 2013) and ONS Census 2021 give every record a fixed random *record key*;
the *cell key* of a cell is the sum of its contributors' record keys modulo 1, and the noise added to the cell
is looked up from the cell key. The same set of people therefore always gets the same noise, however the
query is phrased (asking again and averaging gains nothing), and two sets that differ by one person get
unrelated noise (the difference of two answers is noisy).

Here:

- record key: 48 bits of SHA-256 of a secret and the pseudonym (computed inside the engine; neither the secret
  nor any record key leaves the platform); a cell key is the integer sum of its contributors' record keys
  modulo 2**48, so it does not depend on the engine's summation order.
- counts: ``n + e`` with ``e`` drawn from :data:`COUNT_NOISE` (mean 0, variance 0.8) by the cell key and the
  statistic's kind (rows, persons, distinct values of a column), never below zero.
- magnitudes (sums of yen or minutes): ``s + D·Σ m_i·x_(i)`` over the two largest contributions ``x_(1)``,
  ``x_(2)`` with ``|m_i|`` in [0.5, 1] and a random sign each, ``D`` = :data:`MAGNITUDE_SCALE` (ABS's
  magnitude perturbation: the noise is proportional to the values that need hiding).
- dominance: the p% rule (Hundepool et al., *Statistical Disclosure Control*, 2012, §4.2.2): a magnitude
  cell is sensitive when ``total − x_(1) − x_(2) < p/100 · x_(1)``, i.e. the second-largest contributor
  could estimate the largest to within p %. Sensitive cells are not published.

Published indicators have no person keys (their marts count cells, not people); their cells are keyed by the
cell's coordinates and true value instead (:func:`value_key`): the same cell with the same value always gets
the same noise, a changed value gets fresh noise.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Sequence

KEY_BITS = 48
KEY_MOD = 1 << KEY_BITS

# (noise, probability): the count perturbation table (p-table). Mean 0, variance 0.8.
COUNT_NOISE: tuple[tuple[int, float], ...] = ((-2, 0.05), (-1, 0.20), (0, 0.50), (1, 0.20), (2, 0.05))
MAGNITUDE_SCALE = 0.15  # D: the noise of a magnitude is 7.5–30 % of its two largest contributions
P_PERCENT = 10.0  # the p of the p% rule


def record_key(secret: str, pseudonym: str) -> int:
    """A person's record key: the first 48 bits of SHA-256(secret ‖ pseudonym) (``person_key_sql(…) >> 12``)."""
    return int(hashlib.sha256((secret + pseudonym).encode()).hexdigest()[:12], 16)


def person_key_sql(column: str, parameter: str = "$1") -> str:
    """60 bits of SHA-256(secret ‖ pseudonym) in DuckDB SQL, the secret a query parameter (never in the text):
    an integer person id for grouping (much faster than the 32-character pseudonym; two people sharing one
    would be counted as one, the safe side) whose top 48 bits (``>> 12``) are :func:`record_key`."""
    return f"('0x' || left(sha256({parameter} || {column}), 15))::BIGINT"


def cell_key(record_keys_sum: int) -> int:
    return int(record_keys_sum) % KEY_MOD


def value_key(secret: str, *parts: object) -> int:
    """A cell key for a cell without person keys: a keyed hash of its coordinates (the true value goes into
    the statistic's kind)."""
    text = "\x1f".join(repr(p) for p in parts).encode()
    return int.from_bytes(hmac.new(secret.encode(), text, hashlib.sha256).digest()[:6], "big")


def _uniforms(key: int, kind: str, count: int) -> list[float]:
    """``count`` uniforms in [0, 1) determined by the cell key and the statistic's kind only."""
    digest = hashlib.sha256(struct.pack(">Q", key) + kind.encode()).digest()
    return [int.from_bytes(digest[8 * i:8 * i + 6], "big") / KEY_MOD for i in range(count)]


def count_noise(key: int, kind: str) -> int:
    (u,) = _uniforms(key, kind, 1)
    acc = 0.0
    for noise, p in COUNT_NOISE:
        acc += p
        if u < acc:
            return noise
    return COUNT_NOISE[-1][0]


def perturb_count(n: int, key: int, kind: str) -> int:
    """The published count of a cell whose true count is ``n``; zero stays zero (a structural zero)."""
    if n <= 0:
        return 0
    return max(0, n + count_noise(key, kind))


def magnitude_noise(key: int, kind: str, top: Sequence[float]) -> float:
    """``D · Σ m_i · x_(i)`` over the (at most two) largest absolute contributions ``top``."""
    us = _uniforms(key, kind, 4)
    noise = 0.0
    for i, x in enumerate(list(top)[:2]):
        size = 0.5 + 0.5 * us[2 * i]
        sign = 1.0 if us[2 * i + 1] < 0.5 else -1.0
        noise += sign * size * abs(float(x))
    return MAGNITUDE_SCALE * noise


def perturb_magnitude(total: float, key: int, kind: str, top: Sequence[float]) -> int:
    """The published sum (integer yen or minutes) of a cell whose true sum is ``total``."""
    return round(float(total) + magnitude_noise(key, kind, top))


def dominated(abs_total: float, top: Sequence[float], p: float = P_PERCENT) -> bool:
    """The p% rule: True when the two largest contributors could estimate each other's value to within p %."""
    values = sorted((abs(float(x)) for x in top), reverse=True)
    if not values or values[0] == 0:
        return False
    x1 = values[0]
    x2 = values[1] if len(values) > 1 else 0.0
    return abs_total - x1 - x2 < p / 100.0 * x1
