"""収納 against the 普通徴収 期 (pure): each 期's state, the 過誤納金 (地方税法第17条: 過誤納に係る徴収金は遅滞なく
還付しなければならない) and a 更正's excess taken off the 期 already due. 充当 (第17条の2) is not done: the amounts
here are before it."""

from __future__ import annotations

import datetime as dt

from jichitai.tax.collection.domain.instalment import Instalment
from jichitai.tax.collection.domain.receipts import (
    NOTHING_DUE,
    PAID,
    PARTLY,
    UNPAID,
    paid_by_term,
    prepaid_terms,
    reduced_by_refund,
    settle,
    term_states,
)

D = dt.date


def _terms(*amounts: int) -> list[Instalment]:
    dues = [D(2026, 6, 30), D(2026, 8, 31), D(2026, 11, 2), D(2027, 2, 1)]
    return [Instalment("ordinary", f"第{n}期", due.replace(day=1), due, a)
            for n, (due, a) in enumerate(zip(dues, amounts, strict=False), start=1)]


def test_each_term_is_paid_partly_paid_or_unpaid() -> None:
    """Independent (arithmetic on the 期 amounts): 30,000 paid of 30,000 → 納付済; 10,000 of 25,000 → 一部納付
    with 15,000 outstanding; nothing paid → 未納; a 期 at 0 with nothing paid → 納付額なし."""
    states = term_states(_terms(30_000, 25_000, 25_000, 0), {"第1期": 30_000, "第2期": 10_000})
    assert [s.state for s in states] == [PAID, PARTLY, UNPAID, NOTHING_DUE]
    assert [s.outstanding for s in states] == [0, 15_000, 25_000, 0]
    assert sum(s.overpaid for s in states) == 0


def test_a_reversal_cancels_its_payment() -> None:
    """Independent: a payment of 30,000 and its reversing entry −30,000 leave the 期 未納."""
    paid = paid_by_term([("第1期", 30_000), ("第1期", -30_000), ("第2期", 5_000)])
    assert paid == {"第1期": 0, "第2期": 5_000}
    assert [s.state for s in term_states(_terms(30_000, 25_000), paid)] == [UNPAID, PARTLY]


def test_paid_beyond_what_a_term_now_asks_is_overpaid() -> None:
    """Independent (第17条): 第3期 and 第4期 paid in advance (25,000 each), then a 更正 re-spreads them to 10,000 each:
    30,000 is 過誤納金 to refund, not conditional on anything."""
    s = settle(_terms(30_000, 25_000, 10_000, 10_000), 0, {"第3期": 25_000, "第4期": 25_000})
    assert [t.overpaid for t in s.states] == [0, 0, 15_000, 15_000]
    assert s.overpaid == 30_000 and s.withheld_excess == 0


def test_a_revisions_excess_comes_off_the_terms_already_due_from_the_last() -> None:
    """Independent (arithmetic; the order is our [U] assumption): 第1期 30,000 and 第2期 25,000 fell due, the 更正
    lowered the year to 40,000, so 15,000 is the excess. Taken off 第2期 (25,000 → 10,000). Paid both in full →
    過誤納金 15,000; paid only 第1期 → nothing to refund and 第2期 still owes 10,000."""
    terms = _terms(30_000, 25_000, 0, 0)
    owed, left = reduced_by_refund(terms, 15_000)
    assert [i.amount for i in owed] == [30_000, 10_000, 0, 0] and left == 0
    both = settle(terms, 15_000, {"第1期": 30_000, "第2期": 25_000})
    assert both.overpaid == 15_000
    first = settle(terms, 15_000, {"第1期": 30_000})
    assert first.overpaid == 0 and first.outstanding == 10_000
    assert [t.state for t in first.states][:2] == [PAID, UNPAID]


def test_an_excess_beyond_every_ordinary_term_fell_on_withholdings() -> None:
    """Independent: an excess of 70,000 against 55,000 of 普通徴収 期: 55,000 comes off them, 15,000 was withheld."""
    owed, left = reduced_by_refund(_terms(30_000, 25_000), 70_000)
    assert [i.amount for i in owed] == [0, 0] and left == 15_000


def test_a_prepayment_pays_every_term_from_its_due_on() -> None:
    """Independent (地方税法第321条第1項, the slip's rule): a 前納 slip due 2026-08-31 pays 第2〜4期, not a 期 at 0."""
    terms = _terms(30_000, 25_000, 25_000, 0)
    assert [i.label for i in prepaid_terms(terms, D(2026, 8, 31))] == ["第2期", "第3期"]


def test_the_refund_is_conditional_only_while_no_payment_is_known() -> None:
    """Independent (第17条): a 更正 left 15,000円 over the new amount. No payment known → 還付（納付済みの場合）
    15,000円 (as before 収納). Both 期 paid → 過誤納金（還付） 15,000円; only 第1期 paid → no 還付 at all (the unpaid
    第2期 absorbs it), and the note says so."""
    from jichitai.tax.collection.domain.revision import refund_lines, refund_note

    terms = _terms(30_000, 25_000, 0, 0)
    assert refund_lines(15_000, None) == [("還付（納付済みの場合）", 15_000)]
    assert refund_lines(15_000, settle(terms, 15_000, {"第1期": 30_000, "第2期": 25_000})) == [
        ("過誤納金（還付）", 15_000)]
    unpaid = settle(terms, 15_000, {"第1期": 30_000})
    assert refund_lines(15_000, unpaid) == []
    assert "還付はありません" in refund_note(15_000, unpaid)
    assert "過誤納金（還付） 15,000円" in refund_note(15_000, settle(terms, 15_000, {"第1期": 30_000, "第2期": 25_000}))
    assert refund_lines(0, None) == [] and refund_note(0, None) == ""
