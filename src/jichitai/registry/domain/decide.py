"""Deciding a 異動: a command and the current state in, the new snapshots out, or a refusal.

:func:`decide` is pure: it reads through a :class:`~jichitai.registry.domain.ledger.Ledger` and returns a
:class:`Change` (every person's snapshot before and after) without writing anything. A refusal raises
:class:`RegistryError` with the reason in Japanese, citing the item of the 住民記録システム標準仕様書.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from jichitai.registry.domain import commands as C
from jichitai.registry.domain import corrections as K
from jichitai.registry.domain import entries as E
from jichitai.registry.domain import households as H
from jichitai.registry.domain import work as W
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.ledger import Ledger, RecordedChange
from jichitai.registry.domain.person import (
    REMOVED,
    replace,
)
from jichitai.registry.domain.reasons import MOVE_OUTS, Group, Reason
from jichitai.registry.domain.rules import (
    check_dates,
    check_household,
    check_standard_characters,
)

# the decided change and its entries are named from here by the rest of the registry
Change = W.Change
Entry = W.Entry


# ---- 異動の取消し ------------------------------------------------------------------------------------


CANCEL_REASONS = frozenset({Reason.CANCEL_INCREASE, Reason.CANCEL_DECREASE, Reason.CANCEL_CORRECTION})


def _cancel(work: W.Work, cmd: C.CancelChange) -> Reason:
    ledger = work.ledger
    recorded = ledger.change(cmd.change_id) if cmd.change_id else None
    if recorded is None:
        raise RegistryError("取り消す異動が異動履歴に見つかりません。", code="unknown_change", change_id=cmd.change_id)
    if recorded.cancelled:
        raise RegistryError("この異動は既に取り消されています（同じ異動を二度取り消すことはできません）。",
                            code="already_cancelled", change_id=cmd.change_id)
    if recorded.reason in CANCEL_REASONS:
        raise RegistryError("異動の取消しそのものは取り消せません。必要な異動をあらためて処理してください。",
                            code="cancel_of_cancel", change_id=cmd.change_id)
    recorded = _taken_effect(ledger, recorded)
    for _before, after in recorded.entries:
        latest = ledger.latest_change_id(after.atena_number)
        if latest != recorded.change_id:
            raise RegistryError(
                f"宛名番号 {after.atena_number} の住民にはこの異動より後の異動があるため取り消せません。後の異動から順に取り消してください（標準仕様書 4.6）。",
                code="later_change_exists", atena_number=after.atena_number,
            )
    group = recorded.reason.group
    reason = {Group.ENTRY: Reason.CANCEL_DECREASE, Group.REMOVAL: Reason.CANCEL_INCREASE,
              Group.CORRECTION: Reason.CANCEL_CORRECTION}[group]
    seen: set[str] = set()
    for before, after in recorded.entries:
        if before is None:  # the change created this person: 取消し(減) leaves a 除票
            restored = replace(after, status=REMOVED, removal_reason=reason.value, removed_on=recorded.moved_on)
        else:
            restored = before
            if recorded.reason == Reason.MOVE_OUT_TAKES_EFFECT and restored.departure_pending:
                # the 転出 is cancelled with its 消除: back to before the 転出届 (j980)
                restored = replace(restored, removed_on=None, destination_address="", destination_municipality_code="")
            if restored.is_active:
                W.unique_numbers(work, restored, seen)
        work.put(restored)
    work.cancels = recorded.change_id
    return reason


def _taken_effect(ledger: Ledger, recorded: RecordedChange) -> RecordedChange:
    """The 取消し of a 転出 whose 転出予定日 has come (j980: 転出予定年月日の到来後の転出 also) cancels its 消除
    (:class:`~jichitai.registry.domain.commands.CompleteMoveOut`), which returns everyone to before the 転出届."""
    if recorded.reason not in MOVE_OUTS:
        return recorded
    later = {ledger.latest_change_id(after.atena_number) for _before, after in recorded.entries}
    later.discard(recorded.change_id)
    if len(later) != 1:
        return recorded
    effect = ledger.change(later.pop() or "")
    if effect is None or effect.reason != Reason.MOVE_OUT_TAKES_EFFECT or effect.cancelled:
        return recorded
    return effect


HANDLERS: dict[type[C.Command], Callable[[W.Work, Any], Reason]] = {
    C.RecordMoveIn: E.move_in, C.RecordBirth: E.birth, C.RecordExOfficioEntry: E.ex_officio_entry,
    C.RecordMoveOut: E.move_out, C.CompleteMoveOut: E.complete_move_out,
    C.ApplyMoveInNoticeDay: E.move_in_notice_day, C.RecordDeath: E.death, C.RecordExOfficioRemoval: E.ex_officio_removal,
    C.RecordMoveWithin: H.move_within, C.SplitHousehold: H.split, C.MergeHousehold: H.merge,
    C.ChangeHousehold: H.change_household, C.ChangeHouseholdHead: H.head_change, C.CorrectRecord: K.correct,
    C.ChangeMyNumber: K.my_number, C.ChangeJuminhyoCode: K.juminhyo_code, C.RecordKyuuji: K.kyuuji,
    C.RecordTsusho: K.tsusho, C.RecordFuriganaNotification: K.furigana_notice, C.CancelChange: _cancel,
}


def decide(command: C.Command, ledger: Ledger) -> Change:
    """The new snapshots for ``command``, or :class:`RegistryError`. Reads only; writes nothing."""
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise RegistryError(f"異動の種類「{type(command).__name__}」は扱えません。", code="unknown_command")
    check_dates(command, ledger.today, future_allowed=isinstance(command, C.RecordMoveOut))
    check_standard_characters({f.name: getattr(command, f.name) for f in dataclasses.fields(command)})
    work = W.Work(ledger)
    reason = handler(work, command)
    unset = work.head_unset | {s for s in work.households if had_no_head(ledger, s)}
    for setai in sorted(work.households):
        check_household(setai, work.members(setai), head_unset_allowed=setai in unset)
    entries = tuple(
        W.Entry(work.before[a], p, work.origin.get(a, ""), work.destination.get(a, ""))
        for a, p in work.after.items()
        if work.before[a] != p
    )
    if not entries:
        raise RegistryError("この異動で変わる記載がありません。", code="no_change")
    return Change(command=command, reason=reason, moved_on=command.moved_on, notified_on=command.notified_on,
                  entries=entries, cancels=work.cancels,
                  note=command.note, households=tuple(sorted(work.households)),
                  head_unset=tuple(sorted(s for s in work.households
                                          if (m := work.members(s)) and not any(p.is_head for p in m))))


def had_no_head(ledger: Ledger, setai: str) -> bool:
    """A household that already stood without a 世帯主 (j100): its members' other 異動 go on (j490)."""
    members = ledger.members(setai)
    return bool(members) and not any(m.is_head for m in members)
