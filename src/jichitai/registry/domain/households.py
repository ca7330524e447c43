"""修正 of where people live and with whom: 転居, 世帯分離, 世帯合併, 世帯変更, 世帯主変更.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.registry.domain import commands as C
from jichitai.registry.domain import work as W
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import (
    HEAD,
    Person,
    replace,
)
from jichitai.registry.domain.reasons import Reason

# ---- 修正: 転居 and household changes ---------------------------------------------------------------


def _join(work: W.Work, people: list[Person], into: str, relationships: Mapping[str, str],
          **changes: Any) -> None:
    for p in people:
        rel = relationships.get(p.atena_number)
        if rel is None:
            raise RegistryError(f"世帯員（宛名番号 {p.atena_number}）の異動先世帯での続柄を指定してください。",
                                code="relationship_required", atena_number=p.atena_number)
        work.put(replace(p, setai_number=into, relationship=rel, household_order=work.next_order(into), **changes))


def _new_household(work: W.Work, people: list[Person], setai: str, new_head: str,
                   relationships: Mapping[str, str], **changes: Any) -> None:
    ids = [p.atena_number for p in people]
    if not new_head and len(people) == 1:
        new_head = ids[0]
    if new_head not in ids:
        raise RegistryError("新しい世帯の世帯主を異動者の中から指定してください。", code="head_required", field="new_head")
    ordered = sorted(people, key=lambda p: p.atena_number != new_head)
    for order, p in enumerate(ordered, start=1):
        rel = HEAD if p.atena_number == new_head else relationships.get(p.atena_number)
        if rel is None:
            raise RegistryError(f"世帯員（宛名番号 {p.atena_number}）の新しい世帯での続柄を指定してください（標準仕様書 4.1.4.2）。",
                                code="relationship_required", atena_number=p.atena_number)
        work.put(replace(p, setai_number=setai, relationship=rel, household_order=order, **changes))


def move_within(work: W.Work, cmd: C.RecordMoveWithin) -> Reason:
    people = W.group(work, cmd.atena_numbers, "転居")
    W.not_leaving(people)
    town = W.town(work.ledger, cmd.town_code)
    old_setai = people[0].setai_number
    destination = (town.code, cmd.banchi, cmd.katagaki)
    if W.address(people[0]) == destination:
        raise RegistryError("転居先の住所が現在の住所と同じです（同一住所への転居は行えません）。", code="same_address")
    changes: dict[str, Any] = dict(town_code=town.code, ward_code=town.ward_code, banchi=cmd.banchi,
                                   katagaki=cmd.katagaki,
                   postcode=town.postcode, address_set_on=cmd.moved_on, notified_on=cmd.notified_on)
    members = work.members(old_setai)
    whole = {p.atena_number for p in people} == {m.atena_number for m in members}
    if cmd.setai_number:
        target = W.household(work, cmd.setai_number)
        if W.address(target[0]) != destination:
            raise RegistryError(f"転居先の世帯（世帯番号 {cmd.setai_number}）の住所と転居先住所が一致しません。",
                                code="address_mismatch")
        _join(work, people, cmd.setai_number, cmd.relationships, **changes)
    elif whole:
        # j130: between wards of a 指定都市 the household takes a new 世帯番号; 宛名番号 are kept.
        setai = work.ledger.new_setai_number() if town.ward_code != people[0].ward_code else old_setai
        for p in people:
            work.put(replace(p, setai_number=setai, relationship=cmd.relationships.get(p.atena_number,
                                                                                      p.relationship), **changes))
    else:
        _new_household(work, people, work.ledger.new_setai_number(), cmd.new_head, cmd.relationships, **changes)
    for p in people:
        work.origin[p.atena_number] = W.CITY
    W.reassign_head(work, old_setai, cmd.remaining_head, cmd.relationships, without_head=cmd.without_head)
    return Reason.MOVE_WITHIN


def split(work: W.Work, cmd: C.SplitHousehold) -> Reason:
    people = W.group(work, cmd.atena_numbers, "世帯分離")
    setai = people[0].setai_number
    if len(people) == len(work.members(setai)):
        raise RegistryError("世帯員全員を分離することはできません。", code="split_all")
    _new_household(work, people, work.ledger.new_setai_number(), cmd.new_head, cmd.relationships)
    W.reassign_head(work, setai, cmd.remaining_head, cmd.relationships, without_head=cmd.without_head)
    return Reason.HOUSEHOLD_SPLIT


def _same_address(a: list[Person], b: list[Person], label: str) -> None:
    if W.address(a[0]) != W.address(b[0]):
        raise RegistryError(f"{label}は同一住所の世帯の間でのみ行えます（住所の異動を伴う場合は転居として処理します。標準仕様書 4.1.4.1）。",
                            code="address_mismatch")


def merge(work: W.Work, cmd: C.MergeHousehold) -> Reason:
    if cmd.setai_number == cmd.into_setai_number:
        raise RegistryError("同じ世帯どうしは合併できません。", code="same_household")
    source = W.household(work, cmd.setai_number)
    target = W.household(work, cmd.into_setai_number)
    _same_address(source, target, "世帯合併")
    _join(work, source, cmd.into_setai_number, cmd.relationships)
    return Reason.HOUSEHOLD_MERGE


def change_household(work: W.Work, cmd: C.ChangeHousehold) -> Reason:
    people = W.group(work, cmd.atena_numbers, "世帯変更")
    setai = people[0].setai_number
    if setai == cmd.into_setai_number:
        raise RegistryError("異動先の世帯が現在の世帯と同じです。", code="same_household")
    target = W.household(work, cmd.into_setai_number)
    _same_address(people, target, "世帯変更")
    _join(work, people, cmd.into_setai_number, cmd.relationships)
    W.reassign_head(work, setai, cmd.remaining_head, cmd.relationships, without_head=cmd.without_head)
    return Reason.HOUSEHOLD_CHANGE


def head_change(work: W.Work, cmd: C.ChangeHouseholdHead) -> Reason:
    members = W.household(work, cmd.setai_number)
    current = next((m for m in members if m.is_head), None)
    if cmd.new_head not in {m.atena_number for m in members}:
        raise RegistryError(f"新しい世帯主（宛名番号 {cmd.new_head}）はこの世帯の世帯員ではありません。",
                            code="head_not_member")
    if current is not None and current.atena_number == cmd.new_head:
        raise RegistryError("指定された者は既に世帯主です。", code="already_head")
    W.set_head(work, members, cmd.new_head, cmd.relationships)
    return Reason.HEAD_CHANGE
