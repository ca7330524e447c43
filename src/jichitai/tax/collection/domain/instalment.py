"""One amount due on one date, and the split of an amount into equal parts with the remainder first.

Every split the law of collection makes has the same shape: divide, cut the fraction below a unit, and add
everything cut to the first part (地方税法第20条の4の2第6項 for 普通徴収 期別, 第321条の5第1項 for 給与の月割).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from jichitai.common.money import floor_to
from jichitai.tax.errors import TaxError

METHODS = {"salary": "給与からの特別徴収", "ordinary": "普通徴収", "pension": "公的年金からの特別徴収"}


class CollectionError(TaxError):
    """A collection that the law does not allow (e.g. 一括徴収 asked for outside its months)."""

    code = "tax_collection"


@dataclass(frozen=True)
class Instalment:
    """What one payer owes for one 期 or 徴収月.

    ``month`` is the first day of the month it belongs to (the 徴収月 of a withholding, the 納期 month of a 期);
    ``due`` the 納期限 (普通徴収) or 納入期限 (特別徴収: the 10th of the next month). ``payer`` is the
    特別徴収義務者's 法人番号 (or the 年金保険者) for a withholding, empty when the taxpayer pays.
    """

    method: str
    label: str
    month: dt.date
    due: dt.date
    amount: int
    payer: str = ""
    payer_name: str = ""

    def with_amount(self, amount: int) -> Instalment:
        return replace(self, amount=amount)

    def named(self, payer_name: str) -> Instalment:
        return replace(self, payer_name=payer_name)


def split_remainder_first(amount: int, parts: int, unit: int) -> list[int]:
    """``amount`` in ``parts`` equal parts each cut to a multiple of ``unit``, all that was cut in the first.

    If each part would be below ``unit`` the whole amount is in the first part (「その分割金額の全額が…未満で
    あるときは、その全額は最初の…に合算する」, 地方税法第20条の4の2第6項).
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    if amount < 0:
        raise ValueError("amount must not be negative")
    each = floor_to(amount // parts, unit)
    return [amount - each * (parts - 1)] + [each] * (parts - 1)


def total(instalments: list[Instalment] | tuple[Instalment, ...]) -> int:
    return sum(i.amount for i in instalments)
