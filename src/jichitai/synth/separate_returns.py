"""分離課税 on the synthetic city's 確定申告書: who sold land or buildings (土地建物等の譲渡所得) or listed shares
(上場株式等の譲渡所得等) in the income year, what they declare, and the 上場株式等の譲渡損失 they carry.

The shares come from 広島国税局「令和5年分の確定申告状況等について」(nta.go.jp/about/organization/hiroshima/
release/r05/kakushin_jokyo/): of 7.1 million residents of its five prefectures (人口推計, assumed [D]) 2万7千人 declared
土地等の譲渡所得 (2万 with an income, 1,732億円: 866万円 each on average) and 5万1千人 株式等の譲渡所得 (2万8千 with an
income, 1,435億円: 512万円 each) — per resident 0.38 % and 0.72 %; 札幌国税局 and 仙台国税局 publish the same order.
Everything else is assumed [D]: the amounts log-normal around those averages, 1 in 10 land sales 短期, of the 長期
3 in 10 a 居住用財産 (附則第34条の3) and 1 in 30 優良住宅地 (附則第34条の2); the share paying the 配当 in 申告分離 and
the share with losses carried from the 3 years before (附則第35条の2の6), and for half of those the 付表's rows by
year (the 3rd, 2nd and 1st year before). A land loss is not declared here (it
offsets nothing in the 住民税). Each person's draws come from their own generator, so the city's other draws do not
move. Pure: no Django."""

from __future__ import annotations

import hashlib
import math
import random

LAND_SHARE = 27_000 / 7_100_000      # declared 土地等の譲渡所得, per resident (広島国税局 令和5年分)
LAND_GAIN = 20_000 / 27_000          # … of them with an income
STOCK_SHARE = 51_000 / 7_100_000     # declared 株式等の譲渡所得
STOCK_GAIN = 28_000 / 51_000         # … of them with an income (the rest a loss)
LAND_MEAN, STOCK_MEAN = 8_660_000, 5_120_000  # 所得金額 per filer with an income (same source)
SHORT_TERM, RESIDENTIAL, QUALIFIED = 0.10, 0.30, 1 / 30  # [D]
DIVIDEND_SEPARATE = 0.5              # [D] of the stock filers, 上場株式等の配当 declared in 申告分離
CARRIED = 0.3                        # [D] of the stock filers with a gain, losses carried from earlier years
WITHHELD = 0.6                       # [D] of the gains, in a 源泉徴収あり 特定口座 (株式等譲渡所得割 5 %)
STOCK_TRANSFER_RATE = 5              # 株式等譲渡所得割 5 % (地方税法第71条の49)
BY_YEAR = 0.5                        # [D] of the returns with carried losses, the 付表's rows by year in the data


def _carried_by_year(carried: int, rng: random.Random) -> dict[str, int]:
    """The 付表's 前年から繰り越された損失 (本年の3年前分・2年前分・前年分) summing to ``carried``, [D] split at random over
    one to three of the years, in whole 1,000 yen."""
    ages = sorted(rng.sample((3, 2, 1), rng.randint(1, 3)), reverse=True)
    cuts = sorted(rng.randint(0, carried // 1000) for _ in ages[1:])
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, carried // 1000], strict=True)]
    return {f"listed_loss_carried_{age}": part * 1000 for age, part in zip(ages, parts, strict=True) if part}


def _lognormal(rng: random.Random, mean: int, sigma: float) -> int:
    """An amount whose mean is ``mean`` (median mean·e^(−σ²/2)), in whole 1,000 yen."""
    return max(1, round(mean * math.exp(rng.gauss(0, sigma) - sigma * sigma / 2) / 1000)) * 1000


def _uniform(seed: int | str, pid: int, what: str) -> float:
    """A uniform draw in [0, 1) fixed by (seed, person, what): cheap, so the 99 % who sold nothing cost no generator."""
    digest = hashlib.blake2b(f"{what}:{seed}:{pid}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def separate_items(seed: int | str, pid: int, age: int) -> dict[str, int]:
    """The 確定申告書 items (tax.final_returns.FINAL_RETURN names) of this person's 分離課税, or {} (most people)."""
    out: dict[str, int] = {}
    if age < 20:
        return out
    land, stock = (_uniform(seed, pid, "land") < LAND_SHARE * LAND_GAIN, _uniform(seed, pid, "stock") < STOCK_SHARE)
    if not (land or stock):
        return out
    rng = random.Random(f"separate:{seed}:{pid}")
    if land:
        gain = _lognormal(rng, LAND_MEAN, 1.0)
        if rng.random() < SHORT_TERM:
            out["land_short_term"] = gain
        else:
            out["land_long_term"] = gain
            kind = rng.random()
            if kind < RESIDENTIAL:
                out["land_long_term_residential"] = gain
            elif kind < RESIDENTIAL + QUALIFIED:
                out["land_long_term_qualified"] = gain
    if stock:
        dividend = _lognormal(rng, 300_000, 1.0) if rng.random() < DIVIDEND_SEPARATE else 0
        if rng.random() < STOCK_GAIN:
            gain = _lognormal(rng, STOCK_MEAN, 1.3)
            carried = _lognormal(rng, 1_000_000, 1.0) if rng.random() < CARRIED else 0
            out["listed_stock"] = gain
            # 第三表「本年分の上場株式等から差し引く繰越損失額」: what of the carried losses this year absorbs
            out["listed_stock_carryover"] = min(carried, gain + dividend)
            if rng.random() < WITHHELD:
                out["withheld_stock_transfer"] = gain * STOCK_TRANSFER_RATE // 100
            if carried and _uniform(seed, pid, "fuhyo") < BY_YEAR:
                out.update(_carried_by_year(carried, random.Random(f"fuhyo:{seed}:{pid}")))
        else:  # a loss: 損益通算 against the 配当 (付表); the return carries the 配当 after it
            dividend = max(0, dividend - _lognormal(rng, 600_000, 1.0))
        if dividend:
            out["listed_dividend"] = dividend
    return {k: v for k, v in out.items() if v}
