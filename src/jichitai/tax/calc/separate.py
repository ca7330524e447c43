"""分離課税 over columns (the vector form of :mod:`jichitai.tax.rules.separate`): the 損益通算 and 繰越控除 of
上場株式等に係る譲渡損失 (地方税法附則第35条の2の6), the 課税分離所得金額 of each kind and the 市・県 所得割 on them,
with the reduced rates of part of the 長期譲渡所得 (附則第34条の2, 第34条の3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from jichitai.tax.calc import columns as V
from jichitai.tax.calc.columns import CARRIED_COLUMNS, I64, Columns
from jichitai.tax.rules import frac


def listed_loss(t: Columns) -> Columns:
    """損益通算 (the year's loss off the 上場株式等に係る配当所得等) and 繰越控除 (the loss brought in off the 譲渡所得等
    first, then the 配当所得等; the oldest year first), as :func:`jichitai.tax.rules.separate.listed_stock_loss`:
    ``carryover_listed_stock_loss`` is a sum within the period whose years are not given, the columns of
    :data:`~jichitai.tax.calc.columns.CARRIED_COLUMNS` the losses of the 3rd, 2nd and 1st year before; a loss older
    than 3 years (``carryover_listed_loss_older``) is not deducted, only reported. What is left carries forward by
    the year it arose (``left_0y`` the income year's, ``left_1y``, ``left_2y``; ``left_undated`` of the sum)."""
    stock, dividend = t["sep_listed_stock"], t["sep_listed_dividend"]
    loss, undated = t["sep_listed_stock_loss"], t["carryover_listed_stock_loss"]
    oldest = t[CARRIED_COLUMNS[0]]
    brought = undated + oldest + t[CARRIED_COLUMNS[1]] + t[CARRIED_COLUMNS[2]]
    offset = np.minimum(loss, dividend)
    netted = dividend - offset
    from_stock = np.minimum(brought, stock)
    from_dividend = np.minimum(brought - from_stock, netted)
    used = from_stock + from_dividend
    take, left = used, []
    for amount in (undated, oldest, t[CARRIED_COLUMNS[1]], t[CARRIED_COLUMNS[2]]):  # the undated sum, oldest first
        part = np.minimum(amount, take)
        left.append(amount - part)
        take = take - part
    lapsed = left[1]
    return {"listed_stock": stock - from_stock, "dividend_netted": netted, "listed_dividend": netted - from_dividend,
            "offset": offset, "carryover_used": used, "remaining": loss - offset + brought - used - lapsed,
            "lapsed": lapsed, "expired": t["carryover_listed_loss_older"],
            "left_0y": loss - offset, "left_1y": left[3], "left_2y": left[2], "left_undated": left[0]}


def _bracket(x: np.ndarray, threshold: int, rates: list[str]) -> np.ndarray:
    return V.times(np.minimum(x, threshold), frac(rates[0])) + V.times(np.maximum(0, x - threshold), frac(rates[1]))


def taxables_and_levies(kinds: list[str], unit: int, rates: dict[str, Any], reduced: dict[str, Any], side: str,
                        left: np.ndarray, qualified: np.ndarray, residential: np.ndarray,
                        *amounts: np.ndarray) -> tuple[np.ndarray, ...]:
    """課税分離所得金額 of each kind, then the 特定所得分 and 軽課所得分 of the 課税長期譲渡所得金額, then the 市・県
    levies: what the 総所得金額 did not absorb of the 所得控除 (``left``) comes off the kinds in the law's order, and
    within the 長期譲渡所得 off its 一般所得分 first (as :func:`jichitai.tax.rules.separate.long_term_parts`)."""
    out, city, pref = [], np.zeros(len(left), I64), np.zeros(len(left), I64)
    q_taxed = r_taxed = np.zeros(len(left), I64)
    for kind, amount in zip(kinds, amounts, strict=True):
        tx = (np.maximum(0, amount - left) // unit) * unit
        normal = tx
        if kind == "land_long_term":
            left_q = np.maximum(0, left - (amount - qualified - residential))
            q_left = np.maximum(0, qualified - left_q)
            r_left = np.maximum(0, residential - np.maximum(0, left_q - qualified))
            r_taxed = np.minimum(r_left, tx)
            q_taxed = np.minimum(q_left, tx - r_taxed)
            normal = tx - q_taxed - r_taxed
            for part, x in (("qualified", q_taxed), ("residential", r_taxed)):
                band = reduced[part]
                city = city + _bracket(x, int(band["threshold"]), band[side]["city"])
                pref = pref + _bracket(x, int(band["threshold"]), band[side]["pref"])
        left = np.maximum(0, left - amount)
        out.append(tx)
        city = city + V.times(normal, frac(rates[kind]["city"]))
        pref = pref + V.times(normal, frac(rates[kind]["pref"]))
    return (*out, q_taxed, r_taxed, city, pref)
