"""収納 against the 普通徴収 期: what a payment pays, each 期's state and the 過誤納金 (pure).

A payment is kept against its 年度, 宛名番号 and 期 (the label, 「第2期」, 「随時」), not against a schedule version:
after a 更正 (:mod:`.revision`) the same 期 of the new schedule counts it. What was paid beyond what a 期 now asks
for is 過誤納金, which the city must refund without delay (地方税法第17条). 充当 of it to another 期 still unpaid
(第17条の2) is not done here: the amount shown is before any 充当 (docs/tax-year.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from jichitai.tax.collection.domain.instalment import Instalment

PAID, PARTLY, UNPAID, NOTHING_DUE = "納付済", "一部納付", "未納", "納付額なし"


@dataclass(frozen=True)
class TermState:
    label: str
    due: int  # what the 期 asks for now
    paid: int  # the payments recorded against it (reversals subtracted)

    @property
    def state(self) -> str:
        """納付済 (paid in full, or more), 一部納付, 未納; 納付額なし when nothing is due and nothing was paid."""
        if self.due <= 0 and self.paid <= 0:
            return NOTHING_DUE
        if self.paid >= self.due:
            return PAID
        return PARTLY if self.paid > 0 else UNPAID

    @property
    def overpaid(self) -> int:
        """過誤納金 of this 期 (地方税法第17条): paid beyond what it now asks for."""
        return max(0, self.paid - max(self.due, 0))

    @property
    def outstanding(self) -> int:
        return max(0, self.due - self.paid)


def paid_by_term(payments: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(期, 金額) pairs (a reversal is a negative amount) summed per 期."""
    out: dict[str, int] = {}
    for label, amount in payments:
        out[label] = out.get(label, 0) + amount
    return out


def term_states(ordinary: Sequence[Instalment], paid: Mapping[str, int]) -> list[TermState]:
    """Each 普通徴収 期 of the schedule with what was paid against it; a 期 paid that the schedule no longer has
    (none today: a 更正 keeps every 期 it had, at 0) is listed at the end with nothing due."""
    states = [TermState(i.label, i.amount, paid.get(i.label, 0)) for i in ordinary]
    known = {i.label for i in ordinary}
    states += [TermState(label, 0, amount) for label, amount in paid.items() if label not in known and amount]
    return states


def overpayment(states: Sequence[TermState]) -> int:
    """過誤納金 of the year's 普通徴収: the sum over the 期 of what was paid beyond what each now asks for
    (地方税法第17条; before any 充当, 第17条の2, which is not done)."""
    return sum(s.overpaid for s in states)


def prepaid_terms(ordinary: Sequence[Instalment], due: dt.date) -> list[Instalment]:
    """The 期 a 全期前納 slip with 支払期限 ``due`` pays: every 期 with something to pay whose 納期限 is on or after
    it (the slip's own rule: payment_slip.for_notice, 地方税法第321条第1項)."""
    return [i for i in ordinary if i.amount > 0 and i.due >= due]


def reduced_by_refund(ordinary: Sequence[Instalment], refund: int) -> tuple[list[Instalment], int]:
    """The 期 as they are owed once a 更正's excess ``refund`` (Revision.refund: what already fell due beyond the new
    amount) is taken off them, from the last 期 backwards, and the part of it no 普通徴収 期 carries (withheld
    from salary or pension). **[U] our rule**: the order in which a 減額 reaches the 期 already due is not in the
    stored sources; from the last is the common practice we assume (docs/tax-year.md)."""
    out = list(ordinary)
    left = refund
    for n in range(len(out) - 1, -1, -1):
        if left <= 0:
            break
        cut = min(left, max(out[n].amount, 0))
        out[n] = out[n].with_amount(out[n].amount - cut)
        left -= cut
    return out, left


@dataclass(frozen=True)
class Settlement:
    """What the payments say about a year's 普通徴収: each 期's state, the 過誤納金 to refund (第17条) and the part
    of a 更正's excess that fell on withholdings (paid by the employer or pension payer, not seen here)."""

    states: tuple[TermState, ...]
    overpaid: int
    withheld_excess: int

    @property
    def outstanding(self) -> int:
        return sum(s.outstanding for s in self.states)


def settle(ordinary: Sequence[Instalment], refund: int, paid: Mapping[str, int]) -> Settlement:
    """The current schedule's 普通徴収 ``ordinary`` and 更正 excess ``refund`` against what was ``paid`` per 期."""
    owed, withheld = reduced_by_refund(ordinary, refund)
    states = tuple(term_states(owed, paid))
    return Settlement(states, overpayment(states), withheld)
