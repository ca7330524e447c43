"""更正 and 税額変更: a new annual amount re-spread over what is not yet due; nothing already due changes.

What stays: for a withholding (給与・年金), every 徴収月 up to the month of the notice (the employer or pension
payer applies the 変更通知 from the next withholding, 地方税法第321条の6第1項・第321条の7の9 [U] timing); for
普通徴収 every 期 whose 納期限 is before the notice (第20条の4の2第6項 split of the rest over the open 期). If
what stays exceeds the new amount the excess is 還付 (or 充当) due (第17条) and every open instalment is 0. Whether
it is refunded depends on what was paid: :func:`refund_lines` states it from the payments when they are known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jichitai.tax.collection.domain.instalment import CollectionError, Instalment, split_remainder_first
from jichitai.tax.collection.domain.pension import PENSION_UNIT
from jichitai.tax.collection.domain.receipts import Settlement
from jichitai.tax.collection.domain.salary import MONTHLY_UNIT


@dataclass(frozen=True)
class Revision:
    instalments: tuple[Instalment, ...]
    fixed: int  # the sum of what was already due and kept
    refund: int  # 還付 due (when what was due exceeds the new amount)


def already_due(instalment: Instalment, notice_on: dt.date) -> bool:
    """Whether ``instalment`` can no longer change when a 変更通知 is dated ``notice_on``."""
    if instalment.method == "ordinary":
        return instalment.due < notice_on
    return instalment.month <= notice_on.replace(day=1)


def respread(schedule: list[Instalment], new_amount: int, *, notice_on: dt.date, ordinary_unit: int,
             occasional_due: dt.date | None = None) -> Revision:
    """``schedule`` (one method) re-spread for the new annual ``new_amount`` decided on ``notice_on``.

    The open instalments share ``new_amount − fixed`` as the first schedule did (給与 100円, 年金 100円, 普通徴収
    ``ordinary_unit``; remainder in the first open one). With none open, an increase is one 随時 instalment due
    ``occasional_due`` (普通徴収), or refused for a withholding (the caller moves it to 普通徴収).
    """
    if new_amount < 0:
        raise CollectionError("税額が負になっています。", field="new_amount")
    methods = {i.method for i in schedule}
    if len(methods) > 1:
        raise CollectionError("徴収方法ごとに計算してください。", field="schedule")
    fixed_part = [i for i in schedule if already_due(i, notice_on)]
    open_part = [i for i in schedule if not already_due(i, notice_on)]
    fixed = sum(i.amount for i in fixed_part)
    rest = new_amount - fixed
    if rest <= 0:
        zeroed = tuple(fixed_part + [i.with_amount(0) for i in open_part])
        return Revision(zeroed, fixed, -rest)
    if open_part:
        method = open_part[0].method
        unit = {"salary": MONTHLY_UNIT, "pension": PENSION_UNIT}.get(method, ordinary_unit)
        parts = split_remainder_first(rest, len(open_part), unit)
        return Revision(tuple(fixed_part + [i.with_amount(p) for i, p in zip(open_part, parts, strict=True)]),
                        fixed, 0)
    if schedule and schedule[0].method != "ordinary":
        raise CollectionError("特別徴収の残りの月がありません。普通徴収に切り替えてください。", field="notice_on")
    if occasional_due is None:
        raise CollectionError("残りの納期がないため随時の納期限が必要です。", field="occasional_due")
    extra = Instalment("ordinary", "随時", occasional_due.replace(day=1), occasional_due, rest)
    return Revision(tuple(fixed_part + [extra]), fixed, 0)


CONDITIONAL = "還付（納付済みの場合）"
OVERPAID = "過誤納金（還付）"
WITHHELD = "還付（特別徴収分）"


def refund_lines(refund: int, settlement: Settlement | None) -> list[tuple[str, int]]:
    """The 還付 a notice or page states for a schedule whose 更正 left ``refund`` over the new amount.

    Without payments known (``settlement`` None) it can only be conditional: 還付（納付済みの場合）. With them it is the
    過誤納金 they show (地方税法第17条: paid beyond what each 期 now asks for, :func:`.receipts.settle`) and the part
    of the excess that fell on withholdings; nothing when nothing was overpaid."""
    if settlement is None:
        return [(CONDITIONAL, refund)] if refund else []
    out = []
    if settlement.overpaid:
        out.append((OVERPAID, settlement.overpaid))
    if settlement.withheld_excess:
        out.append((WITHHELD, settlement.withheld_excess))
    return out


def refund_note(refund: int, settlement: Settlement | None) -> str:
    """The schedule's note on a 更正's excess, in words (empty when there is nothing to say)."""
    if settlement is None:
        return (f"既に納期の到来した額が更正後の税額を {refund:,}円 超えています: {CONDITIONAL}" if refund else "")
    parts = [f"{label} {amount:,}円" for label, amount in refund_lines(refund, settlement)]
    if parts:
        return "納付済みの額が更正後の税額を超えています: " + "、".join(parts) + " (地方税法第17条)"
    if refund:
        return (f"既に納期の到来した額が更正後の税額を {refund:,}円 超えていますが、その期は未納のため減額のみ"
                "（還付はありません）")
    return ""
