"""The working state of one decision (:func:`jichitai.registry.domain.decide.decide`): the people a 異動 touches
overlaid on the ledger, the decided :class:`Change`, and the household and number rules every kind of 異動
shares (世帯主 and 続柄, 住民票コード/個人番号 unique, 再転入者).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from jichitai.common.checkdigit import is_valid_my_number
from jichitai.common.fields import juminhyo_code_problem
from jichitai.common.wareki import to_wareki
from jichitai.registry.domain import commands as C
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.ledger import Ledger, TownInfo
from jichitai.registry.domain.person import (
    HEAD,
    WORDED_DATES,
    Person,
    replace,
)
from jichitai.registry.domain.reasons import Reason

CITY, PREFECTURE, OTHER_PREFECTURE, ABROAD = "市内", "県内", "県外", "国外"


@dataclass(frozen=True)
class Entry:
    before: Person | None
    after: Person
    origin_class: str = ""  # 市内/県内/県外/国外 for a move into this person's current address
    destination_class: str = ""  # for a move out of it


@dataclass(frozen=True)
class Change:
    """The decided 異動: what the service writes as history rows, outbox events and one audit entry."""

    command: C.Command
    reason: Reason
    moved_on: dt.date
    notified_on: dt.date | None
    entries: tuple[Entry, ...]
    cancels: str = ""
    note: str = ""
    households: tuple[str, ...] = ()  # every 世帯番号 the change touched
    head_unset: tuple[str, ...] = ()  # those of them left without a 世帯主 (j100 世帯主未設定)

    @property
    def requires_approval(self) -> bool:
        """職権 changes are recorded only after 決裁 (j530)."""
        return self.reason.is_ex_officio


def area_class(code: str, ledger: Ledger) -> str:
    """市内 / 県内 / 県外 for a 全国地方公共団体コード (5 or 6 digits)."""
    if code[:5] in ledger.own_codes:
        return CITY
    if code[:2] == ledger.city_code[:2]:
        return PREFECTURE
    return OTHER_PREFECTURE


@dataclass
class Work:
    """The people a change touches, overlaid on the ledger."""

    ledger: Ledger
    before: dict[str, Person | None] = field(default_factory=dict)
    after: dict[str, Person] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    destination: dict[str, str] = field(default_factory=dict)
    households: set[str] = field(default_factory=set)
    cancels: str = ""  # the change a 取消し cancels (j980)
    head_unset: set[str] = field(default_factory=set)  # households left (or kept) without a 世帯主 on purpose

    def current(self, atena: str) -> Person | None:
        if atena in self.after:
            return self.after[atena]
        return self.ledger.person(atena)

    def put(self, person: Person) -> None:
        atena = person.atena_number
        if atena not in self.before:
            self.before[atena] = self.ledger.person(atena)
            old = self.before[atena]
            if old is not None:
                self.households.add(old.setai_number)
        previous = self.after.get(atena) or self.before[atena]
        if previous is not None:
            person = _words_follow_their_day(previous, person)
        self.after[atena] = person
        self.households.add(person.setai_number)

    def members(self, setai: str) -> list[Person]:
        found = {p.atena_number: p for p in self.ledger.members(setai)}
        for atena, p in self.after.items():
            if p.setai_number == setai and p.is_active:
                found[atena] = p
            else:
                found.pop(atena, None)
        return sorted(found.values(), key=lambda p: (p.household_order, p.atena_number))

    def next_order(self, setai: str) -> int:
        return max((p.household_order for p in self.members(setai)), default=0) + 1


def active(work: Work, atena: str, action: str) -> Person:
    person = work.current(atena)
    if person is None:
        raise RegistryError(f"宛名番号 {atena} の住民は登録されていません。", code="unknown_person",
                            atena_number=atena)
    if not person.is_active:
        if person.removal_reason == Reason.DEATH:
            raise RegistryError(
                f"宛名番号 {atena} の住民は既に死亡により消除されているため、{action}できません。",
                code="already_dead" if action == "死亡の記録" else "removed", atena_number=atena,
            )
        raise RegistryError(
            f"宛名番号 {atena} の住民は既に消除されているため、{action}できません。",
            code="removed", atena_number=atena,
        )
    return person


def town(ledger: Ledger, code: str) -> TownInfo:
    town = ledger.town(code) if code else None
    if town is None:
        raise RegistryError(
            f"町字コード「{code}」は住所辞書にありません。住所辞書に登録された町字を指定してください（標準仕様書 1.3.3）。",
            code="unknown_town", town_code=code,
        )
    return town


def household(work: Work, setai: str) -> list[Person]:
    members = work.members(setai)
    if not members:
        raise RegistryError(f"世帯番号 {setai} の世帯は存在しないか、世帯員がいません。", code="unknown_household",
                            setai_number=setai)
    return members


def returning(work: Work, holder: str, item: str) -> None:
    """4.1.1.2 (j600): 「除票データにおいて、個人番号、住民票コード…が一致する者がいた場合は、再転入者としての処理を行う
    こととし、新規入力を抑止すること」 — a new entry whose number a 除票 holds is refused, naming the 宛名番号 to use."""
    former = work.ledger.person(holder)
    if former is not None and not former.is_active:
        raise RegistryError(
            f"{item}が除票の方（宛名番号 {holder}、{former.name}）と一致します。再転入者として、その宛名番号を指定して"
            f"入力してください（従前の宛名番号を引き継ぎます。標準仕様書 4.1.1.2）。",
            code="returning_resident", field="my_number" if item == "個人番号" else "juminhyo_code",
            atena_number=holder)


def unique_numbers(work: Work, person: Person, seen: set[str]) -> None:
    ledger = work.ledger
    if person.my_number:
        if not is_valid_my_number(person.my_number):
            raise RegistryError("個人番号の検査用数字が正しくありません（12桁の個人番号を確認してください）。",
                                code="invalid_my_number", field="my_number")
        holder = ledger.my_number_holder(person.my_number)
        if holder and holder != person.atena_number:
            returning(work, holder, "個人番号")
        if (holder and holder != person.atena_number) or person.my_number in seen:
            raise RegistryError(
                f"この個人番号は既に宛名番号 {holder or '（同じ届出の別の者）'} の住民に記載されています。個人番号の重複は記載できません。",
                code="duplicate_my_number", field="my_number",
            )
        seen.add(person.my_number)
    if person.juminhyo_code:
        problem = juminhyo_code_problem(person.juminhyo_code)
        if problem:
            raise RegistryError(problem, code="invalid_juminhyo_code", field="juminhyo_code")
        holder = ledger.juminhyo_code_holder(person.juminhyo_code)
        if holder and holder != person.atena_number:
            returning(work, holder, "住民票コード")
        if holder and holder != person.atena_number:
            raise RegistryError(f"この住民票コードは既に宛名番号 {holder} の住民に記載されています。",
                                code="duplicate_juminhyo_code", field="juminhyo_code")


def apply_relationships(work: Work, members: Iterable[Person], relationships: Mapping[str, str]) -> None:
    for m in members:
        if m.atena_number in relationships and relationships[m.atena_number] != m.relationship:
            work.put(replace(m, relationship=relationships[m.atena_number]))


def reassign_head(work: Work, setai: str, remaining_head: str, relationships: Mapping[str, str], *,
                  without_head: bool = False) -> None:
    """After members left ``setai``: if it has no 世帯主 now, name the new one (j490, j730) or, for two or more
    remaining members, leave it without one when the clerk chose so (j100 世帯主未設定; j500 職権で世帯主を定めない).
    A household that was already without a 世帯主 stays so (j490: its members' 異動 go on), unless one is named
    or one member remains (a household of one is its own 世帯主)."""
    members = work.members(setai)
    if not members or any(m.is_head for m in members):
        apply_relationships(work, members, relationships)
        return
    if remaining_head and without_head:
        raise RegistryError("新しい世帯主の指定と「世帯主を定めない」は同時に選べません。どちらか一方を選んでください。",
                            code="head_choice_conflict", setai_number=setai)
    if not remaining_head and len(members) == 1:
        remaining_head = members[0].atena_number  # j490: the one remaining member becomes 世帯主 (職権)
    had_head = any(m.is_head for m in work.ledger.members(setai))
    if not remaining_head and (without_head or not had_head):
        apply_relationships(work, members, relationships)
        work.head_unset.add(setai)
        return
    if not remaining_head:
        raise RegistryError(
            f"世帯番号 {setai} の世帯に世帯主がいなくなります。残る世帯員が2人以上のため、新しい世帯主を指定するか、"
            "「世帯主を定めない」を選んでください（世帯主未設定となり、世帯主変更依頼通知書を送付します。標準仕様書 4.0.4、"
            "4.0.5）。",
            code="no_head", setai_number=setai,
        )
    ids = {m.atena_number for m in members}
    if remaining_head not in ids:
        raise RegistryError(f"新しい世帯主（宛名番号 {remaining_head}）はこの世帯に残る世帯員ではありません。",
                            code="head_not_member", setai_number=setai)
    set_head(work, members, remaining_head, relationships)


def set_head(work: Work, members: list[Person], head: str, relationships: Mapping[str, str]) -> None:
    work.head_unset.discard(members[0].setai_number if members else "")
    for m in members:
        if m.atena_number == head:
            work.put(replace(m, relationship=HEAD))
        elif m.atena_number in relationships:
            work.put(replace(m, relationship=relationships[m.atena_number]))
        else:
            raise RegistryError(
                f"世帯主の変更に伴い、世帯員（宛名番号 {m.atena_number}）の新しい続柄を指定してください（標準仕様書 4.1.4.2）。",
                code="relationship_required", atena_number=m.atena_number,
            )


def group(work: Work, atenas: Iterable[str], action: str) -> list[Person]:
    atenas = list(dict.fromkeys(atenas))
    if not atenas:
        raise RegistryError("異動者を1人以上指定してください（標準仕様書 4.0.1）。", code="no_persons")
    people = [active(work, a, action) for a in atenas]
    if len({p.setai_number for p in people}) != 1:
        raise RegistryError(f"{action}する住民は同じ世帯の世帯員である必要があります。", code="mixed_households")
    return people


def address(person: Person) -> tuple[str, str, str]:
    return (person.town_code, person.banchi, person.katagaki)


def not_leaving(people: Iterable[Person]) -> None:
    """A 転出予定者 has a 転出届 on record: another 転出 or a 転居 contradicts it until it is cancelled."""
    for p in people:
        if p.departure_pending:
            assert p.removed_on is not None
            raise RegistryError(
                f"宛名番号 {p.atena_number} の住民には転出届（転出予定日 {to_wareki(p.removed_on)}）が記録されています。"
                "転出予定日・転出先を改める場合や市内に住所を移す場合は、先にその転出を取り消してください（標準仕様書 4.6）。",
                code="departure_pending", atena_number=p.atena_number,
            )


def _words_follow_their_day(previous: Person, person: Person) -> Person:
    """A 不詳日's words (j80) belong to the day they were held with: a 異動 that sets that day anew (a 転居's
    住所を定めた年月日) and leaves the words as they were drops them, as they no longer say that day."""
    stale = {words: "" for day, words in WORDED_DATES.items()
             if getattr(person, words) and getattr(person, words) == getattr(previous, words)
             and getattr(person, day) != getattr(previous, day)}
    return replace(person, **stale) if stale else person
