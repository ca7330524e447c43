"""The 除票 (1.1.5, j50) as the certificates print it: records 消除 (転出, 死亡, 職権消除) of one former household.

- A 除票 is the person's record as it stands (住民状態 消除; only a 誤記 correction changes it afterwards), with the
  除票固有の記載事項 of j50: 消除事由, 事由の生じた年月日 (a 転出: the 転出予定年月日, which the daily run made the day
  of the 消除), 転出先住所（予定）, and the 届出の年月日 of the 消除 from its 異動履歴 row.
- The 世帯主 printed is the head of the household just before the 消除 (the 異動 that removed the 世帯主 also
  names a new one for those who stay; the 除票 keeps the one it was recorded under).
- Several people go on one certificate only when their 除票 share the address and 世帯主 (those removed by the
  same 転出, typically); a 除票 and a current 住民票 never share one (j1000 実装しない機能).

Reads only; :func:`jichitai.registry.certificates.services.issue` checks, numbers, records and audits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils import timezone

from jichitai.common.errors import NotFound
from jichitai.registry.certificates import certifiers
from jichitai.registry.certificates.entries import address_text, entry_of
from jichitai.registry.certificates.snapshot import HEAD_UNSET, Address, HouseholdSnapshot, PersonEntry, Removal
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.person import ACTIVE, HEAD, REMOVED, Person
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.models import MoveInNoticeReceipt, Resident, ResidentHistory, Town
from jichitai.registry.store import to_person

MOVES_OUT = frozenset({Reason.MOVE_OUT_DOMESTIC.value, Reason.MOVE_OUT_ABROAD.value})


def former_members(setai_number: str) -> list[Person]:
    """The people of this 世帯番号 whose record is a 除票, in household order (a form's choices)."""
    return [to_person(r) for r in Resident.objects.filter(setai_number=setai_number, status=REMOVED)
            .order_by("household_order", "pk")]


@dataclass(frozen=True)
class FormerHousehold:
    """What the counter's 除票 form offers: the 世帯番号, its 除票 (and the person asked about, even if they are
    still a resident, so that asking shows the reason), and who was removed together with that person."""

    setai_number: str
    members: list[Person]
    ticked: list[str]


def former_household_of(atena_number: str) -> FormerHousehold:
    row = Resident.objects.filter(pk=atena_number).first()
    if row is None:
        raise NotFound(f"宛名番号 {atena_number} の住民は登録されていません。")
    me = to_person(row)
    members = former_members(row.setai_number)
    if all(p.atena_number != atena_number for p in members):
        members.append(me)
    ticked = [p.atena_number for p in members if me.status == REMOVED and p.removal_reason == me.removal_reason
              and p.removed_on == me.removed_on]
    return FormerHousehold(row.setai_number, members, ticked or [atena_number])


def removal_record(person: Person) -> ResidentHistory | None:
    """The 異動履歴 row of the 消除 (the 転出届 itself for a 転出 that took effect on its 転出予定日); None for a
    除票 migrated without its history."""
    return (ResidentHistory.objects.filter(atena_number=person.atena_number, is_subject=True,
                                           reason=person.removal_reason).order_by("-history_no").first())


def head_before(setai_number: str, moment: dt.datetime) -> str:
    """The 世帯主 of the household just before ``moment``: the latest 住民 row recorded as its head, unless that
    head had left it (or stopped being its head) before ``moment`` with no one named after them: then the household
    stood without a 世帯主 (j100) and :data:`HEAD_UNSET` is printed, never the former head."""
    rows = ResidentHistory.objects.filter(recorded_at__lt=moment)
    row = (rows.filter(setai_number=setai_number, relationship=HEAD, status=ACTIVE)
           .order_by("-recorded_at", "-pk").first())
    if row is None:
        return ""
    later = rows.filter(atena_number=row.atena_number, history_no__gt=row.history_no).order_by("-history_no").first()
    if later is not None and (later.status != ACTIVE or later.setai_number != setai_number
                              or later.relationship != HEAD):
        return HEAD_UNSET
    return row.name


def removal_of(person: Person, record: ResidentHistory | None) -> Removal:
    try:
        reason = Reason(person.removal_reason)
    except ValueError:
        raise RegistryError(f"宛名番号 {person.atena_number} の消除事由「{person.removal_reason}」が不明なため、除票の証明書を作成できません。",
                            code="unknown_removal", atena_number=person.atena_number) from None
    notice = (MoveInNoticeReceipt.objects.filter(atena_number=person.atena_number, removed_on=person.removed_on).first()
              if person.removed_on else None)
    return Removal(
        reason=reason.label, removed_on=person.moved_out_on or person.removed_on, removed_on_text=person.removed_on_text,
        planned_on=person.removed_on if reason.value in MOVES_OUT else None,  # the 転出届's 転出予定年月日 (j680)
        notified_on=record.change_notified_on if record is not None else None,
        destination=person.destination_address if reason.value in MOVES_OUT else "",
        by_death=reason is Reason.DEATH,
        notice_on=notice.notified_on if notice else None,
        destination_confirmed=notice.destination_address if notice else "",
        moved_out_confirmed=notice.moved_out_on if notice else None,
    )


def snapshot(setai_number: str, atena_numbers: tuple[str, ...]) -> HouseholdSnapshot:
    """The 除票 of the chosen people of a former household (each one is checked to be 消除 by the caller)."""
    people = [to_person(r) for r in Resident.objects.filter(setai_number=setai_number, status=REMOVED,
                                                            atena_number__in=atena_numbers)]
    towns = {t.code: t for t in Town.objects.filter(code__in={p.town_code for p in people})}
    entries: list[PersonEntry] = []
    households: set[tuple[str, str, str]] = set()
    for person in people:
        record = removal_record(person)
        head = person.name if person.relationship == HEAD else head_before(
            setai_number, record.recorded_at if record is not None else timezone.now())
        households.add((address_text(person, towns), person.katagaki, head))
        entries.append(replace(entry_of(person), removal=removal_of(person, record)))
    if len(households) != 1:
        raise RegistryError("消除時の住所又は世帯主が異なる除票は1通の証明書にまとめられません。1人ずつ交付してください。",
                            code="mixed_removals", field="members")
    address, katagaki, head = households.pop()
    prefecture, city = certifiers.city()
    return HouseholdSnapshot(setai_number, Address(address, katagaki), head, tuple(entries), city_name=city,
                             prefecture=prefecture)
